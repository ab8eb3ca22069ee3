/**
 * `workflow.version` works like Temporal's GetVersion, so the patching technique moves old runs
 * to new code: a run recorded before the guard replays against the guarded code and takes the
 * old branch (-1, nothing recorded); a run started after it records one marker with `max`, and
 * every call of the same change ID returns that value, live and on replay. A guarded edit is
 * compatible on hot reload, an unguarded one still diverges, and a recorded version outside the
 * code's [min, max] stops the run with the SDK's TMPRL1100 error. Real engine, real histories.
 */
import {afterEach, describe, expect, test} from 'vitest'

import {queueOfflineSignal} from '../../src/control/offline.js'
import {Engine} from '../../src/engine/engine.js'
import {writeProject} from '../helpers/project.js'
import {until} from '../helpers/until.js'

const INDEX = `version: "1.0"
namespace: app.v
entries:
  - name: flow
    kind: workflow.lua
    source: file://flow.lua
    method: main
    modules: [time, workflow]
`

/** The code before the change: one sleep, then a signal. */
const BASE = `local time = require("time")
local workflow = require("workflow")
local function main(input)
  time.sleep("1h")
  local msg = process.inbox():receive()
  return {path = "old", got = msg:payload():data()}
end
return {main = main}
`

/** The change guarded as the docs teach: new runs sleep 2h, old ones keep their 1h. */
const PATCHED = `local time = require("time")
local workflow = require("workflow")
local function main(input)
  local v = workflow.version("pre-sleep", -1, 1)
  if v == 1 then time.sleep("2h") else time.sleep("1h") end
  local again = workflow.version("pre-sleep", -1, 1)
  local msg = process.inbox():receive()
  local after = workflow.version("pre-sleep", -1, 1)
  return {path = v == 1 and "new" or "old", v = v, again = again, after = after, got = msg:payload():data()}
end
return {main = main}
`

const cleanups: Array<() => Promise<void> | void> = []
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c()
})

function project(flow: string) {
  const p = writeProject({'src/v/_index.yaml': INDEX, 'src/v/flow.lua': flow})
  cleanups.push(() => p.remove())
  return p
}

async function start(root: string): Promise<Engine> {
  const engine = await Engine.start({env: {}, root})
  cleanups.push(() => engine.close())
  return engine
}

/** Starts a run and brings it past its sleep to its signal wait. */
async function runToSignalWait(engine: Engine): Promise<string> {
  const {id} = await engine.spawn({entry: 'app.v:flow', input: [{}]})
  let skipped = false
  await until('the run to wait for its signal', async () => {
    const row = engine.ps().find((r) => r.id === id)
    if (!skipped && row?.waiting?.startsWith('sleeping')) {
      skipped = true
      await engine.skipTime(id, 'next-timer')
    }
    return row?.waiting === 'waiting for a signal'
  })
  return id
}

async function types(engine: Engine, id: string): Promise<string[]> {
  return (await engine.history(id)).events.map((e) => e.type)
}

async function markers(engine: Engine, id: string) {
  return (await engine.history(id)).events.filter((e) => e.type === 'MarkerRecorded')
}

describe('workflow.version (Temporal GetVersion)', () => {
  test('a run recorded before the patch replays clean and takes the old branch (-1)', async () => {
    // Given a run recorded on the code before the change, waiting for its signal
    const p = project(BASE)
    const first = await start(p.root)
    const id = await runToSignalWait(first)
    const before = await types(first, id)
    await first.close()

    // When the code is patched with a guard and the engine restarts
    p.write('src/v/flow.lua', PATCHED)
    const engine = await start(p.root)

    // Then the old run replays clean, and nothing was recorded by replaying it
    expect(engine.ps().find((r) => r.id === id)?.status).toBe('running')
    expect(await engine.replayCheck(id)).toMatchObject({ok: true})
    expect(await types(engine, id)).toEqual(before)

    // And it goes on on the old branch, seeing the default version at every call
    await engine.signal(id, 'go', ['hi'])
    expect(await engine.wait(id)).toMatchObject({
      result: {after: -1, again: -1, got: 'hi', path: 'old', v: -1},
      status: 'completed',
    })
    expect(await markers(engine, id)).toEqual([])
  })

  test('a run started after the patch records one marker with max and replays clean', async () => {
    // Given a run started on the patched code
    const p = project(PATCHED)
    const first = await start(p.root)
    const id = await runToSignalWait(first)

    // Then two calls of the change ID recorded one marker, before the new branch's 2h timer
    const recorded = await markers(first, id)
    expect(recorded).toEqual([expect.objectContaining({name: 'version:pre-sleep', seq: 2, value: 1})])
    const timer = (await first.history(id)).events.find((e) => e.type === 'TimerStarted')
    expect(timer).toMatchObject({durationMs: 2 * 3_600_000, seq: 3})
    await first.close()

    // When the engine restarts and replays it
    const engine = await start(p.root)
    expect(engine.ps().find((r) => r.id === id)?.status).toBe('running')
    expect(await engine.replayCheck(id)).toMatchObject({ok: true})

    // Then replayed and live calls alike return the recorded version, and no marker is added
    await engine.signal(id, 'go', ['hi'])
    expect(await engine.wait(id)).toMatchObject({
      result: {after: 1, again: 1, got: 'hi', path: 'new', v: 1},
      status: 'completed',
    })
    expect(await markers(engine, id)).toHaveLength(1)
  })

  test('hot reload: a guarded edit moves an open run to the new code, an unguarded one diverges', async () => {
    // Given two runs on the old code waiting for a signal in a running engine
    const p = project(BASE)
    const engine = await start(p.root)
    const guarded = await runToSignalWait(engine)

    // When the code is patched with a guard and reloaded
    p.write('src/v/flow.lua', PATCHED)
    const report = await engine.applyRegistry()

    // Then the run is compatible and goes on on the new code (its result has the new fields)
    expect(report.workflows).toEqual([expect.objectContaining({compatible: true})])
    expect(engine.ps().find((r) => r.id === guarded)?.oldCode).toBeUndefined()
    await engine.signal(guarded, 'go', ['moved'])
    expect(await engine.wait(guarded)).toMatchObject({
      result: {after: -1, again: -1, got: 'moved', path: 'old', v: -1},
      status: 'completed',
    })

    // Given a run on the old code again
    p.write('src/v/flow.lua', BASE)
    await engine.applyRegistry()
    const unguarded = await runToSignalWait(engine)

    // When the same change is made without the guard
    p.write('src/v/flow.lua', BASE.replace('time.sleep("1h")', 'time.sleep("2h")'))
    const second = await engine.applyRegistry()

    // Then it diverges at its timer and stays on its old code
    expect(second.workflows).toEqual([expect.objectContaining({compatible: false, pid: expect.any(String)})])
    expect(second.workflows[0]!.divergence).toMatch(/at event 2: expected timer 1h, got timer 2h/)
    await engine.signal(unguarded, 'go', ['stayed'])
    expect(await engine.wait(unguarded)).toMatchObject({result: {got: 'stayed', path: 'old'}, status: 'completed'})
  })

  test('a recorded version outside the code’s [min, max] stops the run with TMPRL1100', async () => {
    // Given a run that recorded version 1, and one recorded before the change (version -1)
    const p = project(BASE)
    const first = await start(p.root)
    const old = await runToSignalWait(first)
    await first.close()
    p.write('src/v/flow.lua', PATCHED)
    const second = await start(p.root)
    const fresh = await runToSignalWait(second)
    await second.close()

    // When the code drops the old branch (min 1) and the engine restarts
    p.write('src/v/flow.lua', PATCHED.replaceAll('("pre-sleep", -1, 1)', '("pre-sleep", 1, 1)'))
    const engine = await start(p.root)

    // Then the old run is blocked by the platform's error, and the new one goes on
    const row = engine.ps().find((r) => r.id === old)!
    expect(row.status).toBe('blocked')
    expect(row.problem).toContain(
      '[TMPRL1100] Workflow code removed support of version -1. for "pre-sleep" changeID. The oldest supported version is 1',
    )
    expect(engine.ps().find((r) => r.id === fresh)?.status).toBe('running')
    expect(await engine.replayCheck(old)).toMatchObject({divergence: {eventIndex: 2}, ok: false})
    await engine.close()

    // When the code only knows versions below the recorded one
    p.write('src/v/flow.lua', PATCHED.replaceAll('("pre-sleep", -1, 1)', '("pre-sleep", -1, 0)'))
    const older = await start(p.root)

    // Then the new run is blocked because the code is too old for its version
    const blocked = older.ps().find((r) => r.id === fresh)!
    expect(blocked.status).toBe('blocked')
    expect(blocked.problem).toContain(
      '[TMPRL1100] Workflow code is too old to support version 1 for "pre-sleep" changeID. The maximum supported version is 0',
    )
  })

  test('a version marker the code no longer issues is skipped, as the Go SDK does', async () => {
    // Given a run that recorded version 1 of the change
    const p = project(PATCHED)
    const first = await start(p.root)
    const id = await runToSignalWait(first)
    await first.close()

    // When the guard is removed and only the new branch is kept
    p.write('src/v/flow.lua', BASE.replace('time.sleep("1h")', 'time.sleep("2h")').replace('"old"', '"new"'))
    const engine = await start(p.root)

    // Then the run replays past the marker and completes on the code without it
    expect(engine.ps().find((r) => r.id === id)?.status).toBe('running')
    await engine.signal(id, 'go', ['hi'])
    expect(await engine.wait(id)).toMatchObject({result: {got: 'hi', path: 'new'}, status: 'completed'})
  })

  test('past the end of the history (a signal queued offline) the call is live and records max', async () => {
    // Given a run on the old code waiting for its signal, the engine down, and a signal queued
    const p = project(BASE)
    const first = await start(p.root)
    const id = await runToSignalWait(first)
    await first.close()
    await queueOfflineSignal(p.root, id, 'go', ['queued'])

    // When the new code guards what it does after the signal, and the engine restarts
    const guardedAfter = BASE.replace(
      '  return {path = "old"',
      '  local v = workflow.version("after-signal", -1, 1)\n  return {v = v, path = "old"',
    )
    p.write('src/v/flow.lua', guardedAfter)
    const engine = await start(p.root)

    // Then the code reached the new path live: it records the marker with max and takes it
    expect(await engine.wait(id)).toMatchObject({result: {got: 'queued', v: 1}, status: 'completed'})
    expect(await markers(engine, id)).toEqual([expect.objectContaining({name: 'version:after-signal', value: 1})])
    expect(await engine.replayCheck(id)).toMatchObject({ok: true})
  })

  test('a skipped marker that contradicts what the code already saw is a divergence', async () => {
    // Given a run that recorded its version after the sleep
    const late = BASE.replace('  local msg', '  local v = workflow.version("late", -1, 1)\n  local msg')
    const p = project(late)
    const first = await start(p.root)
    const id = await runToSignalWait(first)
    expect(await markers(first, id)).toEqual([expect.objectContaining({name: 'version:late', seq: 5, value: 1})])
    await first.close()

    // When the call moves before the sleep (where the history has no marker: -1)
    p.write('src/v/flow.lua', BASE.replace('  time.sleep', '  local v = workflow.version("late", -1, 1)\n  time.sleep'))
    const engine = await start(p.root)

    // Then the recorded 1 contradicts the -1 the code took, at the marker's event
    const row = engine.ps().find((r) => r.id === id)!
    expect(row.status).toBe('blocked')
    expect(row.problem).toContain('at event 5: expected workflow.version("late") = 1, got version -1 already returned')
  })

  test('the platform’s argument checks: min > max is Invalid, a missing bound raises', async () => {
    const p = project(`local workflow = require("workflow")
local function main()
  local v, err = workflow.version("c", 2, 1)
  local empty, err2 = workflow.version("", 1, 1)
  local ok, raised = pcall(workflow.version, "c", 1)
  return {v = v, err = tostring(err), kind = err:kind(), err2 = tostring(err2), ok = ok, raised = tostring(raised)}
end
return {main = main}
`)
    const engine = await start(p.root)
    const {id} = await engine.spawn({entry: 'app.v:flow', input: []})
    const outcome = await engine.wait(id)
    expect(outcome).toMatchObject({
      result: {
        err: expect.stringContaining('min_supported cannot be greater than max_supported'),
        err2: expect.stringContaining('change ID required'),
        kind: 'Invalid',
        ok: false,
        raised: expect.stringContaining('bad argument #3 to version (number expected, got nil)'),
      },
      status: 'completed',
    })
    expect(await markers(engine, id)).toEqual([])
  })
})
