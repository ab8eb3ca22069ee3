#!/usr/bin/env node
/**
 * History store benchmark (durable appends with group commit, and reading back).
 * Run after `npm run build`: `node bench/history-bench.mjs`. Uses the OS temp dir, or
 * WIPPY_BENCH_DIR (it must be on the disk you care about: a tmpfs makes fsync free).
 *
 * Workloads (the medians of RUNS repetitions):
 * - 100 concurrent runs × 100 events, each run awaiting each append before the next (what a
 *   workflow does: it waits for an event to be durable before going on);
 * - one run appending 1,000 events sequentially: per-append latency p50 / p99;
 * - reading a 10,000-event history with the recovery reader.
 *
 * `node bench/history-bench.mjs --inspect [runs]` measures only `wippy history inspect` of a
 * 10k-event run as a child process (the same workload as the figure in `dev-bench.mjs`, goal
 * ≤ 300 ms), so that figure can be checked without the dev-server benches.
 */
import {execFile} from 'node:child_process'
import {cpSync} from 'node:fs'
import {mkdtemp, rm} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {fileURLToPath} from 'node:url'

import {stateLayout} from '../dist/engine/state-dir.js'
import {HistoryStore} from '../dist/history/store.js'
import {figure, formatFigure, isMain, median, tempDir} from './lib.mjs'

const RUNS = 5
const T0 = 1_700_000_000_000

const started = (id) => ({
  codeHash: 'sha256:0f3c',
  entry: 'app:order_flow',
  format: 1,
  host: 'app:worker',
  input: [{amount: 100, currency: 'USD'}],
  pid: `{wippy@app:worker|${id}}`,
  runId: 'r1',
  seed: 7,
  ts: T0,
  type: 'WorkflowStarted',
  workflowId: id,
})
// About 300 bytes a line, like the events measured in the storage reference (Part B).
const step = (i) =>
  i % 2 === 0
    ? {
        args: [{amount: 100 + i, currency: 'USD', key: `order-1-${i}`}],
        entry: 'app.api:charge_card',
        ts: T0 + i,
        type: 'ActivityScheduled',
        where: 'workflow.lua:12',
      }
    : {
        attempts: 1,
        result: {charge_id: `ch_${i}_3f9a2b`, status: 'succeeded'},
        scheduled: i - 1,
        ts: T0 + i,
        type: 'ActivityCompleted',
      }

const pct = (xs, p) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * p))]
const base = process.env.WIPPY_BENCH_DIR ?? tmpdir()

async function withStore(fn) {
  const dir = await mkdtemp(join(base, 'wippy-history-bench-'))
  const store = new HistoryStore(dir)
  try {
    return await fn(store)
  } finally {
    await store.close()
    await rm(dir, {force: true, recursive: true})
  }
}

async function concurrent(runs = 100, events = 100) {
  return withStore(async (store) => {
    const logs = await Promise.all(Array.from({length: runs}, (_, r) => store.create(`wf-${r}`, started(`wf-${r}`))))
    const before = {...store.stats}
    const t = performance.now()
    await Promise.all(
      logs.map(async (log) => {
        for (let i = 2; i <= events + 1; i++) await log.append([step(i)])
      }),
    )
    const ms = performance.now() - t
    const syncs = store.stats.syncs - before.syncs
    const rounds = store.stats.rounds - before.rounds
    return {ms, perSec: (runs * events) / (ms / 1000), rounds, syncs}
  })
}

async function sequential(n = 1000) {
  return withStore(async (store) => {
    const log = await store.create('seq', started('seq'))
    const lat = []
    for (let i = 2; i <= n + 1; i++) {
      const t = performance.now()
      await log.append([step(i)])
      lat.push(performance.now() - t)
    }
    return {p50: pct(lat, 0.5), p99: pct(lat, 0.99)}
  })
}

async function read(n = 10_000) {
  return withStore(async (store) => {
    const log = await store.create('big', started('big'))
    for (let i = 2; i <= n; i += 500)
      await log.append(Array.from({length: Math.min(500, n + 1 - i)}, (_, k) => step(i + k)))
    await log.close()
    const times = []
    let count = 0
    for (let r = 0; r < RUNS; r++) {
      const t = performance.now()
      count = (await store.read('big')).events.length
      times.push(performance.now() - t)
    }
    return {count, ms: median(times)}
  })
}

export async function run({quick = false} = {}) {
  const runs = quick ? 1 : RUNS
  const conc = []
  for (let r = 0; r < runs; r++) conc.push(await concurrent())
  const seq = []
  for (let r = 0; r < runs; r++) seq.push(await sequential())
  const rd = await read()
  return [
    figure(
      'history: durable appends, 100 concurrent runs × 100 events',
      'events/s',
      conc.map((c) => c.perSec),
    ),
    figure(
      'history: sequential append latency p50',
      'ms',
      seq.map((x) => x.p50),
    ),
    figure(
      'history: sequential append latency p99',
      'ms',
      seq.map((x) => x.p99),
    ),
    figure(`history: read a ${rd.count}-event history`, 'ms', [rd.ms]),
  ]
}

const REPO = fileURLToPath(new URL('..', import.meta.url))

/** Writes run `big` (10,000 events) into the state dir of the project at `root`. */
export async function writeBigHistory(root) {
  const store = new HistoryStore(stateLayout(root).histories)
  const log = await store.create('big~r1', {
    codeHash: 'x',
    entry: 'app.workflows:approval',
    format: 1,
    host: 'app:temporal_worker',
    input: [{}],
    pid: '{app:temporal_client@app:temporal_worker|big}',
    runId: 'r1',
    seed: 1,
    ts: T0,
    type: 'WorkflowStarted',
    workflowId: 'big',
  })
  const batch = []
  for (let i = 2; i <= 10_000; i++) {
    batch.push(
      i % 2 === 0
        ? {
            args: [{amount: i, order_id: `o-${i}`}],
            entry: 'app.reviews:submit',
            ts: T0 + i,
            type: 'ActivityScheduled',
            where: 'src/workflows/approval.lua:11',
          }
        : {attempts: 1, result: 'submitted', scheduled: i - 1, ts: T0 + i, type: 'ActivityCompleted'},
    )
  }
  await log.append(batch)
  await log.close()
  await store.close()
}

/** Wall time of `wippy history inspect` (built CLI, offline) on a 10k-event run, `n` times. */
export async function inspectWallTime(n = 7) {
  const root = tempDir('wippy-inspect-bench-')
  cpSync(join(REPO, 'templates/approval'), root, {recursive: true})
  try {
    await writeBigHistory(root)
    const env = {...process.env, FORCE_COLOR: '0', NO_COLOR: '1'}
    const once = () =>
      new Promise((resolve, reject) => {
        const t = performance.now()
        execFile(
          process.execPath,
          [join(REPO, 'bin/run.js'), 'history', 'inspect', 'big'],
          {cwd: root, env, maxBuffer: 64 * 1024 * 1024},
          (error, _stdout, stderr) =>
            error ? reject(new Error(`wippy history inspect failed: ${stderr}`)) : resolve(performance.now() - t),
        )
      })
    const samples = []
    for (let i = 0; i < n; i++) samples.push(await once())
    return figure('history: `wippy history inspect` of a 10k-event run (process wall time)', 'ms', samples, {
      op: '<=',
      value: 300,
    })
  } finally {
    await rm(root, {force: true, recursive: true})
  }
}

if (isMain(import.meta.url)) {
  const at = process.argv.indexOf('--inspect')
  if (at === -1) for (const f of await run()) console.log(formatFigure(f))
  else console.log(formatFigure(await inspectWallTime(Number(process.argv[at + 1] ?? 7) || 7)))
}
