/**
 * The durable workflow engine in-process, with the real Lua VM and real history files:
 * the seed's flows, signals, children, retries, time skip, restart recovery, idle eviction.
 */
import {readFileSync} from 'node:fs'
import {afterEach, describe, expect, test} from 'vitest'

import {Engine} from '../../src/engine/engine.js'
import {HistoryStore} from '../../src/history/store.js'
import type {TempProject} from '../helpers/project.js'
import {paymentProject} from './payment-project.js'

const cleanups: Array<() => Promise<void> | void> = []
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c()
})

async function startEngine(project: TempProject, options: {idleEvictMs?: number} = {}): Promise<Engine> {
  const engine = await Engine.start({env: {}, root: project.root, ...options})
  cleanups.push(() => engine.close())
  return engine
}

function project(): TempProject {
  const p = paymentProject()
  cleanups.push(() => p.remove())
  return p
}

async function waitFor(check: () => boolean | Promise<boolean>, ms = 5000): Promise<void> {
  const t0 = Date.now()
  while (!(await check())) {
    if (Date.now() - t0 > ms) throw new Error('timed out waiting')
    await new Promise((r) => setTimeout(r, 10))
  }
}

describe('workflow engine', () => {
  test('the payment flow sleeps 24h on the workflow clock, and time skip wakes it', async () => {
    // Given a payment that will fail its status check (id ends in 0)
    const engine = await startEngine(project())
    const {id} = await engine.spawn({entry: 'app.workflows:payment', input: [{amount: 10}]})
    await waitFor(() => engine.ps().some((p) => p.id === id && p.waiting?.startsWith('sleeping')))
    // When its clock is moved to the timer
    const skip = await engine.skipTime(id, 'next-timer')
    const outcome = await engine.wait(id)
    // Then it refunds, and the history records 24h of sleep
    expect(skip.skippedMs).toBeGreaterThan(86_399_000)
    expect(outcome).toMatchObject({result: {charge: {id: 'ch_10'}, status: 'refunded'}, status: 'completed'})
    const types = (await engine.history(id)).events.map((e) => e.type)
    expect(types).toEqual([
      'WorkflowStarted',
      'ActivityScheduled',
      'ActivityCompleted',
      'TimerStarted',
      'TimeSkipped',
      'TimerFired',
      'ActivityScheduled',
      'ActivityCompleted',
      'ActivityScheduled',
      'ActivityCompleted',
      'WorkflowCompleted',
    ])
  })

  test('an approval waits on process.inbox() until a signal arrives', async () => {
    const engine = await startEngine(project())
    const {id} = await engine.spawn({entry: 'app.workflows:approval', input: [{order_id: 'A-1'}]})
    await waitFor(() => engine.ps().some((p) => p.id === id && p.waiting === 'waiting for a signal'))
    await engine.signal(id.slice(0, 6), 'approve', [{approved: true}])
    const outcome = await engine.wait(id)
    expect(outcome.result).toEqual({by: 'wippy-cli', order: 'A-1', status: 'approved'})
  })

  test('process.exec of a child workflow returns the child result to the parent', async () => {
    const engine = await startEngine(project())
    const {id} = await engine.spawn({entry: 'app.workflows:parent', input: [21]})
    // The child sleeps 24h: skip its clock once it is sleeping.
    let childId = ''
    await waitFor(() => {
      const child = engine.ps().find((p) => p.entry === 'app.workflows:payment' && p.waiting?.startsWith('sleeping'))
      childId = child?.id ?? ''
      return child !== undefined
    })
    expect(childId).toBe(`${id}.2`)
    await engine.skipTime(childId, 'next-timer')
    const outcome = await engine.wait(id)
    expect(outcome.result).toEqual({child: {charge: {amount: 21, id: 'ch_21'}, status: 'succeeded'}})
  })

  test('activities retry per their retry policy; non-retryable errors fail at once', async () => {
    const engine = await startEngine(project())
    const failing = await engine.spawn({entry: 'app.workflows:retry', input: ['fail']})
    const fatal = await engine.spawn({entry: 'app.workflows:retry', input: ['fatal']})
    const [a, b] = await Promise.all([engine.wait(failing.id), engine.wait(fatal.id)])
    expect(String((a.result as {failed: string}).failed)).toContain('always fails')
    expect(String((b.result as {failed: string}).failed)).toContain('bad input')
    const attemptsOf = async (id: string) => (await engine.history(id)).events.find((e) => e.type === 'ActivityFailed')
    expect(await attemptsOf(failing.id)).toMatchObject({attempts: 5})
    expect(await attemptsOf(fatal.id)).toMatchObject({attempts: 1})
  })

  test('a restarted engine replays open runs and goes on where they were', async () => {
    const p = project()
    const first = await Engine.start({env: {}, root: p.root})
    const {id} = await first.spawn({entry: 'app.workflows:payment', input: [{amount: 7}]})
    const approval = await first.spawn({entry: 'app.workflows:approval', input: [{order_id: 'B'}]})
    await waitFor(() => first.ps().some((r) => r.id === id && r.waiting?.startsWith('sleeping')))
    await first.close()

    const second = await startEngine(p)
    expect(second.recovery).toMatchObject({open: 2})
    await second.skipTime(id, 'next-timer')
    await second.signal(approval.id, 'approve', [{approved: false}])
    expect((await second.wait(id)).result).toMatchObject({status: 'succeeded'})
    expect((await second.wait(approval.id)).result).toMatchObject({status: 'rejected'})
    // Replay returned the recorded charge: charge_card ran exactly once.
    const scheduled = (await second.history(id)).events.filter((e) => e.type === 'ActivityScheduled')
    expect(scheduled.map((e) => (e as {entry: string}).entry)).toEqual(['app.api:charge_card', 'app.api:check_status'])
  })

  test('idle runs drop their VM and are rebuilt by replay when woken', async () => {
    const engine = await startEngine(project(), {idleEvictMs: 20})
    const {id} = await engine.spawn({entry: 'app.workflows:approval', input: [{order_id: 'C'}]})
    await waitFor(() => engine.ps().some((r) => r.id === id && r.waiting === 'waiting for a signal'))
    await waitFor(() => engine.ps({all: true}).some((r) => r.id === id && !r.loaded))
    await engine.signal(id, 'approve', [{approved: true}])
    expect((await engine.wait(id)).result).toMatchObject({status: 'approved'})
  })

  test('a burst of idle runs keeps at most 64 VMs, however long the idle delay; each still wakes', async () => {
    // Given an engine that would keep idle VMs for a minute
    const engine = await startEngine(project(), {idleEvictMs: 60_000})
    // When 150 approvals start and wait for a signal
    const runs = await Promise.all(
      Array.from({length: 150}, (_, i) =>
        engine.spawn({entry: 'app.workflows:approval', input: [{order_id: `B-${i}`}]}),
      ),
    )
    await waitFor(() => engine.ps().filter((r) => r.waiting === 'waiting for a signal').length === 150)
    await waitFor(() => engine.ps({all: true}).filter((r) => r.loaded).length <= 64)
    // Then the runs dropped for the cap are rebuilt by replay when signalled
    await Promise.all(runs.map((r) => engine.signal(r.id, 'approve', [{approved: true}])))
    const outcomes = await Promise.all(runs.map((r) => engine.wait(r.id)))
    expect(outcomes.every((o) => (o.result as {status: string}).status === 'approved')).toBe(true)
  })

  test('runs evicted idle are not replayed at restart; they load when woken', async () => {
    const p = project()
    const first = await Engine.start({env: {}, idleEvictMs: 20, root: p.root})
    const {id} = await first.spawn({entry: 'app.workflows:approval', input: [{order_id: 'S'}]})
    const sleeper = await first.spawn({entry: 'app.workflows:payment', input: [{amount: 3}]})
    await waitFor(() => first.ps({all: true}).filter((r) => !r.loaded && r.status === 'running').length === 2)
    await first.close()

    const second = await startEngine(p)
    expect(second.recovery).toMatchObject({open: 2, replayedEvents: 0})
    expect(second.ps().every((r) => !r.loaded)).toBe(true)
    await second.skipTime(sleeper.id, 'next-timer')
    await second.signal(id, 'approve', [{approved: true}])
    expect((await second.wait(id)).result).toMatchObject({status: 'approved'})
    expect((await second.wait(sleeper.id)).result).toMatchObject({status: 'succeeded'})
  })

  test('a signal for a closed or unknown workflow is refused with a code', async () => {
    const engine = await startEngine(project())
    await expect(engine.signal('nope', 'x', [])).rejects.toMatchObject({code: 'WIPPY_PID_UNKNOWN'})
    const {id} = await engine.spawn({entry: 'app.workflows:approval', input: [{order_id: 'D'}]})
    await engine.signal(id, 'approve', [{approved: true}])
    await engine.wait(id)
    await expect(engine.signal(id, 'approve', [])).rejects.toMatchObject({code: 'WIPPY_WORKFLOW_CLOSED'})
  })

  test('fork takes the first N events and runs on live', async () => {
    const engine = await startEngine(project())
    const {id} = await engine.spawn({entry: 'app.workflows:approval', input: [{order_id: 'E'}]})
    await engine.signal(id, 'approve', [{approved: false}])
    await engine.wait(id)
    // Fork before the signal: the fork waits for a new one.
    const fork = await engine.fork(id, 1)
    await waitFor(() => engine.ps().some((r) => r.id === fork.id && r.waiting === 'waiting for a signal'))
    await engine.signal(fork.id, 'approve', [{approved: true}])
    expect((await engine.wait(fork.id)).result).toMatchObject({status: 'approved'})
    const started = (await engine.history(fork.id)).events[0]
    expect(started).toMatchObject({forkedFrom: {at: 1}})
  })

  test('cancel delivers a CANCEL event; terminate ends the run at once', async () => {
    const engine = await startEngine(project())
    const {id} = await engine.spawn({entry: 'app.workflows:approval', input: [{order_id: 'F'}]})
    await engine.terminate(id, 'no longer needed')
    const outcome = await engine.wait(id)
    expect(outcome.status).toBe('terminated')
    expect((await engine.history(id)).events.at(-1)).toMatchObject({
      reason: 'no longer needed',
      type: 'WorkflowTerminated',
    })
  })

  test('time.now and os.time in a workflow read the workflow clock, recorded as side effects', async () => {
    const p = project()
    p.write(
      'src/clock/_index.yaml',
      'version: "1.0"\nnamespace: app.clock\nentries:\n  - {name: clock, kind: workflow.lua, source: file://clock.lua, method: main, modules: [time]}\n',
    )
    p.write(
      'src/clock/clock.lua',
      'local time = require("time")\nreturn {main = function()\n  local a = time.now()\n  time.sleep("48h")\n  local b = time.now()\n  return {unix = a:unix(), hours = (b:unix() - a:unix()) // 3600, os = os.time() - a:unix() >= 48 * 3600}\nend}\n',
    )
    const engine = await startEngine(p)
    const before = Math.floor(Date.now() / 1000)
    const {id} = await engine.spawn({entry: 'app.clock:clock', input: []})
    await waitFor(() => engine.ps().some((r) => r.id === id && r.waiting?.startsWith('sleeping')))
    await engine.skipTime(id, 'next-timer')
    const outcome = await engine.wait(id)
    const result = outcome.result as {unix: number; hours: number; os: boolean}
    expect(result.unix).toBeGreaterThanOrEqual(before)
    expect(result.hours).toBe(48)
    expect(result.os).toBe(true)
    const effects = (await engine.history(id)).events.filter((e) => e.type === 'SideEffect')
    expect(effects.map((e) => (e as {op: string}).op)).toEqual(['time.now', 'time.now', 'time.now'])
  })

  test('a result holding a Time, a Duration and an integer beyond 2^53 is recorded, not stuck', async () => {
    // Given a workflow that returns sandbox objects (the platform's hello workflow returns time.now())
    const p = project()
    p.write(
      'src/objects/_index.yaml',
      'version: "1.0"\nnamespace: app.objects\nentries:\n  - {name: objects, kind: workflow.lua, source: file://objects.lua, method: main, modules: [time]}\n',
    )
    p.write(
      'src/objects/objects.lua',
      'local time = require("time")\nreturn {main = function()\n  time.sleep("1s")\n  local at = time.unix(1795571727, 123000000)\n  return {at = at, ny = at:in_location(time.load_location("America/New_York")), took = time.parse_duration("1m30s"), big = 2^62 // 1, loc = time.utc}\nend}\n',
    )
    const engine = await Engine.start({env: {}, root: p.root, virtualTime: true})
    cleanups.push(() => engine.close())
    // When it runs to its end
    const {id} = await engine.spawn({entry: 'app.objects:objects', input: []})
    const outcome = await engine.wait(id)
    // Then it completes with the payload forms (RFC 3339 text in the time's own offset, nanoseconds, the zone's name)
    expect(outcome.status).toBe('completed')
    expect(outcome.result).toEqual({
      at: '2026-11-25T01:55:27.123Z',
      big: 2 ** 62,
      loc: 'UTC',
      ny: '2026-11-24T20:55:27.123-05:00',
      took: 90_000_000_000,
    })
    // And the history on disk says the same
    const closing = (await engine.history(id)).events.at(-1)
    expect(closing).toMatchObject({result: outcome.result, type: 'WorkflowCompleted'})
  })

  test('a function spawns a workflow monitored, signals it and receives its EXIT', async () => {
    const p = project()
    p.write(
      'src/driver/_index.yaml',
      'version: "1.0"\nnamespace: app.driver\nentries:\n  - {name: drive, kind: function.lua, source: file://drive.lua, method: main}\n',
    )
    p.write(
      'src/driver/drive.lua',
      [
        'return {main = function()',
        '  local pid, err = process.spawn_monitored("app.workflows:approval", "app:temporal_worker", {order_id = "Z"})',
        '  if err then return nil, err end',
        '  process.send(pid, "approve", {approved = true})',
        '  local ev = process.events():receive()',
        '  return {kind = ev.kind, from_ok = ev.from == pid, status = ev.result.value.status}',
        'end}',
      ].join('\n'),
    )
    const engine = await startEngine(p)
    const result = await engine.call('app.driver:drive', [])
    expect(result).toEqual({value: {from_ok: true, kind: 'pid.exit', status: 'approved'}})
  })

  test('with_context values reach the workflow, its activities and its children, and are recorded', async () => {
    // Given a workflow that reads ctx, calls an activity that reads ctx, and runs a child that does too
    const p = project()
    p.write(
      'src/ctx/_index.yaml',
      [
        'version: "1.0"',
        'namespace: app.ctx',
        'entries:',
        '  - {name: read, kind: function.lua, source: file://read.lua, method: main, modules: [ctx]}',
        '  - {name: child, kind: workflow.lua, source: file://child.lua, method: main, modules: [ctx]}',
        '  - {name: parent, kind: workflow.lua, source: file://parent.lua, method: main, modules: [ctx, funcs]}',
        '  - {name: start, kind: function.lua, source: file://start.lua, method: main}',
        '',
      ].join('\n'),
    )
    p.write(
      'src/ctx/read.lua',
      'local ctx = require("ctx")\nreturn {main = function() return {user = ctx.get("user"), extra = ctx.get("extra")} end}\n',
    )
    p.write('src/ctx/child.lua', 'local ctx = require("ctx")\nreturn {main = function() return ctx.get("user") end}\n')
    p.write(
      'src/ctx/parent.lua',
      [
        'local ctx = require("ctx")',
        'local funcs = require("funcs")',
        'return {main = function()',
        '  local activity = funcs.new():with_context({extra = "x"}):call("app.ctx:read")',
        '  local child = process.exec("app.ctx:child", "app:temporal_worker")',
        '  return {user = ctx.get("user"), activity = activity, child = child}',
        'end}',
      ].join('\n'),
    )
    p.write(
      'src/ctx/start.lua',
      'return {main = function()\n  return process.with_context({user = "u-1"}):spawn("app.ctx:parent", "app:temporal_worker")\nend}\n',
    )
    const engine = await startEngine(p)
    // When a function spawns it with_context
    const spawned = await engine.call('app.ctx:start', [])
    const pid = String((spawned as {value: unknown}).value)
    const outcome = await engine.wait(pid)
    // Then every level saw the spawner's values (and the activity its own too)
    expect(outcome.result).toEqual({activity: {extra: 'x', user: 'u-1'}, child: 'u-1', user: 'u-1'})
    // And the start event records them, so a replay after a crash sees the same context
    const [started] = (await engine.history(pid)).events
    expect(started).toMatchObject({context: {user: 'u-1'}, type: 'WorkflowStarted'})
  })

  test('with virtual time a 24h sleep finishes in milliseconds and the history still says 24h', async () => {
    const p = project()
    const engine = await Engine.start({env: {}, root: p.root, virtualTime: true})
    cleanups.push(() => engine.close())
    const t0 = Date.now()
    const {id} = await engine.spawn({entry: 'app.workflows:payment', input: [{amount: 11}]})
    const outcome = await engine.wait(id)
    expect(Date.now() - t0).toBeLessThan(3000)
    expect(outcome.result).toMatchObject({status: 'succeeded'})
    const timer = (await engine.history(id)).events.find((e) => e.type === 'TimerStarted')
    expect(timer).toMatchObject({durationMs: 86_400_000})
  })

  test('a broken entry at start is left out and reported; the rest of the project runs', async () => {
    const p = project()
    p.write(
      'src/broken/_index.yaml',
      'version: "1.0"\nnamespace: app.broken\nentries:\n  - {name: bad, kind: function.lua, source: file://bad.lua, method: main}\n',
    )
    p.write('src/broken/bad.lua', 'local function main(\n  return 1\nend\nreturn {main = main}\n')
    const engine = await startEngine(p)
    expect(engine.startProblems).toEqual([
      expect.objectContaining({
        code: 'WIPPY_LUA_SYNTAX',
        entryId: 'app.broken:bad',
        file: 'src/broken/bad.lua',
        line: 2,
      }),
    ])
    await expect(engine.call('app.broken:bad', [])).rejects.toMatchObject({code: 'WIPPY_ENTRY_NOT_FOUND'})
    const {id} = await engine.spawn({entry: 'app.workflows:steps', input: [2]})
    expect((await engine.wait(id)).status).toBe('completed')
  })

  test('the history file is plain JSONL, one event per line with seq and type', async () => {
    const p = project()
    const engine = await startEngine(p)
    const {id} = await engine.spawn({entry: 'app.workflows:steps', input: [3]})
    await engine.wait(id)
    const store = new HistoryStore(engine.layout.histories)
    const [key] = await store.list()
    const lines = readFileSync(store.pathOf(key!), 'utf8').trim().split('\n')
    expect(lines.map((l) => JSON.parse(l).seq)).toEqual(lines.map((_, i) => i + 1))
    expect(JSON.parse(lines.at(-1)!)).toMatchObject({result: {total: 6}, type: 'WorkflowCompleted'})
  })
})
