/**
 * Temporal start and activity options on the local engine (issue 18 §3): each one is honoured,
 * or the run is told it is not (a Warning in its history and the dev log), never silently
 * dropped. Real engine, real histories; `skipTime` moves a run's workflow clock.
 */
import {afterEach, describe, expect, test} from 'vitest'

import type {EngineEvent} from '../../src/engine/api.js'
import {Engine} from '../../src/engine/engine.js'
import type {HistoryEvent} from '../../src/history/events.js'
import type {TempProject} from '../helpers/project.js'
import {paymentProject} from './payment-project.js'

const cleanups: Array<() => Promise<void> | void> = []
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c()
})

const INDEX = [
  'version: "1.0"',
  'namespace: app.opts',
  'entries:',
  '  - {name: start, kind: function.lua, source: file://start.lua, method: main}',
  '  - {name: echo, kind: function.lua, source: file://echo.lua, method: main}',
  '  - {name: sleeper, kind: workflow.lua, source: file://sleeper.lua, method: main, modules: [time]}',
  '  - {name: quick, kind: workflow.lua, source: file://quick.lua, method: main}',
  '  - {name: calls, kind: workflow.lua, source: file://calls.lua, method: main, modules: [funcs]}',
  '  - {name: fails, kind: function.lua, source: file://fails.lua, method: main}',
  '  - {name: bounded, kind: workflow.lua, source: file://bounded.lua, method: main, modules: [funcs]}',
  '  - {name: spawner, kind: workflow.lua, source: file://spawner.lua, method: main}',
  '  - {name: parent, kind: workflow.lua, source: file://parent.lua, method: main}',
  '',
].join('\n')

const FILES: Record<string, string> = {
  'src/opts/_index.yaml': INDEX,
  // Spawns `entry` with the start options `opts` (and a name): its PID, or the error's kind.
  'src/opts/start.lua': [
    'return {main = function(entry, opts, input, name)',
    '  local b = process.with_options(opts)',
    '  if name then b = b:with_name(name) end',
    '  local pid, err = b:spawn(entry, "app:temporal_worker", input)',
    '  if err then return {kind = err:kind(), message = tostring(err)} end',
    '  return {pid = pid}',
    'end}',
  ].join('\n'),
  // Spawns three sleeping children, one per parent close policy (nil: the default), then waits for a signal.
  'src/opts/parent.lua': [
    'return {main = function(policies)',
    '  local pids = {}',
    '  for i, policy in ipairs(policies) do',
    '    local opts = policy ~= "default" and {["workflow.parent_close_policy"] = policy} or {}',
    '    pids[i] = process.with_options(opts):with_name("child-" .. policy):spawn("app.opts:sleeper", "app:temporal_worker")',
    '  end',
    '  process.inbox():receive()',
    '  return pids',
    'end}',
  ].join('\n'),
  'src/opts/fails.lua':
    'return {main = function() return nil, errors.new({message = "boom", kind = errors.UNAVAILABLE, retryable = true}) end}',
  // Calls an always-failing activity, retried every 10 ms, under a 150 ms schedule_to_close_timeout.
  'src/opts/bounded.lua': [
    'local funcs = require("funcs")',
    'return {main = function()',
    '  local ex = funcs.new():with_options({["activity.schedule_to_close_timeout"] = "150ms",',
    '    ["activity.retry_policy"] = {initial_interval = 10, backoff_coefficient = 1}})',
    '  local _, err = ex:call("app.opts:fails")',
    '  return {kind = err and err:kind(), message = tostring(err)}',
    'end}',
  ].join('\n'),
  // Spawns a child naming its task queue (served by the project's worker), and waits for it.
  'src/opts/spawner.lua': [
    'return {main = function()',
    '  local opts = {["workflow.task_queue"] = "main", ["workflow.start_delay"] = "5s"}',
    '  return process.with_options(opts):with_name("queued-child"):exec("app.opts:quick", "app:temporal_worker", 4)',
    'end}',
  ].join('\n'),
  'src/opts/echo.lua': 'return {main = function(x) return x end}',
  'src/opts/sleeper.lua': [
    'local time = require("time")',
    'return {main = function() time.sleep("1h") return "woke" end}',
  ].join('\n'),
  'src/opts/quick.lua': 'return {main = function(x) return x end}',
  'src/opts/calls.lua': [
    'local funcs = require("funcs")',
    'return {main = function()',
    '  local ex = funcs.new():with_options({["activity.heartbeat_timeout"] = "10s", ["temporal.activity.id"] = "a1"})',
    '  local a = ex:call("app.opts:echo", 1)',
    '  local b = ex:call("app.opts:echo", 2)',
    '  return a + b',
    'end}',
  ].join('\n'),
}

async function setup(): Promise<{engine: Engine; logs: string[]}> {
  const p: TempProject = paymentProject()
  cleanups.push(() => p.remove())
  for (const [path, text] of Object.entries(FILES)) p.write(path, text)
  const engine = await Engine.start({env: {}, root: p.root})
  cleanups.push(() => engine.close())
  const logs: string[] = []
  cleanups.push(engine.subscribe((e: EngineEvent) => e.type === 'log' && logs.push(e.message)))
  return {engine, logs}
}

type Started = {kind?: string; message?: string; pid?: string}

async function start(
  engine: Engine,
  entry: string,
  opts: Record<string, unknown>,
  input: unknown = {},
  name?: string,
): Promise<Started> {
  const out = await engine.call('app.opts:start', [entry, opts, input, ...(name ? [name] : [])])
  return out.value as Started
}

async function events(engine: Engine, pid: string): Promise<HistoryEvent[]> {
  return (await engine.history(pid)).events
}

describe('workflow start options', () => {
  test('execution_timeout: the run times out when its clock passes the deadline (time skip)', async () => {
    // Given a run that sleeps 1h under a 10m execution timeout (a Go duration string)
    const {engine} = await setup()
    const {pid} = await start(engine, 'app.opts:sleeper', {['temporal.workflow.execution_timeout']: '10m'})
    expect(pid).toBeDefined()
    // When its clock is moved past the deadline
    await engine.skipTime(pid!, 11 * 60_000)
    const outcome = await engine.wait(pid!)
    // Then it closed as timed out, not woken, and the history says so
    expect(outcome).toMatchObject({error: {kind: 'Timeout'}, status: 'timed_out'})
    const history = await events(engine, pid!)
    expect(history[0]).toMatchObject({executionTimeoutMs: 600_000, type: 'WorkflowStarted'})
    expect(history.at(-1)).toMatchObject({timeout: 'execution', type: 'WorkflowTimedOut'})
    expect(history.some((e) => e.type === 'TimerFired')).toBe(false)
  })

  test('run_timeout in milliseconds (the workflow.X spelling) times the run out in real time', async () => {
    const {engine} = await setup()
    const {pid} = await start(engine, 'app.opts:sleeper', {['workflow.run_timeout']: 50})
    const outcome = await engine.wait(pid!)
    expect(outcome).toMatchObject({status: 'timed_out'})
    expect((await events(engine, pid!)).at(-1)).toMatchObject({timeout: 'run', type: 'WorkflowTimedOut'})
    expect(engine.ps({all: true}).find((r) => r.pid === pid)?.status).toBe('timed_out')
  })

  test('time skip to the next timer stops at the deadline when it comes first', async () => {
    // Given a run sleeping 1h under a 10m execution timeout
    const {engine} = await setup()
    const {pid} = await start(engine, 'app.opts:sleeper', {['workflow.execution_timeout']: '10m'})
    for (let i = 0; i < 300 && !engine.ps().some((r) => r.pid === pid && r.waiting?.startsWith('sleeping')); i++)
      await new Promise((r) => setTimeout(r, 10))
    // When its clock is moved to the next timer
    const skip = await engine.skipTime(pid!, 'next-timer')
    // Then it moved to the deadline (10m), not the 1h timer, and timed out
    expect(skip.skippedMs).toBeLessThanOrEqual(600_000)
    expect(skip.skippedMs).toBeGreaterThan(590_000)
    expect(await engine.wait(pid!)).toMatchObject({status: 'timed_out'})
  })

  test('a run that ends before its timeout completes as usual', async () => {
    const {engine} = await setup()
    const {pid} = await start(engine, 'app.opts:quick', {['temporal.workflow.execution_timeout']: '1h'}, 7)
    expect(await engine.wait(pid!)).toMatchObject({result: 7, status: 'completed'})
  })

  test('memo and search_attributes are recorded in WorkflowStarted', async () => {
    const {engine} = await setup()
    const {pid} = await start(engine, 'app.opts:quick', {
      ['temporal.workflow.memo']: {note: 'hello'},
      ['workflow.search_attributes']: {Customer: 'c-1', Priority: 3},
    })
    await engine.wait(pid!)
    expect((await events(engine, pid!))[0]).toMatchObject({
      memo: {note: 'hello'},
      searchAttributes: {Customer: 'c-1', Priority: 3},
    })
  })

  test('id_reuse_policy: a closed ID is reused by default, refused by REJECT_DUPLICATE and by FAILED_ONLY after a success', async () => {
    const {engine} = await setup()
    const first = await start(engine, 'app.opts:quick', {}, 1, 'order-1')
    await engine.wait(first.pid!)
    // Default (ALLOW_DUPLICATE): a new run under the same ID
    const again = await start(engine, 'app.opts:quick', {}, 2, 'order-1')
    expect(again.pid).toBe(first.pid)
    await engine.wait(again.pid!)
    expect(engine.ps({all: true}).filter((r) => r.id === 'order-1')).toHaveLength(2)
    // REJECT_DUPLICATE (Temporal's enum name) and allow_duplicate_failed_only refuse it
    const rejected = await start(
      engine,
      'app.opts:quick',
      {['temporal.workflow.id_reuse_policy']: 'WORKFLOW_ID_REUSE_POLICY_REJECT_DUPLICATE'},
      3,
      'order-1',
    )
    expect(rejected.kind).toBe('AlreadyExists')
    const failedOnly = await start(
      engine,
      'app.opts:quick',
      {['temporal.workflow.id_reuse_policy']: 'allow_duplicate_failed_only'},
      4,
      'order-1',
    )
    expect(failedOnly.kind).toBe('AlreadyExists')
    expect(engine.ps({all: true}).filter((r) => r.id === 'order-1')).toHaveLength(2)
  })

  test('id_reuse_policy allow_duplicate_failed_only allows a new run after a timed-out one', async () => {
    const {engine} = await setup()
    const first = await start(engine, 'app.opts:sleeper', {['workflow.run_timeout']: 20}, {}, 'job-1')
    await engine.wait(first.pid!)
    const again = await start(
      engine,
      'app.opts:quick',
      {['workflow.id_reuse_policy']: 'allow_duplicate_failed_only'},
      5,
      'job-1',
    )
    expect(await engine.wait(again.pid!)).toMatchObject({result: 5, status: 'completed'})
  })

  test('id_reuse_policy TERMINATE_IF_RUNNING replaces the running workflow', async () => {
    const {engine} = await setup()
    const first = await start(engine, 'app.opts:sleeper', {}, {}, 'nightly')
    const second = await start(
      engine,
      'app.opts:quick',
      {['workflow.id_reuse_policy']: 'terminate_if_running'},
      9,
      'nightly',
    )
    expect(await engine.wait(second.pid!)).toMatchObject({result: 9, status: 'completed'})
    expect(
      engine
        .ps({all: true})
        .filter((r) => r.id === 'nightly')
        .map((r) => r.status)
        .sort(),
    ).toEqual(['completed', 'terminated'])
    expect(first.pid).toBe(second.pid)
  })

  test('a value the platform refuses fails the start with Invalid', async () => {
    const {engine} = await setup()
    const bad = await start(engine, 'app.opts:quick', {['temporal.workflow.run_timeout']: '10 minutes'})
    expect(bad.kind).toBe('Invalid')
    expect(bad.message).toContain('workflow.run_timeout')
    const badPolicy = await start(engine, 'app.opts:quick', {['temporal.workflow.id_conflict_policy']: 'sometimes'})
    expect(badPolicy.kind).toBe('Invalid')
  })

  test('workflow.task_queue picks the worker serving that queue; an unknown queue is refused', async () => {
    const {engine} = await setup()
    const unknown = await start(engine, 'app.opts:quick', {['workflow.task_queue']: 'nobody-serves-this'})
    expect(unknown.kind).toBe('NotFound')
    expect(unknown.message).toContain('nobody-serves-this')
  })
})

describe('activity options', () => {
  test('schedule_to_close_timeout bounds all attempts: the activity fails with Timeout, no warning', async () => {
    const {engine} = await setup()
    const {pid} = await start(engine, 'app.opts:bounded', {})
    const outcome = await engine.wait(pid!)
    expect(outcome).toMatchObject({result: {kind: 'Timeout'}, status: 'completed'})
    expect((outcome.result as {message: string}).message).toContain('last error')
    const history = await events(engine, pid!)
    const failed = history.find((e) => e.type === 'ActivityFailed')
    expect(failed).toMatchObject({error: {kind: 'Timeout', retryable: false}})
    expect((failed as {attempts: number}).attempts).toBeGreaterThan(1)
    expect(history.some((e) => e.type === 'Warning')).toBe(false)
  })
})

describe('timeouts across eviction and restart', () => {
  test('a run evicted idle, then recovered settled by a restarted engine, still times out', async () => {
    const p: TempProject = paymentProject()
    cleanups.push(() => p.remove())
    for (const [path, text] of Object.entries(FILES)) p.write(path, text)
    // Given a run with a 1h execution timeout, evicted idle while it sleeps
    const first = await Engine.start({env: {}, idleEvictMs: 20, root: p.root})
    const started = (
      await first.call('app.opts:start', ['app.opts:sleeper', {['workflow.execution_timeout']: '1h'}, {}])
    ).value as Started
    for (let i = 0; i < 300 && first.ps({all: true}).find((r) => r.pid === started.pid)?.loaded !== false; i++)
      await new Promise((r) => setTimeout(r, 10))
    await first.close()
    // When a new engine recovers it (unloaded: settled) and its clock passes the deadline
    const second = await Engine.start({env: {}, root: p.root})
    cleanups.push(() => second.close())
    await second.skipTime(started.pid!, 61 * 60_000)
    // Then it times out
    expect(await second.wait(started.pid!)).toMatchObject({status: 'timed_out'})
  })
})

describe('parent close policy', () => {
  test('a closing parent terminates its open children by default, cancels REQUEST_CANCEL ones, leaves ABANDON ones', async () => {
    // Given a parent with three sleeping children, one per policy
    const {engine} = await setup()
    const {pid} = await start(engine, 'app.opts:parent', {}, ['default', 'REQUEST_CANCEL', 'abandon'])
    const byName = (n: string) => engine.ps({all: true}).find((r) => r.id === `child-${n}`)
    const until = async (check: () => boolean): Promise<void> => {
      for (let i = 0; i < 500 && !check(); i++) await new Promise((r) => setTimeout(r, 10))
    }
    await until(() => ['default', 'REQUEST_CANCEL', 'abandon'].every((n) => byName(n)?.status === 'running'))
    // When the parent closes (a signal ends it)
    await engine.signal(pid!, 'go', [])
    await engine.wait(pid!)
    let cancelled: HistoryEvent[] = []
    for (let i = 0; i < 500 && !cancelled.some((e) => e.type === 'CancelRequested'); i++) {
      await new Promise((r) => setTimeout(r, 10))
      cancelled = await events(engine, byName('REQUEST_CANCEL')!.pid)
    }
    await until(() => byName('default')?.status !== 'running')
    // Then the default child was terminated, the REQUEST_CANCEL one got a CANCEL event (its code
    // decides: this one ignores it and sleeps on), and the ABANDON one runs on untouched
    expect(byName('default')?.status).toBe('terminated')
    expect(cancelled.find((e) => e.type === 'CancelRequested')).toMatchObject({from: pid})
    expect(byName('REQUEST_CANCEL')?.status).toBe('running')
    expect(byName('abandon')?.status).toBe('running')
    expect((await events(engine, byName('abandon')!.pid)).some((e) => e.type === 'CancelRequested')).toBe(false)
    expect(cancelled[0]).toMatchObject({parentClosePolicy: 'request_cancel'})
    expect((await events(engine, byName('default')!.pid)).at(-1)).toMatchObject({
      reason: expect.stringContaining('parent close policy terminate'),
      type: 'WorkflowTerminated',
    })
  })
})

describe('options the local engine does not honour', () => {
  test('a start option: one Warning event after WorkflowStarted and a dev-log warning; the run goes on', async () => {
    const {engine, logs} = await setup()
    const {pid} = await start(
      engine,
      'app.opts:quick',
      {
        ['temporal.workflow.cron_schedule']: '0 * * * *',
        ['workflow.retry_policy']: {maximum_attempts: 2},
        ['workflow.start_delay']: 0,
      },
      3,
    )
    expect(await engine.wait(pid!)).toMatchObject({result: 3, status: 'completed'})
    const history = await events(engine, pid!)
    const warnings = history.filter((e) => e.type === 'Warning')
    expect(warnings.map((w) => (w as {option: string}).option).sort()).toEqual([
      'workflow.cron_schedule',
      'workflow.retry_policy',
    ])
    expect(history.slice(1, 3).every((e) => e.type === 'Warning')).toBe(true)
    expect(logs.some((m) => m.includes('workflow.cron_schedule is not honoured'))).toBe(true)
  })

  test("a child's start_delay: a Warning in the child's history; it runs on at once on its queue's worker", async () => {
    const {engine} = await setup()
    const {pid} = await start(engine, 'app.opts:spawner', {})
    expect(await engine.wait(pid!)).toMatchObject({result: 4, status: 'completed'})
    const child = engine.ps({all: true}).find((r) => r.id === 'queued-child')!
    const options = (await events(engine, child.pid)).flatMap((e) => (e.type === 'Warning' ? [e.option] : []))
    // task_queue is honoured now (child-queues.test.ts): the worker serving "main" runs it
    expect(options.sort()).toEqual(['workflow.start_delay'])
    expect(child.pid).toMatch(/@app:temporal_worker\|queued-child\}$/)
  })

  test('an activity option: one Warning per run and option, however many calls; replay ignores it', async () => {
    const {engine, logs} = await setup()
    const {pid} = await start(engine, 'app.opts:calls', {})
    expect(await engine.wait(pid!)).toMatchObject({result: 3, status: 'completed'})
    const history = await events(engine, pid!)
    const options = history.flatMap((e) => (e.type === 'Warning' ? [e.option] : []))
    expect(options.sort()).toEqual(['activity.heartbeat_timeout', 'activity.id'])
    expect(logs.filter((m) => m.includes('activity.heartbeat_timeout'))).toHaveLength(1)
    // The history (warnings and all) replays on its own code
    expect(await engine.replayCheck(pid!)).toMatchObject({ok: true})
  })
})
