/**
 * Shared settings and arbitraries of the fuzz suites (`test/fuzz/`). Every suite is seeded
 * (`FUZZ_SEED`, default below) so a failure replays exactly; fast-check prints the seed and
 * the shrunk counterexample when a property fails. `FUZZ_RUNS` sets the cases per family
 * (`npm run fuzz` uses 1000; plain `npm test` runs a quick 50).
 */
import fc from 'fast-check'

/** Cases per in-process family. */
export const RUNS = Math.max(1, Number(process.env.FUZZ_RUNS ?? 50))

/** The seed of every property (print it, pass it back with FUZZ_SEED=... to replay). */
export const SEED = Number(process.env.FUZZ_SEED ?? 20_251_125)

/** fast-check parameters for a family with `runs` cases. */
export function params(runs: number = RUNS): fc.Parameters<unknown> {
  return {numRuns: runs, seed: SEED, endOnFailure: true}
}

/** A vitest timeout that grows with the number of cases (ms per case, plus a floor). */
export function budget(runs: number, msPerCase: number, floorMs = 30_000): number {
  return Math.max(floorMs, runs * msPerCase)
}

/** What a user-facing error must look like: a stable code and a hint, nothing else required. */
export const WIPPY_CODE = /^WIPPY_[A-Z0-9_]+$/

// ---------------------------------------------------------------------------------------------
// Text mutations (registry YAML): each takes the original text and returns a damaged one.

/** One mutation of a text file, as a function of random choices made by fast-check. */
export type Mutation = (text: string) => string

const at = (n: number, len: number) => (len === 0 ? 0 : n % len)
const linesOf = (text: string) => text.split('\n')

/** Values of the wrong type for a YAML key. */
const WRONG_VALUES = [
  '[1, 2]',
  '{a: 1}',
  '123',
  '-1',
  'null',
  '~',
  'true',
  '""',
  "''",
  '[]',
  '{}',
  '1e999',
  '0x1F',
  '!!binary aGk=',
  '&a [*a]',
  '*nope',
  '|',
  '>-',
  '"\\u0000"',
  'file://../../etc/passwd',
  'file:///etc/passwd',
  '${env:NOPE}',
  '${env:}',
  '{{x}}',
]

/** Single mutations; `mutation` combines one to three of them. */
export const singleMutation: fc.Arbitrary<Mutation> = fc.oneof(
  // a byte flipped (as text: a character replaced by an arbitrary code unit)
  fc.tuple(fc.nat(), fc.integer({min: 0, max: 0xffff})).map(([pos, code]): Mutation => (t) => {
    const i = at(pos, t.length)
    return t.slice(0, i) + String.fromCharCode(code) + t.slice(i + 1)
  }),
  // truncated
  fc.nat().map(
    (pos): Mutation =>
      (t) =>
        t.slice(0, at(pos, t.length + 1)),
  ),
  // a line deleted
  fc.nat().map((n): Mutation => (t) => {
    const ls = linesOf(t)
    ls.splice(at(n, ls.length), 1)
    return ls.join('\n')
  }),
  // a line duplicated (duplicate keys, duplicate entries)
  fc.nat().map((n): Mutation => (t) => {
    const ls = linesOf(t)
    const i = at(n, ls.length)
    ls.splice(i, 0, ls[i] ?? '')
    return ls.join('\n')
  }),
  // a value of the wrong type
  fc.tuple(fc.nat(), fc.constantFrom(...WRONG_VALUES)).map(([n, value]): Mutation => (t) => {
    const ls = linesOf(t)
    const keyed = ls.map((l, i) => [l, i] as const).filter(([l]) => /^\s*(-\s+)?[\w.]+:/.test(l))
    const pick = keyed[at(n, keyed.length)]
    if (!pick) return t
    ls[pick[1]] = pick[0].replace(/^(\s*(?:-\s+)?[\w.]+:).*$/, `$1 ${value}`)
    return ls.join('\n')
  }),
  // indentation by tabs, or shifted by a space
  fc.tuple(fc.nat(), fc.constantFrom('\t', ' ', '  \t', '')).map(([n, indent]): Mutation => (t) => {
    const ls = linesOf(t)
    const i = at(n, ls.length)
    ls[i] = (ls[i] ?? '').replace(/^ */, (s) =>
      indent === ' ' ? s + ' ' : indent === '' ? '' : indent.repeat(Math.max(1, s.length / 2)),
    )
    return ls.join('\n')
  }),
  // binary bytes inserted
  fc.tuple(fc.nat(), fc.uint8Array({minLength: 1, maxLength: 64})).map(([pos, bytes]): Mutation => (t) => {
    const i = at(pos, t.length + 1)
    return t.slice(0, i) + Buffer.from(bytes).toString('latin1') + t.slice(i)
  }),
  // a whole line replaced by YAML punctuation soup
  fc
    .tuple(fc.nat(), fc.string({unit: fc.constantFrom(...'-:?[]{},&*!|>\'"%@`# \t\nab1'.split('')), maxLength: 30}))
    .map(([n, soup]): Mutation => (t) => {
      const ls = linesOf(t)
      ls[at(n, ls.length)] = soup
      return ls.join('\n')
    }),
)

/** One to three mutations applied in order. */
export const mutation: fc.Arbitrary<Mutation> = fc.array(singleMutation, {minLength: 1, maxLength: 3}).map(
  (ms): Mutation =>
    (t) =>
      ms.reduce((acc, m) => m(acc), t),
)

// ---------------------------------------------------------------------------------------------
// Lua sources.

const LUA_TOKENS = [
  'local',
  'function',
  'end',
  'if',
  'then',
  'else',
  'elseif',
  'while',
  'do',
  'for',
  'in',
  'repeat',
  'until',
  'return',
  'break',
  'goto',
  '::l::',
  'nil',
  'true',
  'false',
  'and',
  'or',
  'not',
  '...',
  '..',
  '=',
  '==',
  '~=',
  '<',
  '<=',
  '+',
  '-',
  '*',
  '/',
  '//',
  '%',
  '^',
  '#',
  '&',
  '|',
  '~',
  '<<',
  '>>',
  '(',
  ')',
  '{',
  '}',
  '[',
  ']',
  '[[',
  ']]',
  ';',
  ':',
  ',',
  '.',
  'x',
  'y',
  'main',
  'self',
  'string',
  'table',
  'math',
  'error',
  'pcall',
  'require',
  'setmetatable',
  'coroutine',
  '0',
  '1',
  '1e308',
  '0x7fffffffffffffff',
  '"s"',
  "'\\z'",
  '"\\xff"',
  '--',
  '--[[',
  '\n',
  ' ',
  ':string',
  '<T>',
  'type',
  'as',
]

/** Random Lua token soup (mostly syntax errors, sometimes valid code). */
export const luaTokenSoup: fc.Arbitrary<string> = fc
  .array(fc.constantFrom(...LUA_TOKENS), {maxLength: 60})
  .map((ts) => ts.join(' '))

/** Lua programs that compile but fail at run time (or finish) in varied ways. */
export const luaRuntimeError: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(
    'return function() return nil + 1 end',
    'return function() local t = nil; return t.x end',
    'return function() error("boom") end',
    'return function() error({code = 1}) end',
    'return function() error(setmetatable({}, {__tostring = function() error("nested") end})) end',
    'return function() error() end',
    'return function() return ("x"):rep(-1) end',
    'return function() return string.format("%d", "x") end',
    'return function() return #5 end',
    'return function() local function f() return f() + 1 end return f() end',
    'return function() return coroutine.wrap(function() error("in co") end)() end',
    'return function() return setmetatable({}, {__index = function(t, k) return t[k] end}).x end',
    'return function() return tostring(setmetatable({}, {__tostring = function() return 1 end})) end',
    'return function() return require("nope") end',
    'return function() return math.floor("a") end',
    'return function() return table.concat({{}}) end',
    'return function() return string.rep("x", 1e9) end',
    'return function() local t = {} t[nil] = 1 end',
    'return function() return 1 // 0 end',
    'return function() return {function() end} end',
    'return function() return coroutine.yield(1) end',
    'return 42',
    'return {}',
    'error("at load")',
    'return function() return (function(...) return select("#", ...) end)(table.unpack({}, 1, 1e7)) end',
  ),
  // a random runtime failure with a random message (also odd bytes)
  fc.string({maxLength: 40}).map((s) => `return function() error(${JSON.stringify(s)}) end`),
  fc
    .tuple(
      fc.constantFrom('nil', '{}', '"s"', '1', 'true', 'function() end'),
      fc.constantFrom('+ 1', '.. {}', '()', '.x.y', '[1][2]', '< {}'),
    )
    .map(([v, op]) => `return function() local v = ${v}; return v ${op} end`),
)

/** Any Lua source the family throws at the VM. */
export const luaSource: fc.Arbitrary<string> = fc.oneof(
  luaTokenSoup,
  luaRuntimeError,
  luaTokenSoup.map((s) => `return function() ${s} end`),
  fc.string({maxLength: 200}),
  fc.uint8Array({maxLength: 200}).map((b) => Buffer.from(b).toString('latin1')),
)

// ---------------------------------------------------------------------------------------------
// Control-channel requests and CLI inputs.

/** JSON values of any shape (incl. deep nesting and odd strings). */
export const anyJson: fc.Arbitrary<unknown> = fc.jsonValue({maxDepth: 6})

const METHODS = [
  'call',
  'cancel',
  'follow',
  'fork',
  'history',
  'ps',
  'replayCheck',
  'signal',
  'skipTime',
  'spawn',
  'status',
  'subscribe',
  'terminate',
  'wait',
]

/** Request lines that are each wrong in some way (never a valid request). */
export const badRequestLine: fc.Arbitrary<string> = fc
  .oneof(
    // not JSON at all
    fc.string({maxLength: 200}).filter((s) => !s.includes('\n') && !isJson(s)),
    fc
      .uint8Array({minLength: 1, maxLength: 200})
      .map((b) => Buffer.from(b).toString('latin1').replace(/\n/g, ' '))
      .filter((s) => s.trim() !== '' && !isJson(s)),
    // JSON but not an envelope
    anyJson.filter((v) => typeof v !== 'object' || v === null || Array.isArray(v)).map((v) => JSON.stringify(v)),
    // unknown methods (incl. Object.prototype names)
    fc
      .tuple(
        fc.integer(),
        fc.oneof(
          fc.string({maxLength: 30}),
          fc.constantFrom('toString', '__proto__', 'constructor', 'hasOwnProperty', 'valueOf', 'SIGNAL', 'ps '),
        ),
      )
      .filter(([, m]) => !METHODS.includes(m))
      .map(([id, method]) => JSON.stringify({id, method, params: {}})),
    // known methods with wrong-typed params
    fc
      .tuple(
        fc.integer(),
        fc.constantFrom(...METHODS.filter((m) => !['ps', 'status', 'subscribe'].includes(m))),
        fc.dictionary(
          fc.constantFrom('pid', 'topic', 'payload', 'entry', 'args', 'input', 'by', 'at', 'range', 'from'),
          fc.oneof(fc.integer(), fc.boolean(), fc.constant(null), fc.constant(''), fc.object({maxDepth: 1})),
          {maxKeys: 3},
        ),
      )
      .map(([id, method, params]) => JSON.stringify({id, method, params})),
    // wrong-typed method fields
    fc
      .tuple(
        fc.integer(),
        fc.oneof(fc.integer(), fc.constant(null), fc.boolean(), fc.array(fc.constantFrom(...METHODS), {maxLength: 2})),
      )
      .map(([id, method]) => JSON.stringify({id, method, params: {}})),
    // JSON with an id the envelope refuses: fractions, objects, long strings
    fc
      .tuple(
        fc.oneof(
          fc.double().filter((d) => !Number.isInteger(d)),
          fc.object({maxDepth: 1}),
          fc.boolean(),
          fc.string({minLength: 101, maxLength: 120}),
        ),
        fc.constantFrom(...METHODS),
      )
      .map(([id, method]) => JSON.stringify({id, method, params: {}})),
  )
  .filter((line) => line.trim() !== '') // the server skips blank lines without a reply

function isJson(s: string): boolean {
  try {
    JSON.parse(s)
    return true
  } catch {
    return false
  }
}

/** Strings that are not valid JSON (for `wippy signal ... <payload>`). */
export const badJsonText: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(
    '{',
    '}',
    '{"a":}',
    "{'a': 1}",
    '[1,]',
    'undefined',
    'NaN',
    '{"a" 1}',
    '"unterminated',
    'tru',
    '01',
    '{"a":1}}',
    '\u0000',
    '{"\\x"}',
  ),
  fc.string({maxLength: 80}).filter((s) => !isJson(s) && !s.includes('\u0000')),
)

/** PIDs and workflow IDs nobody runs. */
export const unknownPid: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(
    'wf-nope',
    'zzzzzz',
    '{app:c@app:w|wf-none}',
    '{',
    '}',
    '|',
    'wf-',
    '..',
    '../../etc',
    '%s%s%n',
    '0000000000000000000000000',
  ),
  fc.stringMatching(/^[a-z0-9-]{3,20}$/).map((s) => `no-${s}`),
)

/** Signal topics: ordinary, reserved `@...`, odd. */
export const signalTopic: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom('approve', '@cancel', '@exit', '@system', '@', '@@', 'a b', '∂', 'x'.repeat(2000)),
  fc.string({minLength: 1, maxLength: 40}).filter((s) => !s.startsWith('-')),
)
