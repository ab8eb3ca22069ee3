/**
 * JSON from the command line is read as the platform reads payloads (Go, UseNumber): exact
 * int64 integers, doubles otherwise, and a number no double holds is refused, not nulled.
 */
import fc from 'fast-check'
import {describe, expect, it} from 'vitest'

import {parseJsonArg} from '../../src/control/json-arg.js'
import {params} from '../fuzz/arbitraries.js'

describe('parseJsonArg', () => {
  it('refuses 1e999 (and -1e999) with WIPPY_JSON_NUMBER_RANGE and the position, instead of making it null', () => {
    expect(() => parseJsonArg('{"n": [1, 1e999]}', 'payload')).toThrow(
      expect.objectContaining({code: 'WIPPY_JSON_NUMBER_RANGE', details: {position: 10, token: '1e999'}}),
    )
    expect(() => parseJsonArg('-1E999', 'payload')).toThrow(
      /the number -1E999 at position 0, beyond what a float can hold/,
    )
  })

  it('reads integers beyond 2^53 exactly, within int64; larger ones are doubles (as Go does)', () => {
    expect(parseJsonArg('9007199254740993', 'payload')).toBe(9_007_199_254_740_993n)
    expect(parseJsonArg('{"a": [-9223372036854775808, 9223372036854775807]}', 'payload')).toEqual({
      a: [-(2n ** 63n), 2n ** 63n - 1n],
    })
    expect(parseJsonArg('9223372036854775808', 'payload')).toBe(9_223_372_036_854_775_808)
    expect(parseJsonArg('9007199254740993.0', 'payload')).toBe(9_007_199_254_740_992)
  })

  it('keeps a __proto__ key as a key', () => {
    const v = parseJsonArg('{"__proto__": {"x": 1}, "e": 1e3}', 'payload') as Record<string, unknown>
    expect(Object.getPrototypeOf(v)).toBe(Object.prototype)
    expect(Object.keys(v)).toEqual(['__proto__', 'e'])
  })

  it('reads any other JSON as JSON.parse does, but for the exact integers (property)', () => {
    // An integer token beyond 2^53 is a BigInt of its digits; as a double it is JSON.parse's value.
    const asDoubles = (v: unknown): unknown =>
      typeof v === 'bigint'
        ? Number(v)
        : Array.isArray(v)
          ? v.map(asDoubles)
          : v && typeof v === 'object'
            ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, asDoubles(x)]))
            : v
    fc.assert(
      fc.property(fc.jsonValue(), fc.constantFrom(0, 2), (v, indent) => {
        const text = JSON.stringify(v, undefined, indent)
        expect(asDoubles(parseJsonArg(text, 'payload'))).toEqual(JSON.parse(text))
      }),
      params(300),
    )
  })
})
