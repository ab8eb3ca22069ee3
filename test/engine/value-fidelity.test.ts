/**
 * Replay equals live for every value (reliability review, finding 5). Random Lua values go
 * through an activity result, a spawn input and a signal payload on a real engine; each
 * run fingerprints what it was handed, live, and records the fingerprint as an activity
 * argument (so replay compares it too). The runs are then evicted, the engine restarted,
 * and woken: every run must replay without divergence and compute the same fingerprints.
 *
 * The fingerprint tells apart what JSON merges (integer vs float, NaN vs nil, -0.0 vs 0.0,
 * 2^53+1 vs 2^53, byte strings). `FUZZ_RUNS` raises the number of values (default 50 in
 * npm test, 1000 in npm run fuzz); `FUZZ_SEED` replays a failure.
 */
import fc from 'fast-check'
import {afterEach, describe, expect, test} from 'vitest'

import {Engine} from '../../src/engine/engine.js'
import type {HistoryEvent} from '../../src/history/events.js'
import {writeProject} from '../helpers/project.js'
import {RUNS, SEED, budget} from '../fuzz/arbitraries.js'

/** A Lua value to build, as JSON the builder in gen.lua reads (JSON-safe by construction). */
type Spec =
  | {t: 'nil'}
  | {t: 'bool'; v: boolean}
  | {t: 'int'; v: string}
  | {t: 'float'; v: string}
  | {t: 'str'; b: number[]}
  | {t: 'tbl'; e: Array<[Spec, Spec]>}

const LUA_LIB = `
local M = {}
function M.build(s)
  if s.t == "nil" then return nil end
  if s.t == "bool" then return s.v end
  if s.t == "int" then return math.tointeger(tonumber(s.v)) end
  if s.t == "float" then
    if s.v == "nan" then return 0/0 elseif s.v == "inf" then return 1/0 elseif s.v == "-inf" then return -1/0 end
    if s.v == "-0" then return -0.0 end
    local f = tonumber(s.v)
    if math.type(f) == "integer" then f = f + 0.0 end
    return f
  end
  if s.t == "str" then
    local parts = {}
    for i, b in ipairs(s.b) do parts[i] = string.char(b) end
    return table.concat(parts)
  end
  local t = {}
  for _, kv in ipairs(s.e) do
    local k = M.build(kv[1])
    if k ~= nil then t[k] = M.build(kv[2]) end
  end
  return t
end
local function hex(s) return (s:gsub(".", function(c) return string.format("%02x", c:byte()) end)) end
function M.fp(v)
  local t = type(v)
  if t == "nil" or t == "boolean" then return tostring(v) end
  if t == "number" then
    if math.type(v) == "integer" then return "i" .. string.format("%d", v) end
    if v ~= v then return "nan" end
    if v == 1/0 then return "inf" elseif v == -1/0 then return "-inf" end
    if v == 0 and 1/v < 0 then return "f-0" end
    return "f" .. string.format("%.17g", v)
  end
  if t == "string" then return "s" .. hex(v) end
  if t == "table" then
    local parts = {}
    for k, x in pairs(v) do parts[#parts + 1] = M.fp(k) .. "=" .. M.fp(x) end
    table.sort(parts)
    return "{" .. table.concat(parts, ",") .. "}"
  end
  return t
end
return M
`

const FILES: Record<string, string> = {
  'src/fid/_index.yaml': `version: "1.0"
namespace: app.fid
entries:
  - name: lib
    kind: library.lua
    source: file://lib.lua
  - name: gen
    kind: function.lua
    source: file://gen.lua
    method: main
    imports: {lib: app.fid:lib}
  - name: note
    kind: function.lua
    source: file://note.lua
    method: main
  - name: flow
    kind: workflow.lua
    source: file://flow.lua
    method: main
    modules: [funcs]
    imports: {lib: app.fid:lib}
  - name: child
    kind: workflow.lua
    source: file://child.lua
    method: main
    modules: [funcs]
    imports: {lib: app.fid:lib}
`,
  'src/fid/lib.lua': LUA_LIB,
  'src/fid/gen.lua': `local lib = require("lib")
local function main(spec) return lib.build(spec) end
return {main = main}
`,
  'src/fid/note.lua': `local function main(path, fp) return true end
return {main = main}
`,
  // The parent: an activity result, then the same value built here goes to a child as its
  // spawn input, and comes back from the child as a signal payload.
  'src/fid/flow.lua': `local funcs = require("funcs")
local lib = require("lib")
local function main(spec)
  local a = funcs.call("app.fid:gen", spec)
  local fa = lib.fp(a)
  funcs.call("app.fid:note", "activity", fa)
  process.spawn("app.fid:child", "app:temporal_worker", process.pid(), lib.build(spec))
  local inbox = process.inbox()
  local msg = inbox:receive()
  local p = msg:payload()
  local fs = lib.fp(p and p:data())
  funcs.call("app.fid:note", "signal", fs)
  inbox:receive()
  return {activity = fa, signal = fs}
end
return {main = main}
`,
  'src/fid/child.lua': `local funcs = require("funcs")
local lib = require("lib")
local function main(parent, v)
  local fv = lib.fp(v)
  funcs.call("app.fid:note", "spawn", fv)
  process.send(parent, "v", v)
  process.inbox():receive()
  return {spawn = fv}
end
return {main = main}
`,
}

// ---------------------------------------------------------------------------------------------
// Values: the corners JSON mishandles, and random bytes, numbers and tables.

const INT_CORNERS = [
  '9223372036854775807',
  '-9223372036854775808',
  '9007199254740993',
  '-9007199254740993',
  '9007199254740992',
  '0',
  '1',
  '-1',
]
const FLOAT_CORNERS = ['nan', 'inf', '-inf', '-0', '0.5', '1e308', '5e-324', '2', '1e21', '9007199254740993']
const intSpec: fc.Arbitrary<Spec> = fc
  .oneof(
    fc.constantFrom(...INT_CORNERS),
    fc.bigInt({max: 2n ** 63n - 1n, min: -(2n ** 63n)}).map(String),
    fc.integer({max: 20, min: -3}).map(String),
  )
  .map((v) => ({t: 'int', v}))
const floatSpec: fc.Arbitrary<Spec> = fc
  .oneof(
    fc.constantFrom(...FLOAT_CORNERS),
    fc.double({noNaN: true}).map((d) => (Object.is(d, -0) ? '-0' : String(d))),
  )
  .map((v) => ({t: 'float', v}))
const strSpec: fc.Arbitrary<Spec> = fc
  .oneof(
    fc.uint8Array({maxLength: 12}).map((b) => [...b]),
    fc.string({maxLength: 8}).map((s) => [...Buffer.from(s)]),
    fc.constantFrom<number[]>(
      [0xff, 0xfe, 0, 0x61],
      [0x5f, 0x5f, 0x70, 0x72, 0x6f, 0x74, 0x6f, 0x5f, 0x5f],
      [0x24, 0x69, 0x6e, 0x74],
    ),
  )
  .map((b) => ({b, t: 'str'}))
const keySpec: fc.Arbitrary<Spec> = fc.oneof(
  fc.integer({max: 6, min: -1}).map((n): Spec => ({t: 'int', v: String(n)})),
  intSpec,
  strSpec,
  fc.boolean().map((v): Spec => ({t: 'bool', v})),
  fc.constantFrom('0.5', '-2.25', '1e21').map((v): Spec => ({t: 'float', v})),
)

/** The name a key has in a payload object; keys sharing one are refused by the codec (tested in codec.test.ts). */
function payloadName(k: Spec): string {
  if (k.t === 'str') return Buffer.from(k.b).toString('utf8')
  if (k.t === 'float') return String(Number(k.v))
  return String((k as {v: unknown}).v)
}

const valueSpec: fc.Arbitrary<Spec> = fc.letrec<{v: Spec}>((tie) => ({
  v: fc.oneof(
    {depthSize: 'small', withCrossShrink: true},
    fc.constant<Spec>({t: 'nil'}),
    fc.boolean().map((v): Spec => ({t: 'bool', v})),
    intSpec,
    floatSpec,
    strSpec,
    fc.array(fc.tuple(keySpec, tie('v')), {maxLength: 5}).map((e): Spec => {
      const seen = new Set<string>()
      return {e: e.filter(([k]) => !seen.has(payloadName(k)) && (seen.add(payloadName(k)), true)), t: 'tbl'}
    }),
    fc
      .array(tie('v'), {maxLength: 5})
      .map((vs): Spec => ({e: vs.map((v, i) => [{t: 'int', v: String(i + 1)}, v]), t: 'tbl'})),
  ),
})).v

/** The review's cases, always run: NaN, ±Inf, -0.0, int64 corners, bytes that are not UTF-8, key names JSON objects treat specially. */
const str = (text: string): Spec => ({b: [...Buffer.from(text, 'latin1')], t: 'str'})
const CORNERS: Spec[] = [
  ...['nan', 'inf', '-inf', '-0'].map((v): Spec => ({t: 'float', v})),
  ...['9223372036854775807', '-9223372036854775808', '9007199254740993'].map((v): Spec => ({t: 'int', v})),
  str('\xff\xfe\0abc'),
  {
    e: [
      [str('__proto__'), {t: 'int', v: '1'}],
      [str('$int'), str('5')],
    ],
    t: 'tbl',
  },
  {
    e: [
      [
        {t: 'bool', v: true},
        {t: 'float', v: 'nan'},
      ],
      [
        {t: 'int', v: '9007199254740993'},
        {t: 'float', v: '-0'},
      ],
    ],
    t: 'tbl',
  },
]

// ---------------------------------------------------------------------------------------------

const cleanups: Array<() => Promise<void> | void> = []
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c()
})

async function waitFor(check: () => boolean | Promise<boolean>, what: string, ms = 20_000): Promise<void> {
  const t0 = Date.now()
  while (!(await check())) {
    if (Date.now() - t0 > ms) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 10))
  }
}

/** The fingerprints a run recorded live: the arguments of its `note` activities, by path. */
async function notes(engine: Engine, id: string): Promise<Record<string, string>> {
  const events = (await engine.history(id)).events as HistoryEvent[]
  const out: Record<string, string> = {}
  for (const e of events)
    if (e.type === 'ActivityScheduled' && e.entry === 'app.fid:note') out[String(e.args[0])] = String(e.args[1])
  return out
}

describe('value fidelity: replay equals live', () => {
  test(
    'random values through an activity result, a spawn input and a signal payload replay identically after eviction and a restart',
    async () => {
      const specs = [...CORNERS, ...fc.sample(valueSpec, {numRuns: Math.min(RUNS, 400), seed: SEED})]
      const project = writeProject(FILES)
      cleanups.push(() => project.remove())
      // Given runs that were handed the values live and now wait for a signal
      const first = await Engine.start({env: {}, idleEvictMs: 20, root: project.root})
      let firstOpen = true
      cleanups.push(() => (firstOpen ? first.close() : undefined))
      const parents = await Promise.all(specs.map((spec) => first.spawn({entry: 'app.fid:flow', input: [spec]})))
      const children = new Map<string, string>()
      const childOf = (id: string) => children.get(id)!
      for (const {id} of parents) {
        await waitFor(
          async () => (await first.history(id)).events.some((e) => e.type === 'ChildWorkflowStarted'),
          `${id} to start its child`,
        )
        const started = (await first.history(id)).events.find((e) => e.type === 'ChildWorkflowStarted')!
        children.set(id, `${id}.${started.seq}`)
        await waitFor(async () => Object.keys(await notes(first, id)).length === 2, `${id} to note its signal`)
        await waitFor(
          async () => Object.keys(await notes(first, childOf(id))).length === 1,
          `${childOf(id)} to note its input`,
        )
      }
      const live = new Map<string, Record<string, string>>()
      for (const {id} of parents) live.set(id, {...(await notes(first, id)), ...(await notes(first, childOf(id)))})
      // When every run's VM is dropped, and the engine restarts
      await waitFor(() => first.ps({all: true}).every((r) => !r.loaded || r.status !== 'running'), 'idle eviction')
      expect(first.ps({all: true}).filter((r) => r.status === 'blocked')).toEqual([])
      await first.close()
      firstOpen = false
      const second = await Engine.start({env: {}, idleEvictMs: 20, root: project.root})
      cleanups.push(() => second.close())
      // And each is woken, so it replays its history
      for (const {id} of parents) {
        await second.signal(id, 'go', [])
        await second.signal(childOf(id), 'go', [])
      }
      // Then none diverges (a blocked run would say why), and each computes the fingerprints it computed live
      const settled = (id: string) => second.ps({all: true}).find((r) => r.id === id && r.status !== 'running')
      for (const [i, {id}] of parents.entries()) {
        const context = `value ${JSON.stringify(specs[i])}`
        await waitFor(() => settled(id) !== undefined && settled(childOf(id)) !== undefined, `${id} to settle`)
        expect([settled(id)?.problem, settled(childOf(id))?.problem], context).toEqual([undefined, undefined])
        const parent = await second.wait(id)
        const child = await second.wait(childOf(id))
        const seen = live.get(id)!
        expect(parent.status, context).toBe('completed')
        expect(child.status, context).toBe('completed')
        expect(parent.result, context).toEqual({activity: seen.activity, signal: seen.signal})
        expect(child.result, context).toEqual({spawn: seen.spawn})
      }
    },
    budget(RUNS, 400, 60_000),
  )
})
