#!/usr/bin/env node
/**
 * Crash torture: runs `wippy dev --no-tui` as a child on a generated project of seed-like
 * workflows (saga with random failures, 24h sleeps moved by time skip, approvals signalled
 * from outside, child workflows, activity retries), SIGKILLs it at random (seeded) instants,
 * restarts it, and repeats; signals and time skips are sent through the control channel
 * during the chaos. At the end it checks the history files and prints:
 * workflows completed vs started, acknowledged events lost (must be 0), results recorded
 * twice (must be 0), signals accepted but never delivered (must be 0), and activity
 * executions vs recorded results (the at-least-once surplus). Executions are counted from the
 * functions' `exec` log lines; the server's stdout is a file, which Node writes synchronously,
 * so a line is in the kernel before its function returns and no SIGKILL loses it (a pipe
 * queues writes in the process when the reader lags, and a kill dropped them). So a result
 * recorded with fewer executions than attempts means an activity recorded without running.
 *
 * Then a full-disk phase (`torture-disk-full.mjs`): the state dir on a small tmpfs, filled
 * while signals keep coming; every acknowledged signal must survive, every refused one must
 * have been refused with the disk as the reason, and runs must take signals again once space
 * is back. Skipped (with the reason) where tmpfs can't be mounted; `--disk-cycles 0` skips it.
 *
 * Then the concurrent-offline-writers phase (`torture-offline-writers.mjs`): parallel
 * `wippy signal` processes with no server, racing `wippy dev` starts and SIGKILLs; every
 * signal reported queued or delivered must be recorded once, nothing refused recorded, every
 * history readable, and each run's code must see its signals once. `--offline-rounds 0` skips it.
 *
 *   npm run torture -- [--kills N] [--workflows N] [--seed S] [--disk-cycles N] [--offline-rounds N] [--keep]
 *
 * Exits 1 when any check fails. Needs a build (`npm run build`).
 */
import {closeSync, cpSync, mkdtempSync, openSync, readFileSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {dirname, join} from 'node:path'
import {fileURLToPath} from 'node:url'
import {parseArgs} from 'node:util'
import {execa} from 'execa'

import {requireControl} from '../dist/control/client.js'
import {HistoryStore} from '../dist/history/store.js'
import {diskFullPhase} from './torture-disk-full.mjs'
import {offlineWritersPhase} from './torture-offline-writers.mjs'

const repo = join(dirname(fileURLToPath(import.meta.url)), '..')
const {values: flags} = parseArgs({
  options: {
    'disk-cycles': {default: '3', type: 'string'},
    keep: {type: 'boolean'},
    kills: {default: '200', type: 'string'},
    'offline-rounds': {default: '3', type: 'string'},
    seed: {default: '1', type: 'string'},
    window: {default: '10', type: 'string'},
    workflows: {default: '1000', type: 'string'},
  },
})
const KILLS = Number(flags.kills)
const TOTAL = Number(flags.workflows)
const WINDOW = Number(flags.window)
const random = prng(Number(flags.seed))
const ENTRIES = ['app.flows:payment', 'app.flows:approval', 'app.flows:parent', 'app.flows:saga', 'app.flows:retry']
const FAIL_AT = Array.from(
  {length: TOTAL},
  () => ['none', 'inventory', 'payment', 'shipping'][Math.floor(random() * 4)],
)

const root = mkdtempSync(join(tmpdir(), 'wippy-torture-'))
cpSync(join(repo, 'test/fixtures/projects/chaos'), root, {recursive: true})

const acked = new Map() // pid -> Map(seq -> type), from history events the server reported as durable
const signalled = new Set() // workflow ids whose signal the server accepted
const devOut = join(root, 'dev-out.log') // every server's stdout, appended (see the header)
const t0 = performance.now()
let kills = 0

console.error(`torture: ${KILLS} kills over ${TOTAL} workflows, seed ${flags.seed}, project ${root}`)
while (kills < KILLS) {
  const done = await round(20 + Math.floor(random() * 380))
  kills++
  if (kills % 20 === 0) console.error(`  ${kills} kills, ${((performance.now() - t0) / 1000) | 0}s`)
  if (done) break
}
await round(undefined)
const executions = countExecutions(readFileSync(devOut, 'utf8'))
const report = await verify()
const seconds = (performance.now() - t0) / 1000
console.log(`kills: ${kills} in ${seconds.toFixed(1)} s`)
console.log(`workflows completed: ${report.completed} of ${TOTAL} started`)
console.log(`acknowledged events lost: ${report.lost}`)
console.log(`results recorded twice: ${report.doubled}`)
console.log(`signals accepted but never delivered: ${report.undelivered}`)
console.log(`wrong results: ${report.wrong}`)
console.log(
  `activity executions: ${report.executions} for ${report.results} recorded results (at-least-once surplus ${report.executions - report.results}; results with fewer executions than attempts ${report.unexecuted})`,
)
if (!flags.keep) rmSync(root, {force: true, recursive: true})
const disk =
  Number(flags['disk-cycles']) > 0
    ? await diskFullPhase({cycles: Number(flags['disk-cycles']), random, repo})
    : {skipped: '--disk-cycles 0'}
if (disk.skipped) console.log(`disk full: skipped (${disk.skipped})`)
else {
  console.log(
    `disk full: ${disk.acked} signals acknowledged, ${disk.refused} refused in ${disk.seconds.toFixed(1)} s; ` +
      `acknowledged lost ${disk.lost}, refused but recorded ${disk.recordedRefused}, refused without the disk as reason ${disk.wrongCode}, ` +
      `refused after space was back ${disk.notRecovered}, wrong results ${disk.wrongResult}`,
  )
}
const diskOk =
  Boolean(disk.skipped) ||
  (disk.refused > 0 &&
    disk.lost === 0 &&
    disk.recordedRefused === 0 &&
    disk.wrongCode === 0 &&
    disk.notRecovered === 0 &&
    disk.wrongResult === 0)
const offlineRounds = Number(flags['offline-rounds'])
const offline = offlineRounds > 0 ? await offlineWritersPhase({random, repo, rounds: offlineRounds}) : undefined
if (!offline) console.log('offline writers: skipped (--offline-rounds 0)')
else {
  const o = offline
  console.log(
    `offline writers: ${o.queued} signals queued, ${o.delivered} delivered, ${o.refused} refused, ${o.unknown} of unknown outcome (${o.unknownRecorded} recorded) ` +
      `over ${o.devStarts} dev starts (${o.killedBeforeReady} killed before ready) in ${o.seconds.toFixed(1)} s; ` +
      `acknowledged lost ${o.lost}, recorded twice ${o.recordedTwice}, refused but recorded ${o.refusedRecorded}, recorded in another run ${o.stray}, ` +
      `seen wrongly by the code ${o.wrongSeen}, damaged histories ${o.damaged}, unexpected errors ${o.unexpected}, failed dev starts ${o.devFailed}`,
  )
}
const offlineOk = !offline || offline.ok
const ok =
  diskOk &&
  offlineOk &&
  report.completed === TOTAL &&
  report.lost === 0 &&
  report.doubled === 0 &&
  report.undelivered === 0 &&
  report.wrong === 0 &&
  report.unexecuted === 0
console.log(ok ? 'torture: PASS' : 'torture: FAIL')
process.exit(ok ? 0 : 1)

/** One life of the dev server: drive workflows, then SIGKILL after `killAfterMs` (or run to the end). */
async function round(killAfterMs) {
  const fd = openSync(devOut, 'a')
  const from = readFileSync(devOut).length
  const child = execa('node', [join(repo, 'bin/run.js'), 'dev', '--no-tui', '--no-watch', '--path', root], {
    reject: false,
    stdout: fd,
  })
  const exited = child.then((r) => r)
  exited.finally(() => closeSync(fd))
  const first = await Promise.race([waitForOutput(devOut, from, 'ready in', exited), exited.then(() => 'exited')])
  if (first === 'exited') throw new Error(`wippy dev exited before ready:\n${(await exited).stderr}`)
  const client = await requireControl(root, {requestTimeoutMs: 10_000})
  const unsubscribe = await client.subscribe((e) => {
    if (e.type !== 'history') return
    const byPid = acked.get(e.pid) ?? new Map()
    byPid.set(e.event.seq, e.event.type)
    acked.set(e.pid, byPid)
  })
  const deadline = killAfterMs === undefined ? Infinity : Date.now() + killAfterMs
  let finished = false
  try {
    while (Date.now() < deadline && !finished) {
      finished = await tick(client)
      await new Promise((r) => setTimeout(r, 10))
    }
  } catch (error) {
    // The server died under us (or was killed): that is the point.
    if (killAfterMs === undefined) throw error
  }
  if (killAfterMs === undefined) {
    unsubscribe()
    client.close()
    child.kill('SIGTERM')
    await exited
  } else {
    child.kill('SIGKILL')
    await exited
    client.close()
  }
  return finished
}

/** Spawns missing workflows (a window at a time), skips sleeping clocks, signals approvals. */
async function tick(client) {
  const runs = await client.ps({filter: {all: true}})
  const known = new Set(runs.map((r) => r.id))
  const open = runs.filter((r) => r.status === 'running')
  let room = WINDOW - open.length
  for (let i = 0; i < TOTAL && room > 0; i++) {
    const id = `t${i}`
    if (known.has(id)) continue
    await client.spawn({entry: ENTRIES[i % 5], id, input: [inputOf(i)]})
    room--
  }
  for (const run of open) {
    if (run.waiting?.startsWith('sleeping')) await client.skipTime({by: 'next-timer', pid: run.pid}).catch(() => {})
    if (run.entry === 'app.flows:approval' && run.waiting === 'waiting for a signal' && !signalled.has(run.id)) {
      const i = Number(run.id.slice(1))
      await client.signal({payload: [{approved: i % 2 === 0}], pid: run.pid, topic: 'approve'})
      signalled.add(run.id)
    }
  }
  return runs.length >= TOTAL && open.length === 0
}

/** Waits until `file` has `text` past byte `from` (polling: the child writes it directly). */
async function waitForOutput(file, from, text, exited) {
  let done = false
  exited.finally(() => (done = true))
  while (!done) {
    if (readFileSync(file).subarray(from).includes(text)) return 'ready'
    await new Promise((r) => setTimeout(r, 10))
  }
}

/** idempotency key -> how many times a function ran with it (its `exec` log lines). */
function countExecutions(text) {
  const counts = new Map()
  for (const line of text.split('\n')) {
    const exec = / exec (\S+)$/.exec(line)
    if (exec) counts.set(exec[1], (counts.get(exec[1]) ?? 0) + 1)
  }
  return counts
}

async function verify() {
  const store = new HistoryStore(join(root, '.wippy/dev/histories'))
  const byPid = new Map()
  for (const key of await store.list()) {
    const {events} = await store.read(key)
    byPid.set(events[0].pid, events)
  }
  let lost = 0
  for (const [pid, seqs] of acked) {
    const events = byPid.get(pid) ?? []
    for (const [seq, type] of seqs) if (events[seq - 1]?.type !== type) lost++
  }
  let doubled = 0
  let results = 0
  let completed = 0
  let wrong = 0
  let undelivered = 0
  let unexecuted = 0
  for (const events of byPid.values()) {
    const closes = events.filter((e) =>
      ['WorkflowCompleted', 'WorkflowFailed', 'WorkflowCancelled', 'WorkflowTerminated'].includes(e.type),
    )
    if (closes.length > 1) doubled += closes.length - 1
    const done = events.filter((e) => e.type === 'ActivityCompleted' || e.type === 'ActivityFailed')
    const scheduled = new Set(done.map((e) => e.scheduled))
    doubled += done.length - scheduled.size
    for (const e of done) {
      results += e.attempts
      const key = `${events[0].workflowId}:${e.scheduled}`
      if ((executions.get(key) ?? 0) < e.attempts) {
        unexecuted++
        if (unexecuted <= 5)
          console.error(`fewer executions than attempts for ${key}: ${executions.get(key) ?? 0} < ${e.attempts}`)
      }
    }
    const started = events[0]
    const i = /^t(\d+)$/.exec(started.workflowId)?.[1]
    if (i === undefined) continue
    const last = events.at(-1)
    if (last.type === 'WorkflowCompleted') completed++
    if (JSON.stringify(sortKeys(last.result)) !== JSON.stringify(sortKeys(expected(Number(i))))) {
      wrong++
      if (wrong <= 5) console.error(`wrong result for t${i}: ${JSON.stringify(last)}`)
    }
    if (signalled.has(started.workflowId) && !events.some((e) => e.type === 'SignalReceived')) undelivered++
  }
  const executionsTotal = [...executions.values()].reduce((a, b) => a + b, 0)
  return {completed, doubled, executions: executionsTotal, lost, results, unexecuted, undelivered, wrong}
}

function inputOf(i) {
  switch (i % 5) {
    case 0:
    case 2: {
      return i % 5 === 0 ? {amount: i} : i
    }
    case 1: {
      return {order_id: `o${i}`}
    }
    case 3: {
      return {fail_at: FAIL_AT[i], id: i}
    }
    default: {
      return i
    }
  }
}

function expected(i) {
  const payment = {charge: {amount: i, id: `ch_${i}`}, status: i % 10 === 0 ? 'refunded' : 'succeeded'}
  switch (i % 5) {
    case 0: {
      return payment
    }
    case 1: {
      return {approved: i % 2 === 0, order: `o${i}`}
    }
    case 2: {
      return {child: payment}
    }
    case 3: {
      const at = FAIL_AT[i]
      return at === 'none'
        ? {completed: 3}
        : {compensated: ['inventory', 'payment', 'shipping'].indexOf(at), failed: at}
    }
    default: {
      return {total: 6 * i + 12}
    }
  }
}

function sortKeys(v) {
  if (Array.isArray(v)) return v.map(sortKeys)
  if (v && typeof v === 'object')
    return Object.fromEntries(
      Object.keys(v)
        .sort()
        .map((k) => [k, sortKeys(v[k])]),
    )
  return v
}

function prng(seed) {
  let s = seed >>> 0
  return () => {
    s = (s * 1_664_525 + 1_013_904_223) >>> 0
    return s / 2 ** 32
  }
}
