/**
 * Typed forms keep, through JSON, every value the Lua codec hands the host: a history line,
 * a control-channel message and `--json` output read back to exactly what was written
 * (NaN, ±Infinity, -0, int64 BigInts, `__proto__` keys, user objects shaped like forms).
 */
import fc from 'fast-check'
import {describe, expect, test} from 'vitest'

import {encodeEvent, eventFromJson, eventToJson} from '../../src/history/line-codec.js'
import {readHistoryBuffer} from '../../src/history/reader.js'
import {recordFromJson, recordToJson} from '../../src/history/value-forms.js'
import {decodeMessage, encodeMessage} from '../../src/control/wire.js'
import {params} from '../fuzz/arbitraries.js'

/** A text fingerprint that tells apart what JSON would merge: -0 from 0, NaN from null, 2^53+1 from 2^53. */
export function fingerprint(v: unknown): string {
  if (v === null) return 'nil'
  switch (typeof v) {
    case 'number':
      return `n:${Object.is(v, -0) ? '-0' : String(v)}`
    case 'bigint':
      return `i:${v}`
    case 'string':
      return `s:${JSON.stringify(v)}`
    case 'boolean':
      return `b:${v}`
    case 'object':
      if (Array.isArray(v)) return `[${v.map(fingerprint).join(',')}]`
      if (Object.getPrototypeOf(v) !== Object.prototype) return 'proto-changed!'
      return `{${Object.keys(v)
        .map((k) => `${JSON.stringify(k)}=${fingerprint((v as Record<string, unknown>)[k])}`)
        .join(',')}}`
    default:
      return `?${typeof v}`
  }
}

const INT64 = fc
  .bigInt({max: 2n ** 63n - 1n, min: -(2n ** 63n)})
  .filter((b) => !Number.isSafeInteger(Number(b)) || b > 2n ** 53n || b < -(2n ** 53n))
const KEY = fc.oneof(
  fc.string(),
  fc.constantFrom('$int', '$float', '$obj', '$x', '__proto__', 'typed', 'crc', '1', 'true'),
)

/** The values the codec can hand the host. */
export const codecValue: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  value: fc.oneof(
    {depthSize: 'small'},
    fc.constant(null),
    fc.boolean(),
    fc.double(),
    fc.constantFrom(Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, -0, 2 ** 53, -(2 ** 63)),
    fc.integer(),
    INT64,
    fc.string({unit: 'binary'}),
    fc.array(tie('value'), {maxLength: 4}),
    fc.array(fc.tuple(KEY, tie('value')), {maxLength: 4}).map((entries) => {
      const o: Record<string, unknown> = {}
      for (const [k, v] of entries)
        Object.defineProperty(o, k, {configurable: true, enumerable: true, value: v, writable: true})
      return o
    }),
  ),
})).value

describe('typed forms', () => {
  test('a record reads back exactly what was written, for every codec value', () => {
    fc.assert(
      fc.property(codecValue, (v) => {
        const record = {result: v, type: 'X'}
        const back = recordFromJson(JSON.parse(recordToJson(record)) as unknown) as {result: unknown}
        expect(fingerprint(back.result)).toBe(fingerprint(v))
      }),
      params(300),
    )
  })

  test('a history line and a control message carry the same values through the store and the wire', () => {
    fc.assert(
      fc.property(codecValue, (v) => {
        const {event, line} = encodeEvent(1, {
          codeHash: 'h',
          entry: 'a:b',
          format: 1,
          host: 'h',
          input: [v],
          pid: 'p',
          runId: 'r',
          seed: 1,
          ts: 1,
          type: 'WorkflowStarted',
          workflowId: 'w',
        })
        const [read] = readHistoryBuffer(Buffer.from(line), 'mem').events
        expect(fingerprint((read as {input: unknown[]}).input[0])).toBe(fingerprint(v))
        expect(fingerprint((event as {input: unknown[]}).input[0])).toBe(fingerprint(v))
        const exported = eventFromJson(JSON.parse(eventToJson(read!))) as {input: unknown[]}
        expect(fingerprint(exported.input[0])).toBe(fingerprint(v))
        const message = decodeMessage(encodeMessage({id: 1, ok: true, result: v})) as {result: unknown}
        expect(fingerprint(message.result)).toBe(fingerprint(v))
      }),
      params(200),
    )
  })

  test('the int64 form: the line says typed, and plain lines stay plain JSON', () => {
    // Given an activity result beyond 2^53 and one within it
    const big = encodeEvent(3, {
      attempts: 1,
      result: 9_007_199_254_740_993n,
      scheduled: 2,
      ts: 5,
      type: 'ActivityCompleted',
    }).line
    const small = encodeEvent(3, {
      attempts: 1,
      result: {$int: '5'},
      scheduled: 2,
      ts: 5,
      type: 'ActivityCompleted',
    }).line
    // Then the big one is a typed form, and a user's form-shaped object in a plain line is left alone
    expect(big).toMatch(
      /^\{"seq":3,"type":"ActivityCompleted","ts":5,"attempts":1,"result":\{"\$int":"9007199254740993"\},"scheduled":2,"typed":true,"crc":"[0-9a-f]{8}"\}\n$/,
    )
    expect(small).toMatch(/"result":\{"\$int":"5"\},"scheduled":2,"crc"/)
    expect(eventFromJson(JSON.parse(small))).toMatchObject({result: {$int: '5'}})
    expect((eventFromJson(JSON.parse(big)) as {result: unknown}).result).toBe(9_007_199_254_740_993n)
  })

  test('histories written before typed forms read as they did (a form-shaped object in an untyped line is data)', () => {
    const old =
      '{"seq":1,"type":"WorkflowStarted","ts":1,"format":1,"workflowId":"w","runId":"r","pid":"p","entry":"a:b","host":"h","input":[{"$int":"5"},{"$float":"NaN"}],"codeHash":"h","seed":1}\n'
    expect(readHistoryBuffer(Buffer.from(old), 'mem').events[0]).toMatchObject({input: [{$int: '5'}, {$float: 'NaN'}]})
  })
})
