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
    const json = fc.jsonValue({maxDepth: 4}).filter((v) => !JSON.stringify(v).includes('__proto__'))
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
              ? Object.fromEntries(Object.entries(x).filter(([, y]) => y !== null).map(([k, y]) => [k, norm(y)]))
              : Object.is(x, -0) ? 0 : x
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
})
