/**
 * `process.upgrade(id|nil, ...state)` in a workflow is continue-as-new, as on the platform
 * (Temporal's ContinueAsNew): the run closes with WorkflowContinuedAsNew and a new run of the
 * same workflow ID and PID starts with the state as its input. Real engine, real history files:
 * the chain is in the files, signals and waits by workflow ID reach the newest run, every run
 * replays clean, and a crash right after the closing event starts the next run exactly once.
 */
import {readdirSync, readFileSync, rmSync} from 'node:fs'
import {join} from 'node:path'
import {afterEach, describe, expect, test} from 'vitest'

import {listOfflineRuns, offlineHistory} from '../../src/control/offline.js'
import {Engine} from '../../src/engine/engine.js'
import type {HistoryEvent} from '../../src/history/events.js'
import {RunDirectory} from '../../src/hosts/workflows/run-directory.js'
import {WorkflowRun} from '../../src/hosts/workflows/run.js'
import {summarizeEvent} from '../../src/history/summary.js'
import type {TempProject} from '../helpers/project.js'
import {paymentProject} from './payment-project.js'

const cleanups: Array<() => Promise<void> | void> = []
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c()
})

const INDEX = [
  'version: "1.0"',
  'namespace: app.can',
  'entries:',
  '  - {name: counter, kind: workflow.lua, source: file://counter.lua, method: main}',
  '  - {name: final, kind: workflow.lua, source: file://final.lua, method: main}',
  '  - {name: fn, kind: function.lua, source: file://fn.lua, method: main}',
  '',
].join('\n')

// Each run waits for one "bump", adds it, and continues as new with its state until the limit.
const COUNTER = [
  'return {main = function(n, limit, to)',
  '  local add = process.inbox():receive():payload():data()',
  '  n = n + add',
  '  if n >= limit then',
  '    if to then',
  '      local _, missing = process.upgrade("app.can:nope", n)',
  '      process.upgrade(to, n, missing:kind())',
  '    end',
  '    return {n = n, pid = process.pid()}',
  '  end',
  '  process.upgrade(nil, n, limit, to)',
  '  error("process.upgrade returned")',
  'end}',
].join('\n')

const FINAL = 'return {main = function(n, why) return {final = n, why = why, pid = process.pid()} end}\n'

const FN = [
  'return {main = function()',
  '  local ok, err = process.upgrade(nil, 1)',
  '  return {ok = ok, err = err:kind() .. ": " .. err:message()}',
  'end}',
].join('\n')

function project(): TempProject {
  const p = paymentProject()
  cleanups.push(() => p.remove())
  p.write('src/can/_index.yaml', INDEX)
  p.write('src/can/counter.lua', COUNTER)
  p.write('src/can/final.lua', FINAL)
  p.write('src/can/fn.lua', FN)
  return p
}

async function startEngine(p: TempProject): Promise<Engine> {
  const engine = await Engine.start({env: {}, root: p.root})
  cleanups.push(() => engine.close())
  return engine
}

/** Waits until the newest run of `id` is the `runs`-th and waits for a signal. */
async function untilRunWaits(engine: Engine, id: string, runs: number): Promise<void> {
  const t0 = Date.now()
  for (;;) {
    const rows = engine.ps({all: true}).filter((r) => r.id === id)
    if (rows.length === runs && rows.some((r) => r.status === 'running' && r.waiting === 'waiting for a signal')) return
    if (Date.now() - t0 > 8000) throw new Error(`${id} never reached run ${runs}: ${JSON.stringify(rows)}`)
    await new Promise((r) => setTimeout(r, 10))
  }
}

/** The run files of a workflow, read from disk, oldest first (by their chain). */
function chainOnDisk(p: TempProject, id: string): HistoryEvent[][] {
  const dir = join(p.root, '.wippy/dev/histories')
  const runs = readdirSync(dir)
    .filter((f) => f.startsWith(`${id}~`) && f.endsWith('.jsonl'))
    .map((f) =>
      readFileSync(join(dir, f), 'utf8')
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as HistoryEvent),
    )
  const started = (events: HistoryEvent[]) => events[0] as Extract<HistoryEvent, {type: 'WorkflowStarted'}>
  const chain = [runs.find((r) => !started(r).continuedFrom)!]
  for (;;) {
    const next = runs.find((r) => started(r).continuedFrom === started(chain.at(-1)!).runId)
    if (!next) return chain
    chain.push(next)
  }
}

describe('process.upgrade in a workflow (continue-as-new)', () => {
  test('the run directory takes the last started run as the newest, whatever order recovery adds them in', () => {
    const runOf = (runId: string, ts: number): WorkflowRun => {
      const started = {
        codeHash: 'h',
        entry: 'app.can:counter',
        format: 1,
        host: 'w',
        input: [],
        pid: '{c@w|wf-1}',
        runId,
        seed: 1,
        seq: 1,
        ts,
        type: 'WorkflowStarted',
        workflowId: 'wf-1',
      } as HistoryEvent
      return new WorkflowRun(
        {entry: 'app.can:counter', pid: '{c@w|wf-1}', runKey: `wf-1~${runId}`, workflowId: 'wf-1'},
        {
          append: () => Promise.reject(new Error('nothing is appended here')),
          live: {activate() {}, closed() {}, plan: () => ({answer: () => ({kind: 'result', tag: 0}), recorded: false})},
          realNow: () => ts,
        },
        [started],
      )
    }
    const dir = new RunDirectory()
    // Name order (as the files are listed): the newest run's ID sorts first.
    for (const run of [runOf('0003', 30), runOf('ffff', 10), runOf('8888', 20)]) dir.add(run)
    expect(dir.resolve('wf-1').identity.runKey).toBe('wf-1~0003')
    expect(dir.exact('{c@w|wf-1}')?.identity.runKey).toBe('wf-1~0003')
    expect(dir.all().map((r) => r.identity.runKey)).toEqual(['wf-1~ffff', 'wf-1~8888', 'wf-1~0003'])
  })

  test('continues with its state N times; the chain is in the files, signals and wait reach the newest run', async () => {
    const p = project()
    const engine = await startEngine(p)
    const run = await engine.spawn({entry: 'app.can:counter', input: [0, 4]})
    const outcome = engine.wait(run.id)
    for (let i = 1; i <= 3; i++) {
      await untilRunWaits(engine, run.id, i)
      // By workflow ID: the newest run gets it.
      await engine.signal(run.id, 'bump', [1])
    }
    await untilRunWaits(engine, run.id, 4)

    // Then ps shows one running run and three continued ones, all with the same PID
    const rows = engine.ps({all: true}).filter((r) => r.id === run.id)
    expect(rows.map((r) => r.status).sort()).toEqual([
      'continued_as_new',
      'continued_as_new',
      'continued_as_new',
      'running',
    ])
    expect(new Set(rows.map((r) => r.pid))).toEqual(new Set([run.pid]))
    expect(engine.ps().filter((r) => r.id === run.id)).toHaveLength(1)

    // When the last bump arrives, the wait started on the first run hears the last run's result
    await engine.signal(run.pid, 'bump', [1])
    expect(await outcome).toMatchObject({result: {n: 4, pid: run.pid}, status: 'completed'})

    // The files hold the chain: each close names the next run, each start the previous one
    const chain = chainOnDisk(p, run.id)
    expect(chain).toHaveLength(4)
    for (const [i, events] of chain.entries()) {
      const started = events[0] as Extract<HistoryEvent, {type: 'WorkflowStarted'}>
      expect(started).toMatchObject({input: i === 0 ? [0, 4] : [i, 4], pid: run.pid, workflowId: run.id})
      const last = events.at(-1)!
      if (i < 3) {
        const next = chain[i + 1]![0] as Extract<HistoryEvent, {type: 'WorkflowStarted'}>
        expect(last).toMatchObject({entry: 'app.can:counter', input: [i + 1, 4], type: 'WorkflowContinuedAsNew'})
        expect(last).toMatchObject({newRunId: next.runId})
        expect(next.continuedFrom).toBe(started.runId)
        // What `history inspect` prints names both ends of each link
        expect(summarizeEvent(last)).toBe(`WorkflowContinuedAsNew app.can:counter(${i + 1}, 4) → run ${next.runId}`)
        expect(summarizeEvent(next)).toContain(`(continues run ${started.runId})`)
      } else expect(last).toMatchObject({result: {n: 4}, type: 'WorkflowCompleted'})
      // And every run replays clean on the same code
      expect(await engine.replayCheck(`${run.id}~${started.runId}`)).toMatchObject({ok: true})
    }
    expect(engine.ps({all: true}).filter((r) => r.id === run.id && r.status === 'completed')).toHaveLength(1)

    // And without the engine, the files say the same: three continued runs, the newest completed
    await engine.close()
    const offline = (await listOfflineRuns(p.root, {all: true})).filter((r) => r.id === run.id)
    expect(offline.map((r) => r.status).sort()).toEqual([
      'completed',
      'continued_as_new',
      'continued_as_new',
      'continued_as_new',
    ])
    const newest = await offlineHistory(p.root, run.id)
    expect(newest).toMatchObject({pid: run.pid, status: 'completed'})
    expect(newest.events[0]).toMatchObject({runId: (chain[3]![0] as {runId: string}).runId})
  })

  test('names another entry for the next run; an unknown one is NotFound; a function gets Invalid', async () => {
    const p = project()
    const engine = await startEngine(p)
    const run = await engine.spawn({entry: 'app.can:counter', input: [0, 1, 'app.can:final']})
    await untilRunWaits(engine, run.id, 1)
    await engine.signal(run.id, 'bump', [1])
    expect(await engine.wait(run.id)).toMatchObject({result: {final: 1, pid: run.pid, why: 'NotFound'}})
    const chain = chainOnDisk(p, run.id)
    expect(chain.map((events) => (events[0] as {entry: string}).entry)).toEqual(['app.can:counter', 'app.can:final'])
    for (const events of chain)
      expect(await engine.replayCheck(`${run.id}~${(events[0] as {runId: string}).runId}`)).toMatchObject({ok: true})

    expect(await engine.call('app.can:fn', [])).toEqual({
      value: {err: 'Invalid: process.upgrade is only supported in workflows here'},
    })
  })

  test('a crash right after the closing event is durable starts the next run on recovery, exactly once', async () => {
    const p = project()
    let engine = await startEngine(p)
    const run = await engine.spawn({entry: 'app.can:counter', input: [0, 3]})
    await untilRunWaits(engine, run.id, 1)
    await engine.signal(run.id, 'bump', [1])
    await untilRunWaits(engine, run.id, 2)
    await engine.close()

    // As if the engine died after the close's fsync and before the next run's file: only the prefix is left
    const [first, second] = chainOnDisk(p, run.id)
    const closing = first!.at(-1) as Extract<HistoryEvent, {type: 'WorkflowContinuedAsNew'}>
    const secondStart = second![0] as Extract<HistoryEvent, {type: 'WorkflowStarted'}>
    expect(closing.newRunId).toBe(secondStart.runId)
    rmSync(join(p.root, '.wippy/dev/histories', `${run.id}~${secondStart.runId}.jsonl`))
    expect(chainOnDisk(p, run.id)).toHaveLength(1)

    // When the engine starts again, the next run starts under the recorded run ID
    engine = await startEngine(p)
    await untilRunWaits(engine, run.id, 2)
    const again = chainOnDisk(p, run.id)
    expect(again).toHaveLength(2)
    expect(again[1]![0]).toMatchObject({continuedFrom: (first![0] as {runId: string}).runId, input: [1, 3]})
    expect(again[1]![0]).toMatchObject({runId: closing.newRunId})

    // And another restart starts nothing more; the chain goes on from there
    await engine.close()
    engine = await startEngine(p)
    await untilRunWaits(engine, run.id, 2)
    await engine.signal(run.id, 'bump', [1])
    await untilRunWaits(engine, run.id, 3)
    await engine.signal(run.id, 'bump', [1])
    expect(await engine.wait(run.id)).toMatchObject({result: {n: 3}, status: 'completed'})
    expect(chainOnDisk(p, run.id)).toHaveLength(3)
    expect(readdirSync(join(p.root, '.wippy/dev/histories')).filter((f) => f.startsWith(run.id))).toHaveLength(3)
  })
})
