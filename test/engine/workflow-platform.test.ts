/**
 * Workflow behaviours the platform's own tests pin down (learned from its `temporal` suite):
 * `workflow.info()` and the history counters (the same on replay), `process.unmonitor` of a
 * workflow, `process.link` refused in workflow context, a missing activity failing retryable.
 */
import {afterEach, describe, expect, test} from 'vitest'

import {Engine} from '../../src/engine/engine.js'
import type {TempProject} from '../helpers/project.js'
import {paymentProject} from './payment-project.js'

const cleanups: Array<() => Promise<void> | void> = []
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c()
})

function project(files: Record<string, string>): TempProject {
  const p = paymentProject()
  cleanups.push(() => p.remove())
  for (const [path, text] of Object.entries(files)) p.write(path, text)
  return p
}

async function startEngine(p: TempProject, options: {idleEvictMs?: number} = {}): Promise<Engine> {
  const engine = await Engine.start({env: {}, root: p.root, ...options})
  cleanups.push(() => engine.close())
  return engine
}

const INDEX = (entries: string[]): string =>
  ['version: "1.0"', 'namespace: app.probe', 'entries:', ...entries.map((e) => `  - ${e}`), ''].join('\n')

describe('workflow behaviours from the platform suite', () => {
  test('workflow.info() has the IDs, type, task queue, attempt and history counters; they grow, the same on replay', async () => {
    // Given a workflow that reads its info and history counters before and after waiting for a signal
    const p = project({
      'src/probe/_index.yaml': INDEX([
        '{name: info, kind: workflow.lua, source: file://info.lua, method: main, modules: [workflow, time]}',
      ]),
      'src/probe/info.lua': [
        'local workflow = require("workflow")',
        'local time = require("time")',
        'return {main = function()',
        '  local info = workflow.info()',
        '  local before, size_before = workflow.history_length(), workflow.history_size()',
        '  time.sleep("10ms")',
        '  process.inbox():receive()',
        '  local after, size_after = workflow.history_length(), workflow.history_size()',
        '  return {info = info, before = before, after = after, size_before = size_before, size_after = size_after}',
        'end}',
      ].join('\n'),
    })
    // (the run is evicted while it waits, so the second half runs on a VM rebuilt by replay)
    const engine = await startEngine(p, {idleEvictMs: 20})
    const {id, pid} = await engine.spawn({entry: 'app.probe:info', input: []})
    await new Promise((r) => setTimeout(r, 50))
    await new Promise<void>((resolve, reject) => {
      const t0 = Date.now()
      const tick = (): void => {
        if (engine.ps({all: true}).some((r) => r.id === id && r.waiting === 'waiting for a signal' && !r.loaded))
          resolve()
        else if (Date.now() - t0 > 5000) reject(new Error('the run was not evicted'))
        else setTimeout(tick, 10)
      }
      tick()
    })
    await engine.signal(id, 'go', [])
    const outcome = await engine.wait(id)
    // Then info names the run, and the counters grew: before the sleep the code had seen 1 event
    const r = outcome.result as {
      after: number
      before: number
      info: Record<string, unknown>
      size_after: number
      size_before: number
    }
    expect(r.info).toMatchObject({
      attempt: 1,
      task_queue: expect.any(String),
      workflow_id: id,
      workflow_type: 'app.probe:info',
    })
    expect(pid).toContain(String(r.info.workflow_id))
    expect(r.before).toBe(1)
    // info() counts the history the code has seen when it is called (here: the same as before the sleep)
    expect(r.info).toMatchObject({history_length: 1, history_size: r.size_before})
    // TimerStarted, TimerFired, SignalReceived (the TimeSkipped-free clock: real time)
    expect(r.after).toBe(4)
    expect(r.size_after).toBeGreaterThan(r.size_before)
    expect(r.size_before).toBeGreaterThan(0)
  })

  test('process.link inside a workflow is refused "not supported in workflow context"', async () => {
    const p = project({
      'src/probe/_index.yaml': INDEX(['{name: link, kind: workflow.lua, source: file://link.lua, method: main}']),
      'src/probe/link.lua':
        'return {main = function()\n  local ok, err = process.link(process.pid())\n  return {ok = ok, err = tostring(err)}\nend}\n',
    })
    const engine = await startEngine(p)
    const {id} = await engine.spawn({entry: 'app.probe:link', input: []})
    const outcome = await engine.wait(id)
    expect(outcome.result).toEqual({err: expect.stringContaining('not supported in workflow context')})
  })

  test('an activity no entry provides fails NotFound and retryable (as on Temporal)', async () => {
    const p = project({
      'src/probe/_index.yaml': INDEX([
        '{name: missing, kind: workflow.lua, source: file://missing.lua, method: main, modules: [funcs]}',
      ]),
      'src/probe/missing.lua': [
        'local funcs = require("funcs")',
        'return {main = function()',
        '  local _, err = funcs.new():with_options({["temporal.activity.retry_policy"] = {maximum_attempts = 1}}):call("app.probe:nowhere")',
        '  return {not_found = err:kind() == errors.NOT_FOUND, retryable = err:retryable()}',
        'end}',
      ].join('\n'),
    })
    const engine = await startEngine(p)
    const {id} = await engine.spawn({entry: 'app.probe:missing', input: []})
    expect((await engine.wait(id)).result).toEqual({not_found: true, retryable: true})
  })

  test('process.unmonitor of a workflow stops its EXIT from reaching the function', async () => {
    // Given a function that monitors a waiting workflow, unmonitors it, then ends it
    const p = project({
      'src/probe/_index.yaml': INDEX([
        '{name: unmonitor, kind: function.lua, source: file://unmonitor.lua, method: main, modules: [time]}',
      ]),
      'src/probe/unmonitor.lua': [
        'local time = require("time")',
        'return {main = function()',
        '  local events = process.events()',
        '  local pid = process.spawn("app.workflows:approval", "app:temporal_worker", {order_id = "U"})',
        '  process.monitor(pid)',
        '  process.unmonitor(pid)',
        '  process.terminate(pid)',
        '  local r = channel.select({events:case_receive(), time.after("300ms"):case_receive()})',
        '  return r.channel == events and "exit delivered" or "no exit"',
        'end}',
      ].join('\n'),
    })
    const engine = await startEngine(p)
    // Then no EXIT arrives
    expect(await engine.call('app.probe:unmonitor', [])).toEqual({value: 'no exit'})
  })

  test('a workflow answers a function at its PID (msg:from()), and replay does not answer twice', async () => {
    // Given a workflow that replies to whoever sends it "ping", and a function that pings it
    const p = project({
      'src/probe/_index.yaml': INDEX([
        '{name: echo, kind: workflow.lua, source: file://echo.lua, method: main}',
        '{name: ping, kind: function.lua, source: file://ping.lua, method: main, modules: [time]}',
      ]),
      'src/probe/echo.lua': [
        'return {main = function()',
        '  local msg = process.inbox():receive()',
        '  process.send(msg:from(), "pong", {n = msg:payload():data().n + 1})',
        '  return "answered"',
        'end}',
      ].join('\n'),
      'src/probe/ping.lua': [
        'local time = require("time")',
        'return {main = function()',
        '  local pid = process.spawn("app.probe:echo", "app:temporal_worker")',
        '  process.send(pid, "ping", {n = 41})',
        '  local r = channel.select({process.inbox():case_receive(), time.after("2s"):case_receive()})',
        '  if not r.value or not r.value.topic then return "no answer" end',
        '  return {topic = r.value:topic(), from_workflow = r.value:from() == pid, n = r.value:payload():data().n}',
        'end}',
      ].join('\n'),
    })
    const engine = await startEngine(p)
    // Then the function gets the answer in its inbox
    expect(await engine.call('app.probe:ping', [])).toEqual({value: {from_workflow: true, n: 42, topic: 'pong'}})
    // And the answer is recorded once, delivered
    const run = engine.ps({all: true}).find((r) => r.entry === 'app.probe:echo')!
    const sent = (await engine.history(run.id)).events.filter((e) => e.type === 'SignalSent')
    expect(sent).toHaveLength(1)
    expect(sent[0]).not.toHaveProperty('error')
  })

  test('a start with a running ID: use_existing returns it, fail refuses AlreadyExists, terminate_existing replaces it', async () => {
    // Given a function that starts the approval workflow three times under one name, with each policy
    const p = project({
      'src/probe/_index.yaml': INDEX(['{name: starts, kind: function.lua, source: file://starts.lua, method: main}']),
      'src/probe/starts.lua': [
        'local function start(policy)',
        '  local options = policy and {["temporal.workflow.id_conflict_policy"] = policy} or {}',
        '  return process.with_options(options):with_name("order-7"):spawn("app.workflows:approval", "app:temporal_worker", {order_id = "7"})',
        'end',
        'return {main = function()',
        '  local first = start(nil)',
        '  local again = start("use_existing")',
        '  local refused, err = start("fail")',
        '  local replaced = start("terminate_existing")',
        '  return {same = again == first, refused = refused == nil, kind = err and err:kind(), replaced = replaced == first}',
        'end}',
      ].join('\n'),
    })
    const engine = await startEngine(p)
    // Then each policy did what it says
    expect(await engine.call('app.probe:starts', [])).toEqual({
      value: {kind: 'AlreadyExists', refused: true, replaced: true, same: true},
    })
    // And the first run was terminated by the last start, which runs on
    const runs = engine.ps({all: true}).filter((r) => r.id === 'order-7')
    expect(runs.map((r) => r.status).sort()).toEqual(['running', 'terminated'])
  })

  test('two starts of one workflow ID at the same moment make one run, not two', async () => {
    const engine = await startEngine(project({}))
    // When ten spawns with the same explicit ID race
    const results = await Promise.all(
      Array.from({length: 10}, () =>
        engine.spawn({entry: 'app.workflows:approval', id: 'same-7', input: [{order_id: '7'}]}),
      ),
    )
    // Then they all name one run, and only one exists
    expect(new Set(results.map((r) => r.pid)).size).toBe(1)
    expect(results.filter((r) => !r.existing)).toHaveLength(1)
    expect(engine.ps({all: true}).filter((r) => r.id === 'same-7')).toHaveLength(1)
  })
})
