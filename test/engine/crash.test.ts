/**
 * Durability under real crashes: the engine runs in a child process (built CLI code) that
 * is SIGKILLed at random instants while seed-like workflows run (saga with injected
 * failures, 24h sleeps moved by time skip, approvals signalled, child workflows), then
 * restarted. At the end every workflow has finished with the right result, no acknowledged
 * event is lost, no result is recorded twice, and every accepted signal was delivered.
 */
import {existsSync} from 'node:fs'
import {join} from 'node:path'
import {execa} from 'execa'
import {describe, expect, test} from 'vitest'

import type {HistoryEvent} from '../../src/history/events.js'
import {HistoryStore} from '../../src/history/store.js'
import {writeProject} from '../helpers/project.js'
import {PAYMENT_FILES, SAGA_FILES} from './payment-project.js'

const DRIVER = join(import.meta.dirname, 'fixtures', 'crash-driver.mjs')
const WORKFLOWS = 80

/** A small seeded PRNG so a failing run can be reproduced (the seed is in the test name). */
function prng(seed: number): () => number {
  let s = seed >>> 0
  return () => {
    s = (s * 1_664_525 + 1_013_904_223) >>> 0
    return s / 2 ** 32
  }
}

interface Observed {
  acked: Map<string, Map<number, string>>
  done: boolean
  signals: Set<string>
}

async function runDriver(root: string, observed: Observed, killAfterReadyMs?: number): Promise<void> {
  const child = execa('node', [DRIVER, root, String(WORKFLOWS)], {reject: false, stderr: 'pipe', stdout: 'pipe'})
  let buffer = ''
  let ready: () => void = () => {}
  const readyPromise = new Promise<void>((resolve) => (ready = resolve))
  child.stdout!.on('data', (chunk: Buffer) => {
    buffer += chunk.toString()
    let nl: number
    while ((nl = buffer.indexOf('\n')) >= 0) {
      const line = buffer.slice(0, nl)
      buffer = buffer.slice(nl + 1)
      const [tag, a, b, ...rest] = line.split(' ')
      if (tag === 'READY') ready()
      else if (tag === 'ACK') {
        const pid = rest.join(' ')
        const byPid = observed.acked.get(pid) ?? new Map<number, string>()
        byPid.set(Number(a), b!)
        observed.acked.set(pid, byPid)
      } else if (tag === 'SIGACK') observed.signals.add(a!)
      else if (tag === 'DONE') observed.done = true
    }
  })
  if (killAfterReadyMs === undefined) {
    const result = await child
    if (result.exitCode !== 0) throw new Error(`driver exited ${result.exitCode}: ${result.stderr}`)
    return
  }
  await Promise.race([readyPromise, child])
  await new Promise((r) => setTimeout(r, killAfterReadyMs))
  child.kill('SIGKILL')
  const result = await child
  if (result.exitCode !== null && result.exitCode !== 0 && !result.isTerminated) {
    throw new Error(`driver failed before the kill (exit ${result.exitCode}): ${result.stderr}`)
  }
}

function expectedResult(i: number): unknown {
  switch (i % 4) {
    case 0: {
      return {charge: {amount: i, id: `ch_${i}`}, status: i % 10 === 0 ? 'refunded' : 'succeeded'}
    }
    case 1: {
      return i % 8 === 1 ? {by: 'wippy-cli', order: `o${i}`, status: 'approved'} : {order: `o${i}`, status: 'rejected'}
    }
    case 2: {
      return {child: {charge: {amount: i, id: `ch_${i}`}, status: i % 10 === 0 ? 'refunded' : 'succeeded'}}
    }
    default: {
      const failAt = ['none', 'payment', 'shipping'][i % 3]
      return failAt === 'none' ? {completed: 3} : {compensated: failAt === 'payment' ? 1 : 2, failed: failAt}
    }
  }
}

describe.each([
  {kills: 25, seed: 7},
  {kills: 25, seed: 1234},
])('crash recovery (seed $seed)', ({kills, seed}) => {
  test(
    `${kills} SIGKILLs: every workflow finishes right, nothing acknowledged is lost or doubled`,
    {timeout: 240_000},
    async () => {
      expect(existsSync(join(import.meta.dirname, '../../dist/engine/engine.js')), 'run `npm run build` first').toBe(
        true,
      )
      const project = writeProject({...PAYMENT_FILES, ...SAGA_FILES})
      const random = prng(seed)
      const observed: Observed = {acked: new Map(), done: false, signals: new Set()}
      let killed = 0
      for (let i = 0; i < kills && !observed.done; i++) {
        await runDriver(project.root, observed, Math.floor(random() * 60))
        killed++
      }
      await runDriver(project.root, observed)
      expect(observed.done).toBe(true)
      expect(killed).toBe(kills)

      const store = new HistoryStore(join(project.root, '.wippy/dev/histories'))
      const histories = new Map<string, HistoryEvent[]>()
      for (const key of await store.list()) {
        const {events} = await store.read(key)
        histories.set(events[0]!.type === 'WorkflowStarted' ? events[0]!.pid : key, events)
      }
      // Every acknowledged event is on disk, same seq, same type.
      let lost = 0
      for (const [pid, acked] of observed.acked) {
        const events = histories.get(pid) ?? []
        for (const [seq, type] of acked) if (events[seq - 1]?.type !== type) lost++
      }
      expect(lost).toBe(0)
      // Every top-level workflow finished with the right result.
      for (let i = 0; i < WORKFLOWS; i++) {
        const runs = [...histories.values()].filter(
          (e) => e[0]!.type === 'WorkflowStarted' && e[0]!.workflowId === `w${i}`,
        )
        expect(runs, `w${i} ran once`).toHaveLength(1)
        expect(runs[0]!.at(-1), `w${i}`).toMatchObject({result: expectedResult(i), type: 'WorkflowCompleted'})
      }
      for (const events of histories.values()) {
        // One closing event, and at most one result per scheduled activity.
        expect(events.filter((e) => e.type.startsWith('Workflow') && e.type !== 'WorkflowStarted')).toHaveLength(1)
        const results = events.filter((e) => e.type === 'ActivityCompleted' || e.type === 'ActivityFailed') as Array<{
          scheduled: number
        }>
        expect(new Set(results.map((r) => r.scheduled)).size).toBe(results.length)
      }
      // Every accepted signal was delivered.
      for (const id of observed.signals) {
        const events = [...histories.values()].find((e) => e[0]!.type === 'WorkflowStarted' && e[0]!.workflowId === id)!
        expect(
          events.some((e) => e.type === 'SignalReceived'),
          `signal to ${id}`,
        ).toBe(true)
      }
      project.remove()
    },
  )
})
