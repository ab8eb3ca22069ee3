/**
 * The guarded pattern functions (`@wippy/pattern-guard.lua` over `@wippy/patterns.lua`):
 * the pure-Lua matcher agrees with the native one, and patterns whose native worst case
 * is huge fail with the instruction budget instead of hanging the host.
 *
 * To compare the two matchers directly, these tests build programs on their own wasm
 * instance with two test-only prelude chunks around the real prelude: one right after core
 * keeps the native functions, one at the end exposes them and the Lua port as globals.
 * User programs never get those chunks.
 */
import fc from 'fast-check'
import {LuaFactory} from 'wasmoon'
import {describe, expect, it} from 'vitest'
import type {LuaProgramSpec, StepOutcome} from '../../src/lua/types.js'
import {PRELUDE} from '../../src/lua/prelude/index.js'
import {LuaApi} from '../../src/lua/vm/lua-api.js'
import {WasmoonProgram} from '../../src/lua/vm/program.js'
import {resultOf, run, spec} from './helpers.js'

const api = new LuaApi(await new LuaFactory().getLuaModule())
const [core, ...rest] = PRELUDE
const testPrelude = [
  core!,
  {
    name: '@test/keep-natives.lua',
    text: 'local W = ... W.test_native = {find = string.find, match = string.match, gmatch = string.gmatch, gsub = string.gsub}',
  },
  ...rest,
  {name: '@test/expose.lua', text: 'local W = ... test_native, test_lua = W.test_native, W.lua_patterns'},
]

function start(text: string, args: unknown[] = [], extra: Partial<LuaProgramSpec> = {}): StepOutcome {
  const program = new WasmoonProgram(api, spec(text, extra), testPrelude)
  try {
    return program.start(args)
  } finally {
    program.close()
  }
}

/** One call of a pattern function, as the harness below runs it. */
interface Case {
  fn: 'find' | 'gmatch' | 'gsub' | 'match'
  init?: number
  max?: number
  p: string
  plain?: boolean
  repl?: string | {kind: 'function' | 'table'}
  s: string
}

// Runs every case with both implementations; each result is serialised to one string
// (values with their types, errors without their position).
const HARNESS = String.raw`
local function ser(...)
  local n, out = select('#', ...), {}
  for i = 1, n do local v = select(i, ...) out[i] = type(v):sub(1, 1) .. ':' .. tostring(v) end
  return table.concat(out, '|')
end
local TABLE = setmetatable({a = 'T', ab = false, [1] = 'one'}, {__index = function(_, k) if k == 'b' then return 7 end end})
local function fn(...) local a = ... if a == 'a' then return false end if a == 'b' then return 3 end return '<' .. table.concat({...}, ',') .. '>' end
local function call(impl, c)
  local repl = c.repl
  if type(repl) == 'table' then repl = repl.kind == 'table' and TABLE or fn end
  if c.fn == 'find' then return ser(impl.find(c.s, c.p, c.init, c.plain)) end
  if c.fn == 'match' then return ser(impl.match(c.s, c.p, c.init)) end
  if c.fn == 'gsub' then return ser(impl.gsub(c.s, c.p, repl, c.max)) end
  local out, n = {}, 0
  for a, b in impl.gmatch(c.s, c.p, c.init) do
    n = n + 1
    out[n] = ser(a, b)
    if n > 200 then break end
  end
  return table.concat(out, ';')
end
local function guarded(impl, c)
  local ok, r = pcall(call, impl, c)
  if ok then return r end
  return 'error:' .. tostring(r):gsub('^[^:]*:%d+: ', '')
end
return function(cases)
  local out = {}
  for i = 1, #cases do
    local c = cases[i]
    out[i] = {guarded(test_native, c), guarded(test_lua, c), guarded(string, c)}
  end
  return out
end`

function compare(cases: Case[]): Array<[string, string, string]> {
  return resultOf(start(HARNESS, [cases])) as Array<[string, string, string]>
}

function expectAgreement(cases: Case[]): void {
  const results = compare(cases)
  results.forEach(([native, lua, guarded], i) => {
    expect(lua, JSON.stringify(cases[i])).toBe(native)
    expect(guarded, JSON.stringify(cases[i])).toBe(native)
  })
}

describe('the pure-Lua pattern matcher', () => {
  it('agrees with the native matcher on a corpus of patterns', () => {
    const subjects = [
      'hello world from Lua',
      '  key = value ; x=1, y = 22  ',
      'THE (quick) [brown] fox_42!',
      '',
      'aaa\0bbb',
      'f(a(b)c)d',
    ]
    const patterns = [
      'o',
      'o w',
      '%a+',
      '%d+',
      '%s*',
      '(%w+)%s*=%s*(%w+)',
      '^%s*(.-)%s*$',
      '[%a_][%w_]*',
      '[^%s]+',
      '()o()',
      '%b()',
      '%f[%w]%w+',
      '(a*(.)%w(%s*))',
      '(%w)%1',
      '[a-f]+',
      '[%]]',
      '[]]',
      '.-',
      'x*',
      '$',
      '^',
      '^h',
      'd$',
      '%.',
      '[%-]',
      '%u%l',
      '%p',
      '%c',
      '%x+',
      '%G',
      '%S+',
      '%W',
      '(h)(e)(l)(l)(o)',
      '%z',
      'a?b?',
      '[^]]',
      '%',
      '[a',
      '(()',
      '%1',
      '(%1)',
      ')',
      '%b',
      '%fx',
      '%9',
      'o%',
      '[%a-]',
      '[a-]',
      '[-a]',
      'a\0b',
      '%0',
    ]
    const cases: Case[] = []
    for (const s of subjects) {
      for (const p of patterns) {
        cases.push({fn: 'find', p, s}, {fn: 'match', p, s}, {fn: 'gmatch', p, s}, {fn: 'gsub', p, repl: '[%0]', s})
        cases.push(
          {fn: 'find', init: 3, p, s},
          {fn: 'find', init: -4, p, s},
          {fn: 'match', init: 100, p, s},
          {fn: 'gmatch', init: 5, p, s},
        )
        cases.push(
          {fn: 'gsub', p, repl: {kind: 'function'}, s},
          {fn: 'gsub', p, repl: {kind: 'table'}, s},
          {fn: 'gsub', max: 2, p, repl: '%1-%%', s},
        )
      }
    }
    cases.push(
      {fn: 'gsub', p: '%w+', repl: '%2', s: 'ab'},
      {fn: 'gsub', p: '(%w+)', repl: '%', s: 'ab'},
      {fn: 'gsub', p: '()a', repl: '%1', s: 'banana'},
    )
    cases.push(
      {fn: 'find', p: 'a.', plain: true, s: 'xa.b'},
      {fn: 'find', p: '(', plain: true, s: 'x(y'},
      {fn: 'gsub', p: 'a', repl: '%x', s: 'a'},
    )
    cases.push(
      {fn: 'match', p: '(.)'.repeat(33), s: 'a'.repeat(40)},
      {fn: 'match', p: 'a?'.repeat(250), s: 'aaa'},
      {fn: 'gmatch', p: '^a', s: 'a^a'},
    )
    expectAgreement(cases)
  })

  it('agrees with the native matcher on random patterns and subjects', () => {
    const item = fc.constantFrom(
      'a',
      'b',
      '.',
      '%a',
      '%d',
      '%s',
      '%w',
      '%p',
      '%A',
      '[ab]',
      '[^a]',
      '[a-c]',
      '[%d_]',
      '(',
      ')',
      '()',
      '%b()',
      '%f[%w]',
      '%1',
      '$',
      '^',
      '%',
      '[',
      ']',
      '-',
    )
    const quantifier = fc.constantFrom('', '', '', '*', '+', '-', '?')
    const pattern = fc
      .array(fc.tuple(item, quantifier), {maxLength: 6})
      .map((parts) => parts.map(([i, q]) => i + q).join(''))
    const subject = fc
      .array(fc.constantFrom('a', 'b', 'c', '1', ' ', '(', ')', '_', '\n', '%'), {maxLength: 16})
      .map((c) => c.join(''))
    const call = fc.record({
      fn: fc.constantFrom('find', 'match', 'gmatch', 'gsub') as fc.Arbitrary<Case['fn']>,
      init: fc.option(fc.integer({max: 20, min: -20}), {nil: undefined}),
      p: pattern,
      s: subject,
    })
    fc.assert(
      fc.property(fc.array(call, {maxLength: 60, minLength: 60}), (calls) => {
        const cases = calls.map((c) => (c.fn === 'gsub' ? {fn: c.fn, p: c.p, repl: '<%0>', s: c.s} : c)) as Case[]
        expectAgreement(cases)
      }),
      {numRuns: 40},
    )
  })
})

describe('pathological patterns', () => {
  const budget = {limits: {instructions: 20_000_000}}
  it.each([
    ['polynomial backtracking', 'return ("a"):rep(20000):find(".-.-.-b")'],
    ['quadratic find', 'return ("a"):rep(1000000):find(".-b")'],
    ['quadratic match (method form)', 'local s = ("a"):rep(300000) return s:match("(a*)b")'],
    ['gmatch', 'local n = 0 for w in ("a"):rep(300000):gmatch("a-b") do n = n + 1 end return n'],
    ['gsub', 'return (string.gsub(("x"):rep(300000), "x*y", ""))'],
    ['optional items', 'return string.find(("a"):rep(40), ("a?"):rep(40) .. ("a"):rep(40) .. "b")'],
    ['a float or string init', 'local s = ("a"):rep(1e6) pcall(s.find, s, ".-b", 1.0) return s:find(".-b", "1")'],
    ['an error value as subject', 'return string.find(errors.new(("a"):rep(1e6)), ".-b")'],
    ['a pattern with no special characters (match)', 'return (("a"):rep(4e6)):match(("a"):rep(1e6) .. "b")'],
    ['plain find with a long needle', 'local s = ("a"):rep(4000000) return s:find(("a"):rep(2000000) .. "b", 1, true)'],
  ])('stops %s with the instruction budget error', (_name, body) => {
    const t0 = performance.now()
    const outcome = start(`return function() ${body} end`, [], budget)
    const ms = performance.now() - t0
    expect(outcome.status === 'failed' && outcome.error).toMatchObject({kind: 'InstructionLimit'})
    expect(ms).toBeLessThan(5000)
  })

  it('keeps the VM usable afterwards, and a user pcall cannot hide the limit', async () => {
    const outcome = start(
      'return function() local ok = pcall(string.find, ("a"):rep(1e6), ".-b") return ok end',
      [],
      budget,
    )
    expect(outcome.status === 'failed' && outcome.error).toMatchObject({kind: 'InstructionLimit'})
    expect(resultOf((await run('return function() return ("a,b"):gsub(",", ";") end')).outcome)).toBe('a;b')
  })

  it('still answers ordinary calls on large subjects, natively or through the port', () => {
    const body = `local s = ("word "):rep(200000)
      local n = 0 for w in s:gmatch("%a+") do n = n + 1 end
      local spaces = select(2, s:gsub("%s+", " "))
      local k, v = (("x"):rep(1000) .. " key = value"):match("(%w+)%s*=%s*(%w+)")
      return {n, spaces, k, v, (s:find("word word", 1, true))}`
    expect(resultOf(start(`return function() ${body} end`))).toEqual([200000, 200000, 'key', 'value', 1])
  })

  it('keeps the functions standard: same table, method forms, error values as subjects', () => {
    const body = `local e = errors.new("boom at x") return {string.find == ("").find, string.match(e, "x$"),
      select("#", string.find("abc", "b")), ("abc").gsub == string.gsub}`
    expect(resultOf(start(`return function() ${body} end`))).toEqual([true, 'x', 2, true])
  })
})

describe('cost', () => {
  // Wall time of one program run, in ms, minus an empty run's.
  const time = (body: string): number => {
    const t0 = performance.now()
    const outcome = start(`return function() ${body} end`)
    expect(outcome.status, JSON.stringify(outcome)).toBe('done')
    return performance.now() - t0
  }

  it('adds little to short ordinary calls', () => {
    const N = 200_000
    const loop = (impl: string): string => `local impl, s, n = ${impl}, "key=value and some words", 0
      for i = 1, ${N} do
        if impl.find(s, "some", 1, true) then n = n + 1 end
        if impl.match(s, "(%w+)=(%w+)") then n = n + 1 end
        n = n + select(2, impl.gsub(s, "%s+", " "))
      end`
    // Best of interleaved runs: other work on the machine only ever adds time.
    let native = Infinity
    let guarded = Infinity
    for (let i = 0; i < 4; i++) {
      native = Math.min(native, time(loop('test_native')))
      guarded = Math.min(guarded, time(loop('string')))
    }
    const perCall = (ms: number): number => (ms * 1000) / (N * 3)
    console.log(
      `short calls: native ${perCall(native).toFixed(3)} µs, guarded ${perCall(guarded).toFixed(3)} µs per call`,
    )
    expect(perCall(guarded) - perCall(native)).toBeLessThan(2)
  })

  it('measures the pure-Lua matcher against the native one on a medium subject', () => {
    const subject = 'local s = ("lorem ipsum dolor sit amet, key=value; "):rep(2000)'
    const rows: string[] = []
    for (const [name, call] of [
      ['gsub %s+', 'IMPL.gsub(s, "%s+", " ")'],
      ['gmatch (%w+)=(%w+)', 'for k, v in IMPL.gmatch(s, "(%w+)=(%w+)") do end'],
      ['find .-;$', 'IMPL.find(s, "^.-;$")'],
    ] as const) {
      const native = Math.min(
        ...[1, 2, 3].map(() => time(`${subject} for i = 1, 5 do ${call.replace('IMPL', 'test_native')} end`)),
      )
      const lua = Math.min(
        ...[1, 2].map(() => time(`${subject} for i = 1, 5 do ${call.replace('IMPL', 'test_lua')} end`)),
      )
      rows.push(
        `${name}: native ${(native / 5).toFixed(2)} ms, Lua ${(lua / 5).toFixed(2)} ms (x${(lua / native).toFixed(1)})`,
      )
    }
    console.log(`subject of 92 KB:\n  ${rows.join('\n  ')}`)
  })

  it('measures the native matcher on a quadratic case (calibrates the bound)', () => {
    const n = 6000
    const native = Math.min(...[1, 2, 3].map(() => time(`local r = test_native.find(("a"):rep(${n}), ".-b")`)))
    const steps = (n * n) / 2
    console.log(
      `native .-b on ${n} chars: ${native.toFixed(1)} ms, ~${(((steps / native) * 1000) / 1e6).toFixed(0)} M steps/s`,
    )
  })
})
