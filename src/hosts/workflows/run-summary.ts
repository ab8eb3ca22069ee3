/**
 * A run as `wippy ps` and the status stream show it. Besides `status`, a few markers say what
 * the status alone does not (the TUI and `ps` render `notes`; tools read the fields):
 * - `blockKind` / `retryAt`: why a blocked run is blocked, and when a host fault is retried;
 * - `oldCode`: a reload left the run on code older than the registry's, and how to move it;
 * - `cancelRequested`: a cancel was recorded and the run has not closed yet.
 */
import {formatDurationMs} from '../../time/duration.js'
import type {BlockKind} from './block-reason.js'
import {nextTimerAt} from './outstanding.js'
import type {RunStatus, WorkflowRun} from './run.js'

export interface RunSummary {
  /** Blocked runs: `code` (needs a code change, a fork or terminate) or `host` (retried with backoff). */
  blockKind?: BlockKind
  /** Set while a CancelRequested is recorded and the run is still open. */
  cancelRequested?: {at: number; from?: string; reason?: string}
  closedAt?: number
  entry: string
  /** Bare workflow ID (what users type). */
  id: string
  kind: 'workflow'
  /** Short human markers for renderers: "on old code: ...", "cancel requested from the CLI", "retrying in 2s". */
  notes?: string[]
  /** Set while a reload left the run on its old code: where the new code diverges, and the fork that restarts it on it. */
  oldCode?: {divergence: string; forkCommand?: string}
  pid: string
  /** Why a blocked run is blocked. */
  problem?: string
  /** Host-fault blocks: when the next attempt runs (ms epoch). */
  retryAt?: number
  /** `<workflow id>~<run id>`: names this run when its workflow ID was reused (every command takes it). */
  runKey?: string
  startedAt: number
  /** A run's status; `damaged` for a quarantined history (see damaged-runs.ts). */
  status: RunStatus | 'damaged'
  /** What the run waits for now: "sleeping 23h59m left", "waiting for a signal", "running app.api:charge". */
  waiting?: string
  loaded: boolean
}

export function summarizeRun(run: WorkflowRun, extra: {retryAt?: number} = {}): RunSummary {
  const cancel = run.open ? run.outstanding.cancelRequested : undefined
  const blocked = run.open && run.status === 'blocked'
  const notes = [
    ...(run.oldCode && run.open ? [`on old code${run.oldCode.forkCommand ? `: restart it on the new code with \`${run.oldCode.forkCommand}\`` : ''}`] : []),
    ...(cancel ? [cancelNote(cancel.from)] : []),
    ...(blocked && extra.retryAt !== undefined ? [`host fault; retrying in ${formatDurationMs(Math.max(0, extra.retryAt - Date.now()))}`] : []),
  ]
  return {
    entry: run.identity.entry,
    id: run.identity.workflowId,
    kind: 'workflow',
    loaded: run.loaded,
    pid: run.identity.pid,
    runKey: run.identity.runKey,
    startedAt: run.startedAt,
    status: run.status,
    ...(run.closing ? {closedAt: run.closing.ts} : {}),
    ...(run.problem && blocked ? {problem: run.problem.message} : {}),
    ...(blocked && run.blockKind ? {blockKind: run.blockKind} : {}),
    ...(blocked && extra.retryAt !== undefined ? {retryAt: extra.retryAt} : {}),
    ...(run.oldCode && run.open ? {oldCode: run.oldCode} : {}),
    ...(cancel ? {cancelRequested: cancel} : {}),
    ...(notes.length > 0 ? {notes} : {}),
    ...(run.open && run.status !== 'blocked' ? {waiting: describeWait(run)} : {}),
  }
}

/** The note for a recorded, still-open cancel request: "cancel requested from the CLI". */
export function cancelNote(from: string | undefined): string {
  if (!from) return 'cancel requested'
  return from === 'wippy-cli' ? 'cancel requested from the CLI' : `cancel requested by ${from}`
}

function describeWait(run: WorkflowRun): string {
  if (run.busy) return 'running'
  const out = run.outstanding
  const activities = [...out.activities.values()]
  if (activities.length > 0) return `running ${activities.map((a) => a.entry).join(', ')}`
  const at = nextTimerAt(out)
  if (at !== undefined) return `sleeping, ${formatDurationMs(Math.max(0, at - run.now()))} left`
  if (out.children.size > 0) return `waiting for ${out.children.size === 1 ? 'a child workflow' : `${out.children.size} child workflows`}`
  return 'waiting for a signal'
}
