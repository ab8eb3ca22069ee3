/**
 * Signals queued while no engine runs (`wippy signal` with `wippy dev` down appends them to the
 * history) replay exactly like live ones: the code sees them one by one after a restart, in any
 * number, and the commands it issues in answer are recorded after them. Real engine, real files,
 * the real offline path (`queueOfflineSignal`).
 */
import {afterEach, describe, expect, test} from 'vitest'

import {queueOfflineSignal} from '../../src/control/offline.js'
import {Engine} from '../../src/engine/engine.js'
import {writeProject} from '../helpers/project.js'
import {until} from '../helpers/until.js'

const INDEX = `version: "1.0"
namespace: app.q
entries:
  - name: echo
    kind: function.lua
    source: file://echo.lua
    method: main
  - name: slow
    kind: function.lua
    source: file://slow.lua
    method: main
    modules: [time]
  - name: concurrent
    kind: workflow.lua
    source: file://concurrent.lua
    method: main
    modules: [funcs, time]
  - name: collect
    kind: workflow.lua
    source: file://collect.lua
    method: main
    modules: [funcs]
`

/** Waits for `n` signals; answers each with an activity (a new command after each delivery). */
const COLLECT = `local funcs = require("funcs")
local function main(input)
  if input.slow then funcs.call("app.q:slow", input.slow) end
  local got = {}
  for i = 1, input.n do
    local msg = process.inbox():receive()
    got[i] = funcs.call("app.q:echo", msg:payload():data())
  end
  return got
end
return {main = main}
`

/** Answers signals in a coroutine while the main thread waits on a slow activity. */
const CONCURRENT = `local funcs = require("funcs")
local time = require("time")
local function main(input)
  local done = channel.new(input.n)
  coroutine.spawn(function()
    for i = 1, input.n do
      local msg = process.inbox():receive()
      done:send(funcs.call("app.q:echo", msg:payload():data()))
    end
  end)
  local slow
  if input.sleep then
    time.sleep(input.sleep)
    slow = "slept"
  else
    slow = funcs.call("app.q:slow", input.slow)
  end
  local got = {}
  for i = 1, input.n do got[i] = done:receive() end
  return {slow = slow, got = got}
end
return {main = main}
`

const FILES = {
  'src/q/concurrent.lua': CONCURRENT,
  'src/q/_index.yaml': INDEX,
  'src/q/collect.lua': COLLECT,
  'src/q/echo.lua': 'local function main(v) return "seen " .. tostring(v.n) end\nreturn {main = main}\n',
  'src/q/slow.lua':
    'local time = require("time")\nlocal function main(ms) time.sleep(tostring(ms) .. "ms") return "slow done" end\nreturn {main = main}\n',
}

const cleanups: Array<() => Promise<void> | void> = []
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c()
})

async function startEngine(root: string): Promise<Engine> {
  const engine = await Engine.start({env: {}, root})
  cleanups.push(() => engine.close())
  return engine
}

describe('signals queued while the engine is down', () => {
  test.each([1, 2, 5])('%i queued signal(s) replay after a restart and the run completes', async (n) => {
    // Given a run waiting for n signals, and the engine stopped
    const project = writeProject(FILES)
    cleanups.push(() => project.remove())
    let engine = await startEngine(project.root)
    const {id} = await engine.spawn({entry: 'app.q:collect', input: [{n}]})
    await until('the signal wait', () => engine.ps().find((r) => r.id === id)?.waiting === 'waiting for a signal')
    await engine.close()

    // When n signals are queued back to back through the offline path
    for (let i = 1; i <= n; i++) {
      const queued = await queueOfflineSignal(project.root, id, 'go', [{n: i}])
      expect(queued.seq).toBe(1 + i)
    }

    // Then the restarted engine replays them, runs on, and completes with every signal seen in order
    engine = await startEngine(project.root)
    expect(engine.ps().find((r) => r.id === id)).not.toMatchObject({status: 'blocked'})
    const outcome = await engine.wait(id)
    expect(outcome).toMatchObject({result: Array.from({length: n}, (_, i) => `seen ${i + 1}`), status: 'completed'})

    // And the written history replays cleanly again (a second restart would not block it)
    expect(await engine.replayCheck(id)).toMatchObject({ok: true})
  })

  test('signals queued while an activity is outstanding are seen after it completes', async () => {
    // Given a run stopped while its first activity runs
    const project = writeProject(FILES)
    cleanups.push(() => project.remove())
    let engine = await startEngine(project.root)
    const {id} = await engine.spawn({entry: 'app.q:collect', input: [{n: 3, slow: 400}]})
    await until('the slow activity', () => engine.ps().find((r) => r.id === id)?.waiting === 'running app.q:slow')
    await engine.close()

    // When three signals are queued
    for (let i = 1; i <= 3; i++) await queueOfflineSignal(project.root, id, 'go', [{n: i}])

    // Then the activity runs again on restart, and the run answers each signal in order
    engine = await startEngine(project.root)
    const outcome = await engine.wait(id)
    expect(outcome).toMatchObject({result: ['seen 1', 'seen 2', 'seen 3'], status: 'completed'})
    expect(await engine.replayCheck(id)).toMatchObject({ok: true})
  })

  test.each([
    {input: {n: 3, slow: 400}, pending: 'an activity', slow: 'slow done', waiting: 'running app.q:slow'},
    {input: {n: 3, sleep: '400ms'}, pending: 'a timer', slow: 'slept', waiting: 'sleeping'},
  ])('signals queued while $pending is pending are answered at once by a coroutine', async ({input, slow, waiting}) => {
    // Given a run stopped while its activity or timer is pending; a coroutine answers each signal
    const project = writeProject(FILES)
    cleanups.push(() => project.remove())
    let engine = await startEngine(project.root)
    const {id} = await engine.spawn({entry: 'app.q:concurrent', input: [input]})
    await until(
      'the pending command',
      () =>
        engine
          .ps()
          .find((r) => r.id === id)
          ?.waiting?.startsWith(waiting) === true,
    )
    await engine.close()

    // When three signals are queued
    for (let i = 1; i <= 3; i++) await queueOfflineSignal(project.root, id, 'go', [{n: i}])

    // Then the restart hands them over (the code issues new commands while replay has queued ones left) and it completes
    engine = await startEngine(project.root)
    expect(engine.ps().find((r) => r.id === id)?.status).not.toBe('blocked')
    expect(await engine.wait(id)).toMatchObject({
      result: {got: ['seen 1', 'seen 2', 'seen 3'], slow},
      status: 'completed',
    })
    expect(await engine.replayCheck(id)).toMatchObject({ok: true})
  })

  test('a second restart after queued signals replays the run unchanged', async () => {
    // Given two queued signals that a restart already answered in part (the run waits for a third)
    const project = writeProject(FILES)
    cleanups.push(() => project.remove())
    let engine = await startEngine(project.root)
    const {id} = await engine.spawn({entry: 'app.q:collect', input: [{n: 3}]})
    await until('the signal wait', () => engine.ps().find((r) => r.id === id)?.waiting === 'waiting for a signal')
    await engine.close()
    await queueOfflineSignal(project.root, id, 'go', [{n: 1}])
    await queueOfflineSignal(project.root, id, 'go', [{n: 2}])
    engine = await startEngine(project.root)
    await until(
      'both answers',
      async () => (await engine.history(id)).events.filter((e) => e.type === 'ActivityCompleted').length === 2,
    )
    await engine.close()

    // When the engine starts again and the third signal arrives live
    engine = await startEngine(project.root)
    expect(engine.ps().find((r) => r.id === id)?.status).toBe('running')
    await engine.signal(id, 'go', [{n: 3}])

    // Then the run completes with all three in order
    expect(await engine.wait(id)).toMatchObject({result: ['seen 1', 'seen 2', 'seen 3'], status: 'completed'})
  })
})
