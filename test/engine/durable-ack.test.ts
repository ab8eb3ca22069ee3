/**
 * What enters a history is bounded and acknowledged only once durable, in-process with the
 * real Lua VM and real files: a deleted history refuses the next event, a huge step keeps
 * memory and disk in agreement, the per-run history cap ends a run that grows without bound,
 * and payloads too deep or too big are refused before anything is recorded.
 */
import {statSync, unlinkSync} from 'node:fs'
import {afterEach, describe, expect, test} from 'vitest'

import {Engine} from '../../src/engine/engine.js'
import type {EngineEvent} from '../../src/engine/api.js'
import {MAX_PAYLOAD_DEPTH} from '../../src/history/payload-limits.js'
import {HistoryStore} from '../../src/history/store.js'
import {type TempProject, writeProject} from '../helpers/project.js'

const FILES: Record<string, string> = {
  'src/fn/_index.yaml': `version: "1.0"
namespace: app.fn
entries:
  - name: deep
    kind: function.lua
    source: file://deep.lua
    method: main
`,
  // A table nested n deep: {x = {x = ... {}}}
  'src/fn/deep.lua': `local function main(n)
  local root = {}
  local cur = root
  for _ = 2, n do local nx = {} cur.x = nx cur = nx end
  return root
end
return {main = main}
`,
  'src/wf/_index.yaml': `version: "1.0"
namespace: app.wf
entries:
  - name: collector
    kind: workflow.lua
    source: file://collector.lua
    method: main
  - name: sleeploop
    kind: workflow.lua
    source: file://sleeploop.lua
    method: main
    modules: [time]
  - name: uuidbomb
    kind: workflow.lua
    source: file://uuidbomb.lua
    method: main
    modules: [uuid]
  - name: result
    kind: workflow.lua
    source: file://result.lua
    method: main
  - name: activity
    kind: workflow.lua
    source: file://activity.lua
    method: main
    modules: [funcs]
`,
  'src/wf/collector.lua': `local function main()
  local n = 0
  local inbox = process.inbox()
  while true do
    local data = inbox:receive():payload():data()
    if type(data) == "table" and data.stop then return {n = n} end
    n = n + 1
  end
end
return {main = main}
`,
  'src/wf/sleeploop.lua': `local time = require("time")
local function main()
  while true do time.sleep("1ms") end
end
return {main = main}
`,
  'src/wf/uuidbomb.lua': `local uuid = require("uuid")
local function main(n)
  local last
  for _ = 1, n do last = uuid.v4() end
  return {n = n, last = last}
end
return {main = main}
`,
  'src/wf/result.lua': `local function main(how, n)
  if how == "cycle" then local t = {} t.self = t return t end
  local root = {}
  local cur = root
  for _ = 2, n do local nx = {} cur.x = nx cur = nx end
  return root
end
return {main = main}
`,
  'src/wf/activity.lua': `local funcs = require("funcs")
local function main(n)
  local v, err = funcs.call("app.fn:deep", n)
  if err then return {failed = true} end
  return {ok = true}
end
return {main = main}
`,
}

const cleanups: Array<() => Promise<void> | void> = []
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c()
})

function project(): TempProject {
  const p = writeProject(FILES)
  cleanups.push(() => p.remove())
  return p
}

async function startEngine(p: TempProject, env: Record<string, string> = {}): Promise<Engine> {
  const engine = await Engine.start({env, root: p.root})
  cleanups.push(() => engine.close())
  return engine
}

async function waitFor(check: () => boolean | Promise<boolean>, ms = 10_000): Promise<void> {
  const t0 = Date.now()
  while (!(await check())) {
    if (Date.now() - t0 > ms) throw new Error('timed out waiting')
    await new Promise((r) => setTimeout(r, 10))
  }
}

/** An array value nested `levels` deep (the outermost array is level 1). */
function nested(levels: number): unknown {
  let v: unknown = []
  for (let i = 1; i < levels; i++) v = [v]
  return v
}

const waiting = (engine: Engine, id: string) => () =>
  engine.ps().some((p) => p.id === id && p.waiting === 'waiting for a signal')

describe('a history deleted while its run is loaded', () => {
  test('refuses the next signal loudly instead of appending to the unlinked file', async () => {
    // Given a run waiting for signals, whose history file is then removed
    const p = project()
    const engine = await startEngine(p)
    const {id} = await engine.spawn({entry: 'app.wf:collector', id: 'gone', input: []})
    await engine.signal(id, 'go', [{}])
    await waitFor(waiting(engine, id))
    const store = new HistoryStore(engine.layout.histories)
    const [key] = await store.list()
    unlinkSync(store.pathOf(key!))
    // When a signal arrives, Then it is refused with the reason, and the run shows it
    await expect(engine.signal(id, 'go', [{}])).rejects.toMatchObject({
      code: 'WIPPY_HISTORY_DELETED',
      message: expect.stringMatching(/was deleted while its run was loaded/),
    })
    expect(engine.ps().find((r) => r.id === id)).toMatchObject({
      problem: expect.stringMatching(/deleted/),
      status: 'blocked',
    })
    // and the next one is refused too (the file is not there to reopen), not acknowledged
    await expect(engine.signal(id, 'go', [{}])).rejects.toMatchObject({code: 'WIPPY_HISTORY_NOT_FOUND'})
  })
})

describe('the history cap', () => {
  test('a step of 125k events leaves memory and disk in agreement', async () => {
    // Given a cap above the step's size
    const engine = await startEngine(project(), {
      WIPPY_HISTORY_MAX_EVENTS: '200000',
      WIPPY_HISTORY_WARN_EVENTS: '200000',
    })
    // When one step issues 125,000 uuid.v4() side effects
    const {id} = await engine.spawn({entry: 'app.wf:uuidbomb', input: [125_000]})
    const outcome = await engine.wait(id)
    // Then the run completed, in memory as on disk
    expect(outcome.status).toBe('completed')
    expect(engine.ps({all: true}).find((r) => r.id === id)?.status).toBe('completed')
    const inMemory = (await engine.history(id)).events
    expect(inMemory).toHaveLength(125_002)
    const store = new HistoryStore(engine.layout.histories)
    const onDisk = (await store.read((await store.list())[0]!)).events
    expect(onDisk).toHaveLength(125_002)
  }, 120_000)

  test('`while true do time.sleep("1ms") end` is ended at the cap with the reason, after a warning', async () => {
    // Given a cap of 200 events, with a warning at 50
    const engine = await startEngine(project(), {WIPPY_HISTORY_MAX_EVENTS: '200', WIPPY_HISTORY_WARN_EVENTS: '50'})
    const logs: string[] = []
    cleanups.push(engine.subscribe((e: EngineEvent) => e.type === 'log' && logs.push(e.message)))
    // When a workflow sleeps in an endless loop
    const {id} = await engine.spawn({entry: 'app.wf:sleeploop', input: []})
    const outcome = await engine.wait(id)
    // Then it is terminated at the cap, the reason recorded, and its log was warned once
    expect(outcome.status).toBe('terminated')
    const events = (await engine.history(id)).events
    expect(events.length).toBeLessThanOrEqual(200)
    expect(events.length).toBeGreaterThan(190)
    expect(events.at(-1)).toMatchObject({
      reason: expect.stringMatching(/^history limit reached: the run would grow past 200 events or 52428800 bytes/),
      type: 'WorkflowTerminated',
    })
    expect(logs.filter((m) => /history of .* has \d+ events \(the cap is 200\)/.test(m))).toHaveLength(1)
  }, 30_000)

  test('the byte cap ends a run too', async () => {
    const engine = await startEngine(project(), {WIPPY_HISTORY_MAX_BYTES: '20000'})
    const {id} = await engine.spawn({entry: 'app.wf:sleeploop', input: []})
    expect((await engine.wait(id)).status).toBe('terminated')
    const store = new HistoryStore(engine.layout.histories)
    const file = store.pathOf((await store.list())[0]!)
    expect(statSync(file).size).toBeLessThanOrEqual(20_000 + 1000)
    expect((await engine.history(id)).events.at(-1)).toMatchObject({
      reason: expect.stringMatching(/or 20000 bytes/),
      type: 'WorkflowTerminated',
    })
  }, 30_000)

  test('one step that would pass the cap writes none of it and ends the run', async () => {
    const engine = await startEngine(project(), {WIPPY_HISTORY_MAX_EVENTS: '100'})
    const {id} = await engine.spawn({entry: 'app.wf:uuidbomb', input: [500]})
    expect((await engine.wait(id)).status).toBe('terminated')
    expect((await engine.history(id)).events.map((e) => e.type)).toEqual(['WorkflowStarted', 'WorkflowTerminated'])
  })
})

describe('payload limits, checked before anything is recorded', () => {
  test('a signal at the depth limit is delivered and replays; one level more is refused and not recorded', async () => {
    // Given a run taking signals
    const p = project()
    let engine = await startEngine(p)
    const {id} = await engine.spawn({entry: 'app.wf:collector', id: 'deep', input: []})
    // When it gets a payload exactly at the limit, one level deeper, a 200,000-deep one and a 3 MiB one
    await engine.signal(id, 'go', [nested(MAX_PAYLOAD_DEPTH)])
    await expect(engine.signal(id, 'go', [nested(MAX_PAYLOAD_DEPTH + 1)])).rejects.toMatchObject({
      code: 'WIPPY_PAYLOAD_TOO_DEEP',
    })
    await expect(engine.signal(id, 'go', [nested(200_000)])).rejects.toMatchObject({code: 'WIPPY_PAYLOAD_TOO_DEEP'})
    await expect(engine.signal(id, 'go', ['x'.repeat(3 * 1024 * 1024)])).rejects.toMatchObject({
      code: 'WIPPY_PAYLOAD_TOO_LARGE',
    })
    // Then only the accepted one is recorded, the run is not blocked, and later signals still arrive
    await engine.signal(id, 'go', [{}])
    await waitFor(waiting(engine, id))
    expect((await engine.history(id)).events.filter((e) => e.type === 'SignalReceived')).toHaveLength(2)
    // And a restart replays the deepest accepted payload without blocking
    await engine.close()
    engine = await startEngine(p)
    expect(engine.ps().find((r) => r.id === id)?.status).toBe('running')
    await engine.signal(id, 'go', [{stop: true}])
    expect(await engine.wait(id)).toMatchObject({result: {n: 2}, status: 'completed'})
  })

  test('a spawn with too deep an input is refused and creates no run', async () => {
    const engine = await startEngine(project())
    await expect(
      engine.spawn({entry: 'app.wf:collector', input: [nested(MAX_PAYLOAD_DEPTH + 1)]}),
    ).rejects.toMatchObject({code: 'WIPPY_PAYLOAD_TOO_DEEP'})
    expect(await new HistoryStore(engine.layout.histories).list()).toEqual([])
  })

  test('an activity returning a too-deep table fails that activity, not the run', async () => {
    const engine = await startEngine(project())
    const {id} = await engine.spawn({entry: 'app.wf:activity', input: [99]})
    expect(await engine.wait(id)).toMatchObject({result: {failed: true}, status: 'completed'})
    const failed = (await engine.history(id)).events.find((e) => e.type === 'ActivityFailed')
    expect(failed).toMatchObject({
      error: {
        kind: 'PayloadTooLarge',
        message: expect.stringMatching(/activity result nests deeper than 96 levels/),
        retryable: false,
      },
    })
  })

  test.each([
    ['cycle', 0, /value leaving Lua is refused/],
    ['deep', 150, /value leaving Lua is refused/],
    ['deep', 98, /workflow result nests deeper than 96 levels/],
  ])('a workflow returning a %s %i table fails clearly (wait does not hang)', async (how, n, message) => {
    const engine = await startEngine(project())
    const {id} = await engine.spawn({entry: 'app.wf:result', input: [how, n]})
    expect(await engine.wait(id)).toMatchObject({
      error: {kind: 'PayloadTooLarge', message: expect.stringMatching(message)},
      status: 'failed',
    })
  })
})
