/**
 * The concurrent-offline-writers phase of `npm run torture` (what review findings 2 and 10
 * broke): many `wippy signal` child processes of the built CLI at once, to a few open runs,
 * while `wippy dev` is started and SIGKILLed under them, so writers race each other, a server
 * that is starting (it holds the state lock but does not answer yet), one that runs, and one
 * that dies mid-request. Then a last server starts, every run is told to stop, and the phase
 * checks the files and the runs' results:
 *
 * - every signal a writer reported as queued or delivered is in its run's history exactly once;
 * - no signal a writer reported as refused is recorded. A writer whose server died mid-request
 *   (WIPPY_CONTROL_CLOSED/TIMEOUT) cannot know whether the server made it durable first: its
 *   outcome is unknown, and it may be recorded, but at most once;
 * - every history reads without damage: `wippy ps --all --json` lists no damaged run and
 *   `wippy history inspect --json` reads each one (both offline, on the files);
 * - each run's code saw exactly the signals of its history, each once, in history order;
 * - no writer failed with a code outside the expected ones (a corrupt history, a bug), no
 *   signal turned up in a run it was not sent to, and no `wippy dev` start failed.
 *
 * Signals are exactly-once here by construction: each writer sends one signal once and never
 * retries, so "twice" can only come from the engine or the lock.
 */
import {join} from 'node:path'
import {rmSync} from 'node:fs'
import {execa} from 'execa'

import {collectorProject, startDev} from './torture-disk-full.mjs'

/** Failures that say nothing was written: the writer gave up before any history was touched. */
const REFUSED = new Set(['WIPPY_DEV_STARTING', 'WIPPY_DEV_NOT_RUNNING', 'WIPPY_STATE_BUSY'])
/** Failures after the request reached a server that then died: recorded or not, the writer can't tell. */
const UNKNOWN = new Set(['WIPPY_CONTROL_CLOSED', 'WIPPY_CONTROL_TIMEOUT'])

/**
 * @param {{repo: string, random: () => number, rounds?: number, runs?: number, writers?: number}} options
 * @returns {Promise<Record<string, number>>}
 */
export async function offlineWritersPhase({repo, random, rounds = 3, runs = 4, writers = 10}) {
  const t0 = performance.now()
  const root = collectorProject(repo, 'wippy-torture-offline-')
  const cli = (args) => execa('node', [join(repo, 'bin/run.js'), ...args, '--path', root, '--json'], {reject: false})
  const report = {
    delivered: 0,
    devStarts: 0,
    killedBeforeReady: 0,
    queued: 0,
    refused: 0,
    unknown: 0,
    unknownRecorded: 0,
  }
  const bad = {
    damaged: 0,
    devFailed: 0,
    lost: 0,
    recordedTwice: 0,
    refusedRecorded: 0,
    stray: 0,
    unexpected: 0,
    wrongSeen: 0,
  }
  const outcomes = new Map() // i -> {id, outcome: 'queued' | 'delivered' | 'refused' | 'unknown'}
  const ids = Array.from({length: runs}, (_, k) => `c${k}`)
  let next = 0
  const writer = async (delayMs, to) => {
    await sleep(delayMs)
    const i = next++
    const id = to ?? ids[Math.floor(random() * ids.length)]
    const r = await cli(['signal', id, 'go', JSON.stringify({i})])
    const out = parseJson(r.stdout)
    if (r.exitCode === 0) {
      const outcome = out?.delivered ? 'delivered' : 'queued'
      report[outcome]++
      outcomes.set(i, {id, outcome})
      if (process.env.TORTURE_DEBUG)
        console.error(`  offline writers: ${(performance.now() - t0) | 0} ms signal ${i} ${outcome}`)
      return
    }
    const code = out?.error?.code
    const outcome = UNKNOWN.has(code) ? 'unknown' : 'refused'
    report[outcome]++
    outcomes.set(i, {id, outcome})
    if (!REFUSED.has(code) && !UNKNOWN.has(code)) {
      bad.unexpected++
      if (bad.unexpected <= 3)
        console.error(
          `  offline writers: signal ${i} to ${id} failed with ${code ?? `exit ${r.exitCode}`}: ${(out?.error?.message ?? r.stdout + r.stderr).slice(0, 300)}`,
        )
    }
  }
  try {
    let dev = await startDev(repo, root)
    for (const id of ids) await dev.client.spawn({entry: 'app.flows:collector', id, input: []})
    await dev.kill()
    // First a burst with no server at all, all to one run (finding 2's repro: parallel offline appends to one file).
    await Promise.all(Array.from({length: writers}, () => writer(Math.floor(random() * 100), ids[0])))
    const pending = []
    for (let round = 0; round < rounds; round++) {
      // A third of the writers start with the server (they find it starting: locked, mute),
      // a third once it is ready (running, or dying mid-request), a third after its SIGKILL
      // (no server: queued offline, racing the next start). Every other server dies before ready.
      const third = Math.ceil(writers / 3)
      const launch = (n) => {
        for (let w = 0; w < n; w++) pending.push(writer(Math.floor(random() * 300)))
      }
      let sawReady = false
      const beforeReady = round % 2 === 1
      const life = await killedDev(repo, root, {
        beforeReady,
        // Before the banner: within a start (~0.5-1 s); after it: long enough for writers launched
        // then to reach the server on a busy machine.
        killAfterMs: beforeReady ? 50 + Math.floor(random() * 700) : 200 + Math.floor(random() * 2800),
        onReady: () => ((sawReady = true), launch(third)),
        onSpawn: () => launch(third),
      })
      launch(writers - (sawReady ? 2 : 1) * third)
      report.devStarts++
      if (life.early) {
        bad.devFailed++
        console.error(
          `  offline writers: wippy dev exited on its own (${life.early.exitCode}): ${(life.early.stdout + life.early.stderr).slice(-400)}`,
        )
      } else if (!life.ready) report.killedBeforeReady++
      await sleep(Math.floor(random() * 500))
    }
    // The last start: writers still waiting for a server to answer deliver through it.
    dev = await startDev(repo, root)
    report.devStarts++
    await Promise.all(pending)
    for (const id of ids) {
      // A run the server could not read (damaged) refuses it; the checks below report why.
      await dev.client
        .signal({payload: [{stop: true}], pid: id, topic: 'go'})
        .catch((error) => console.error(`  offline writers: can't stop ${id}: ${error.code} ${error.message}`))
    }
    for (let tries = 0; ; tries++) {
      const open = (await dev.client.ps({filter: {all: true}})).filter(
        (r) => ids.includes(r.id) && r.status !== 'completed',
      )
      if (open.length === 0 || tries > 500) break
      await sleep(20)
    }
    await dev.stop()
    // Offline, on the files: what a user would see after all of it.
    const ps = parseJson((await cli(['ps', '--all'])).stdout)
    const rows = ps?.processes ?? []
    bad.damaged += rows.filter((r) => r.status === 'damaged').length + (ps ? 0 : 1)
    for (const id of ids) {
      const view = parseJson((await cli(['history', 'inspect', id])).stdout)
      if (!view?.events || view.damage) {
        bad.damaged++
        console.error(`  offline writers: history of ${id} does not read: ${JSON.stringify(view).slice(0, 300)}`)
        continue
      }
      const recorded = view.events
        .filter((e) => e.type === 'SignalReceived' && !e.payload[0]?.stop)
        .map((e) => e.payload[0].i)
      const counts = new Map()
      for (const i of recorded) counts.set(i, (counts.get(i) ?? 0) + 1)
      for (const [i, n] of counts) {
        if (n > 1) bad.recordedTwice += n - 1
        const sent = outcomes.get(i)
        if (sent?.id !== id) bad.stray++
        else if (sent.outcome === 'refused') bad.refusedRecorded++
        if (sent?.outcome === 'unknown') report.unknownRecorded++
      }
      for (const [i, sent] of outcomes) {
        if (sent.id === id && (sent.outcome === 'queued' || sent.outcome === 'delivered') && !counts.has(i)) bad.lost++
      }
      const last = view.events.at(-1)
      const seen = last?.type === 'WorkflowCompleted' ? last.result?.got : undefined
      if (JSON.stringify(seen ?? null) !== JSON.stringify(recorded)) {
        bad.wrongSeen++
        console.error(
          `  offline writers: ${id}'s code saw ${JSON.stringify(seen ?? last).slice(0, 300)}, its history holds ${JSON.stringify(recorded)}`,
        )
      }
    }
  } finally {
    rmSync(root, {force: true, recursive: true})
  }
  const ok = report.queued > 0 && Object.values(bad).every((n) => n === 0)
  return {...report, ...bad, ok, seconds: (performance.now() - t0) / 1000}
}

/**
 * One short life of `wippy dev`, SIGKILLed: `killAfterMs` after its spawn (`beforeReady`, if it
 * is not ready by then), else that long after its banner.
 */
async function killedDev(repo, root, {beforeReady, killAfterMs, onReady, onSpawn}) {
  const child = execa('node', [join(repo, 'bin/run.js'), 'dev', '--no-tui', '--no-watch', '--path', root], {
    reject: false,
  })
  let out = ''
  let ready
  const readyP = new Promise((resolve) => (ready = resolve))
  child.stdout.on('data', (chunk) => {
    out += chunk
    if (out.includes('ready in')) ready()
  })
  const exited = child.then((r) => r)
  onSpawn()
  const early = await Promise.race([
    (beforeReady ? sleep(killAfterMs) : readyP.then(() => (onReady(), sleep(killAfterMs)))).then(() => undefined),
    exited,
  ])
  if (early) return {early}
  child.kill('SIGKILL')
  await exited
  const wasReady = out.includes('ready in')
  if (process.env.TORTURE_DEBUG)
    console.error(
      `  offline writers: dev killed ${killAfterMs} ms after its ${beforeReady ? 'spawn' : 'banner'}, ${wasReady ? 'ready' : 'not ready'}`,
    )
  return {ready: wasReady}
}

function parseJson(text) {
  try {
    return JSON.parse(text)
  } catch {
    return undefined
  }
}

function sleep(ms) {
  return new Promise((r) => setTimeout(r, ms))
}
