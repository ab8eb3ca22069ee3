import fc from 'fast-check'
import {describe, expect, it} from 'vitest'
import {resultOf, runtime, spec} from './helpers.js'

// Given a program whose main returns its argument unchanged
const echo = () => runtime.createProgram(spec('return function(v) return v end'))
const roundTrip = (v: unknown): unknown => {
  const p = echo()
  try {
    return resultOf(p.start([v]))
  } finally {
    p.close()
  }
}

describe('JS ⇄ Lua codec', () => {
  it('keeps integers, floats, big integers, nil and NUL bytes', () => {
    expect(roundTrip(42)).toBe(42)
    expect(roundTrip(1.5)).toBe(1.5)
    expect(roundTrip(2 ** 53 - 1)).toBe(2 ** 53 - 1)
    expect(roundTrip(1e20)).toBe(1e20)
    expect(roundTrip(9223372036854775807n)).toBe(9223372036854775807n)
    expect(roundTrip(null)).toBe(null)
    expect(roundTrip('a\u0000b')).toBe('a\u0000b')
    expect(roundTrip('héllo ✓')).toBe('héllo ✓')
  })

  it('keeps empty arrays, empty objects, holes and numeric-string keys apart', () => {
    expect(roundTrip([])).toEqual([])
    expect(roundTrip({})).toEqual({})
    expect(roundTrip([1, null, 3])).toEqual([1, null, 3])
    expect(roundTrip({'1': 'a', '2': 'b'})).toEqual({'1': 'a', '2': 'b'})
    expect(roundTrip({a: [1, {b: []}]})).toEqual({a: [1, {b: []}]})
  })

  it('sees integers as Lua integers and other numbers as floats', () => {
    const p = runtime.createProgram(spec('return function(a, b) return {math.type(a), math.type(b)} end'))
    expect(resultOf(p.start([3, 3.5]))).toEqual(['integer', 'float'])
    p.close()
  })

  it('round-trips arbitrary JSON values (property)', () => {
    const p = echo()
    const json = fc.jsonValue({maxDepth: 4})
    fc.assert(
      fc.property(json, (v) => {
        // trailing nulls in arrays cannot be stored in Lua tables; -0 becomes 0
        const norm = (x: unknown): unknown =>
          Array.isArray(x)
            ? (() => {
                const a = x.map(norm)
                while (a.length && a[a.length - 1] === null) a.pop()
                return a
              })()
            : x && typeof x === 'object'
              ? Object.fromEntries(
                  Object.entries(x)
                    .filter(([, y]) => y !== null)
                    .map(([k, y]) => [k, norm(y)]),
                )
              : // (Object.fromEntries keeps a `__proto__` key as an own key, as the codec must)
                Object.is(x, -0)
                ? 0
                : x
        const q = echo()
        try {
          expect(resultOf(q.start([v]))).toEqual(norm(v))
        } finally {
          q.close()
        }
      }),
      {numRuns: 150},
    )
    p.close()
  })

  it('hands Lua the whole int64 range as integers, math.mininteger included', () => {
    const p = runtime.createProgram(
      spec(
        'return function(a, b, c) return {math.type(a), a == math.mininteger, math.type(b), b == math.maxinteger, math.type(c)} end',
      ),
    )
    expect(resultOf(p.start([-(2 ** 63), 9223372036854775807n, 2 ** 63]))).toEqual([
      'integer',
      true,
      'integer',
      true,
      'float',
    ])
    p.close()
  })

  const returning = (lua: string) => {
    const p = runtime.createProgram(spec(`return function() return ${lua} end`))
    try {
      return resultOf(p.start([]))
    } finally {
      p.close()
    }
  }

  /** The error of a program whose result the codec refuses (the step fails; nothing leaves Lua). */
  const refusal = (lua: string): string => {
    const p = runtime.createProgram(spec(`return function() return ${lua} end`))
    try {
      const outcome = p.start([])
      expect(outcome).toMatchObject({error: {kind: 'PayloadTooLarge', retryable: false}, status: 'failed'})
      return (outcome as {error: {message: string}}).error.message
    } finally {
      p.close()
    }
  }

  it('refuses a table whose keys would collide in a payload, instead of keeping one of them', () => {
    // Given tables whose keys of different kinds have the same name in a payload object
    // Then reading them is refused with the two keys named
    expect(refusal('{[1] = "a", ["1"] = "b"}')).toMatch(/both the key 1 and the key "1"/)
    expect(refusal('{["1"] = "b", [1] = "a", x = 1}')).toMatch(/both the key 1 and the key "1"/)
    expect(refusal('{[true] = "a", ["true"] = "b"}')).toMatch(/both the key true and the key "true"/)
    expect(refusal('{[1.5] = "a", ["1.5"] = "b"}')).toMatch(/both the float key 1.5 and the key "1.5"/)
    // And keys of different kinds that do not collide are all kept
    expect(returning('{[true] = 1, [false] = 2, [1.5] = 3, [1] = 4, x = 5}')).toEqual({
      '1': 4,
      '1.5': 3,
      false: 2,
      true: 1,
      x: 5,
    })
  })

  it('keeps integer keys beyond 2^53 apart, named by their exact digits', () => {
    expect(returning('{[9007199254740992] = "a", [9007199254740993] = "b"}')).toEqual({
      '9007199254740992': 'a',
      '9007199254740993': 'b',
    })
  })

  it('keeps a __proto__ key as a key (not as the prototype)', () => {
    const out = returning('{__proto__ = {x = 1}, y = 2}') as Record<string, unknown>
    expect(Object.getPrototypeOf(out)).toBe(Object.prototype)
    expect(Object.keys(out)).toEqual(['__proto__', 'y'])
    expect(Object.getOwnPropertyDescriptor(out, '__proto__')?.value).toEqual({x: 1})
    // and a JS object with an own __proto__ key reaches Lua with it
    const p = runtime.createProgram(spec('return function(t) return t.__proto__ end'))
    expect(resultOf(p.start([JSON.parse('{"__proto__": 7}')]))).toBe(7)
    p.close()
  })

  it('keeps the string keys of an array-marked table (it becomes an object)', () => {
    const p = runtime.createProgram(spec('return function(t) t.name = "x"; return t end'))
    expect(resultOf(p.start([[1, 2]]))).toEqual({'1': 1, '2': 2, name: 'x'})
    p.close()
  })

  it("turns bytes that are not UTF-8 into U+FFFD when they leave Lua, as the platform's JSON does", () => {
    // Replay-equals-live holds because both see the value after this one conversion.
    expect(returning('"\\xff\\xfe\\0abc"')).toBe('\uFFFD\uFFFD\u0000abc')
  })

  it('refuses a value that would expand past MAX_VALUE_ENTRIES (a table shared by reference), quickly', () => {
    // Given a few bytes of Lua that reference one table twice, 40 times over (2^40 entries as a tree)
    const t0 = Date.now()
    // Then reading it is refused instead of freezing the process
    expect(refusal('(function() local t = {} for i = 1, 40 do t = {t, t} end return t end)()')).toMatch(
      /more than 1000000 table entries/,
    )
    expect(Date.now() - t0).toBeLessThan(20_000)
  }, 30_000)
})
