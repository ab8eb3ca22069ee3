/**
 * Temporal's ParentClosePolicy: when a workflow closes (however: completed, failed, cancelled,
 * terminated, timed out), each child it started that is still open is terminated (the
 * default), asked to cancel (REQUEST_CANCEL), or left alone (ABANDON), as the child's spawner
 * asked with `workflow.parent_close_policy` (recorded in the child's WorkflowStarted). Applied
 * again at recovery for a parent that closed just before a crash: a closed child is skipped.
 */
import type {EventOf, HistoryEvent} from '../../history/events.js'
import type {WorkflowRun} from './run.js'

export interface ParentCloseHost {
  exactRun(pid: string): WorkflowRun | undefined
  /** The run's history (read from disk when it is evicted). */
  history(pid: string): Promise<HistoryEvent[]>
  terminate(pid: string, reason: string): Promise<void>
  /** From code: a blocked child has the cancel queued. */
  cancel(pid: string, reason: string, from: string, queueIfBlocked: boolean): Promise<void>
  warn(pid: string, message: string): void
}

/** The PIDs of the children `events` started and has no outcome of. */
export function openChildrenOf(events: readonly HistoryEvent[]): string[] {
  const done = new Set(events.flatMap((e) => (e.type === 'ChildWorkflowCompleted' ? [e.started] : [])))
  return events.flatMap((e) => (e.type === 'ChildWorkflowStarted' && !e.error && !done.has(e.seq) ? [e.childPid] : []))
}

export async function applyParentClose(host: ParentCloseHost, parent: WorkflowRun): Promise<void> {
  const parentPid = parent.identity.pid
  for (const pid of new Set(openChildrenOf(parent.events))) {
    const child = host.exactRun(pid)
    if (!child?.open) continue
    try {
      const started = (await host.history(child.identity.pid))[0] as EventOf<'WorkflowStarted'> | undefined
      // Only its own children: a use-existing start may have named another workflow's run.
      if (started?.parent?.pid !== parentPid || !child.open) continue
      const policy = started.parentClosePolicy ?? 'terminate'
      const reason = `parent ${parentPid} closed (parent close policy ${policy})`
      if (policy === 'terminate') await host.terminate(child.identity.pid, reason)
      else if (policy === 'request_cancel') await host.cancel(child.identity.pid, reason, parentPid, true)
    } catch (error) {
      host.warn(parentPid, `parent close policy not applied to ${pid}: ${(error as Error).message}`)
    }
  }
}
