/**
 * Quarantined runs: histories the recovery reader found damaged (see `history/damage.ts`).
 * A damaged run is not replayed and takes no deliveries, but it stays visible: `ps` lists it
 * as `damaged` with what is wrong, `history` shows its good prefix and the damage, `fork`
 * can start from that prefix, and `repair` cuts the file back to it so the run goes on.
 */
import {lstat} from 'node:fs/promises'

import {WippyError} from '../../errors.js'
import {describeDamage, scanRunFile} from '../../history/damage.js'
import type {EventOf, HistoryEvent} from '../../history/events.js'
import type {HistoryDamage} from '../../history/reader.js'
import {workflowOfRunKey} from '../../history/run-names.js'
import type {RunSummary} from './run-summary.js'

/** A run whose history is damaged. */
export interface DamagedRun {
  damage: HistoryDamage
  entry: string
  /** The intact events before the damage (seq 1..damage.goodEvents). */
  events: HistoryEvent[]
  file: string
  pid: string
  runKey: string
  /** The run's WorkflowStarted, when it is intact. */
  started?: EventOf<'WorkflowStarted'>
  startedAt: number
  workflowId: string
}

/**
 * What a failed open of `file` means: the damaged run, or undefined when the file is not
 * damaged after all (the error was something else, and the caller rethrows it).
 */
export async function quarantineOf(file: string, runKey: string): Promise<DamagedRun | undefined> {
  const scanned = await scanRunFile(file).catch(() => undefined)
  if (!scanned?.damage) return undefined
  const first = scanned.events[0]
  const started = first?.type === 'WorkflowStarted' ? first : undefined
  const mtime = await lstat(file).then(
    (s) => s.mtimeMs,
    () => 0,
  )
  const workflowId = started?.workflowId ?? workflowOfRunKey(runKey)
  return {
    damage: scanned.damage,
    entry: started?.entry ?? '?',
    events: scanned.events,
    file,
    pid: started?.pid ?? runKey,
    runKey,
    startedAt: started?.ts ?? Math.floor(mtime),
    workflowId,
    ...(started ? {started} : {}),
  }
}

export class DamagedRuns {
  readonly #runs = new Map<string, DamagedRun>()

  add(run: DamagedRun): void {
    this.#runs.set(run.runKey, run)
  }

  delete(runKey: string): void {
    this.#runs.delete(runKey)
  }

  all(): DamagedRun[] {
    return [...this.#runs.values()]
  }

  /** The damaged run a PID, workflow ID, run key or unique prefix of one names. */
  find(query: string): DamagedRun | undefined {
    const q = query.trim()
    const runs = this.all()
    const exact = runs.find((r) => r.pid === q || r.workflowId === q || r.runKey === q)
    if (exact) return exact
    const prefixed = runs.filter((r) => r.workflowId.startsWith(q) || r.runKey.startsWith(q) || r.pid.startsWith(q))
    return prefixed.length === 1 ? prefixed[0] : undefined
  }

  summaries(): RunSummary[] {
    return this.all().map((r) => summarizeDamaged(r))
  }
}

/** The `ps` row of a damaged run. */
export function summarizeDamaged(run: DamagedRun): RunSummary {
  return {
    entry: run.entry,
    id: run.workflowId,
    kind: 'workflow',
    loaded: false,
    pid: run.pid,
    problem: `${describeDamage(run.damage)} (${run.file})`,
    startedAt: run.startedAt,
    status: 'damaged',
  }
}

/** What a delivery to a damaged run gets: it takes none until it is repaired. */
export function runDamagedError(run: DamagedRun): WippyError {
  return new WippyError(
    'WIPPY_RUN_DAMAGED',
    `Workflow ${run.workflowId} is quarantined: its history is ${describeDamage(run.damage)}.`,
    {
      file: run.file,
      hint:
        run.damage.goodEvents === 0
          ? `Run \`wippy history repair ${run.workflowId}\` to move the file aside (a copy is kept) and forget the run.`
          : `Run \`wippy history repair ${run.workflowId}\` to cut the history back to event ${run.damage.goodEvents} (a copy of the file is kept); the run then goes on from there.`,
      kind: 'user',
    },
  )
}
