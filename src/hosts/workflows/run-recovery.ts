/**
 * Recovery at start: every history file is opened through the recovery reader (a torn last
 * line is dropped and reported), its run rebuilt, and an open run replayed into a fresh VM,
 * except one the run index saw settled with exactly this many events: it stays unloaded with
 * its timers armed until something wakes it. A damaged file quarantines its run only.
 */
import {describeDamage} from '../../history/damage.js'
import type {HistoryEvent} from '../../history/events.js'
import type {HistoryStore} from '../../history/store.js'
import {type DamagedRuns, quarantineOf} from './damaged-runs.js'
import type {WorkflowRun} from './run.js'
import type {RunResidency} from './run-residency.js'

export interface RecoveryReport {
  blocked: number
  closed: number
  damaged: string[]
  ms: number
  open: number
  replayedEvents: number
  tornTails: string[]
}

/** What recovery needs of the workflow host. */
export interface RecoveryHost {
  readonly damaged: DamagedRuns
  newRun(runKey: string, events: HistoryEvent[]): WorkflowRun
  onDamaged?(runKey: string): void
  rearm(run: WorkflowRun): void
  readonly residency: RunResidency
  runs(): WorkflowRun[]
  settledLength?(runKey: string): number | undefined
  readonly store: HistoryStore
}

/** Opens and replays every history of the store. */
export async function recoverAll(host: RecoveryHost): Promise<RecoveryReport> {
  const t0 = performance.now()
  const tornTails: string[] = []
  const damaged: string[] = []
  let replayedEvents = 0
  for (const runKey of await host.store.list()) {
    const opened = await recoverRun(host, runKey)
    if ('damaged' in opened) damaged.push(opened.damaged)
    else {
      if (opened.torn) tornTails.push(opened.torn)
      replayedEvents += opened.replayedEvents
    }
  }
  const runs = host.runs()
  return {
    blocked: runs.filter((r) => r.status === 'blocked').length,
    closed: runs.filter((r) => !r.open).length,
    damaged,
    ms: performance.now() - t0,
    open: runs.filter((r) => r.open && r.status !== 'blocked').length,
    replayedEvents,
    tornTails,
  }
}

/** Opens one history and replays it if open; a damaged one is quarantined instead. */
export async function recoverRun(
  host: RecoveryHost,
  runKey: string,
): Promise<{damaged: string} | {replayedEvents: number; torn?: string}> {
  let opened
  try {
    opened = await host.store.open(runKey)
  } catch (error) {
    const quarantined = await quarantineOf(host.store.pathOf(runKey), runKey)
    if (!quarantined) throw error
    host.damaged.add(quarantined)
    host.onDamaged?.(runKey)
    return {
      damaged: `${quarantined.file} is ${describeDamage(quarantined.damage)}; the run ${quarantined.workflowId} is quarantined (\`wippy history repair ${quarantined.workflowId}\`)`,
    }
  }
  const {events, recovered, log} = opened
  const torn =
    recovered &&
    `${runKey}: dropped ${recovered.droppedBytes} bytes of a torn last line at byte ${recovered.atOffset}${recovered.keptAs ? ` (kept in ${recovered.keptAs})` : ''}`
  const settled = host.settledLength?.(runKey)
  // The index saw this many events acknowledged: fewer now means the file was cut (not torn).
  const lost =
    settled !== undefined && events.length < settled
      ? `; events ${events.length + 1}..${settled} were acknowledged before and are gone (the file was cut)`
      : ''
  const run = host.newRun(runKey, events)
  let replayedEvents = 0
  if (run.open && !recovered && settled === events.length) {
    // Settled when it was evicted, and nothing happened since: no VM until it is woken.
    await log.close()
    run.evict()
    host.rearm(run)
  } else if (run.open) {
    host.residency.adopt(runKey, log)
    await host.residency.load(run)
    replayedEvents = run.replayedEvents
  } else {
    await log.close()
  }
  return torn || lost
    ? {replayedEvents, torn: (torn ?? `${runKey}: holds ${events.length} events`) + lost}
    : {replayedEvents}
}
