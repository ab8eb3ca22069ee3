/**
 * Regression (design review §1.3): a workflow that sleeps a negative duration was recorded
 * as a 0 ms timer but replayed as a -1 ms one, so it failed replay against its own history
 * and an open run was parked as blocked on restart. The prelude now clamps the sleep
 * (a1d5410), and the host no longer relies on it: the duration is normalised once
 * (decodeCommand) and replay compares the very event live recording builds (the unit side
 * is in test/lua/command-catalog.test.ts).
 */
import {afterEach, expect, test} from 'vitest'

import {Engine} from '../../src/engine/engine.js'
import {writeProject} from '../helpers/project.js'

const cleanups: Array<() => Promise<void> | void> = []
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c()
})

const FILES: Record<string, string> = {
  'src/neg/_index.yaml': `version: "1.0"
namespace: app.neg
entries:
  - name: flow
    kind: workflow.lua
    source: file://flow.lua
    method: main
    modules: [time]
  - name: waits
    kind: workflow.lua
    source: file://waits.lua
    method: main
    modules: [time]
`,
  'src/neg/flow.lua': `local time = require("time")
local function main()
  time.sleep(-1000000)
  return "ok"
end
return {main = main}
`,
  // Sleeps a negative duration, then waits for a signal: open across an engine restart.
  'src/neg/waits.lua': `local time = require("time")
local function main()
  time.sleep(-1000000)
  local msg = process.inbox():receive()
  return msg:payload():data()
end
return {main = main}
`,
}

test('a workflow that sleeps a negative duration completes and replays clean against its own history', async () => {
  const project = writeProject(FILES)
  cleanups.push(() => project.remove())
  const engine = await Engine.start({env: {}, root: project.root})
  cleanups.push(() => engine.close())
  const {id} = await engine.spawn({entry: 'app.neg:flow', input: []})
  expect(await engine.wait(id)).toMatchObject({result: 'ok', status: 'completed'})
  const events = (await engine.history(id)).events
  expect(events.map((e) => e.type)).toEqual(['WorkflowStarted', 'TimerStarted', 'TimerFired', 'WorkflowCompleted'])
  expect(events[1]).toMatchObject({durationMs: 0, where: 'src/neg/flow.lua:3'})
  expect(await engine.replayCheck(id)).toMatchObject({ok: true, replayedEvents: 4})
})

test('an open run that slept a negative duration is not blocked by a restart and goes on', async () => {
  const project = writeProject(FILES)
  cleanups.push(() => project.remove())
  const first = await Engine.start({env: {}, root: project.root})
  const {id} = await first.spawn({entry: 'app.neg:waits', input: []})
  for (let i = 0; i < 500 && first.ps().find((r) => r.id === id)?.waiting !== 'waiting for a signal'; i++) {
    await new Promise((r) => setTimeout(r, 10))
  }
  expect(first.ps().find((r) => r.id === id)?.waiting).toBe('waiting for a signal')
  await first.close()
  // When the engine restarts, the run is replayed from its file
  const engine = await Engine.start({env: {}, root: project.root})
  cleanups.push(() => engine.close())
  const run = engine.ps().find((r) => r.id === id)!
  expect(run.status).toBe('running')
  expect(run.problem).toBeUndefined()
  expect(await engine.replayCheck(id)).toMatchObject({ok: true})
  await engine.signal(id, 'go', [{done: true}])
  expect(await engine.wait(id)).toMatchObject({result: {done: true}, status: 'completed'})
})
