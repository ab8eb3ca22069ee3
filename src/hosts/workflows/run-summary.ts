/**
 * A live run as `wippy ps` and the status stream show it: the run view's facts (what it
 * waits for, on its workflow clock) plus what only the engine knows (busy, blocked, old code,
 * loaded). The row type and the wait texts live in `history/run-view.ts`, shared with the
 * offline readers.
 */
import {type RunSummary, attrsFields, cancelNote, describeWait, waitOf} from '../../history/run-view.js'
import {formatDurationMs} from '../../time/duration.js'
import type {WorkflowRun} from './run.js'

export type {RunSummary} from '../../history/run-view.js'

export function summarizeRun(run: WorkflowRun, extra: {pending?: string[]; retryAt?: number} = {}): RunSummary {
  const cancel = run.open ? run.outstanding.cancelRequested : undefined
  const blocked = run.open && run.status === 'blocked'
  const notes = [
    ...(run.oldCode && run.open
      ? [
          `on old code${run.oldCode.forkCommand ? `: restart it on the new code with \`${run.oldCode.forkCommand}\`` : ''}`,
        ]
      : []),
    ...(cancel ? [cancelNote(cancel.from)] : []),
    ...(blocked && extra.retryAt !== undefined
      ? [`host fault; retrying in ${formatDurationMs(Math.max(0, extra.retryAt - Date.now()))}`]
      : []),
    // Children waiting for a worker on their task queue (pending-children.ts).
    ...(extra.pending ?? []),
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
    ...attrsFields(run.outstanding),
    ...(run.open && run.status !== 'blocked'
      ? {waiting: run.busy ? 'running' : describeWait(waitOf(run.outstanding, run.now()))}
      : {}),
  }
}
