/**
 * The engine's runs, found by what users type (a full PID, a workflow ID, or a unique prefix
 * of either, as `history/run-view.ts` resolves it; the offline readers resolve the same way).
 * The newest run wins when a workflow ID was reused (or continued as new): runs are kept in
 * start order, also when recovery reads their files in name order.
 */
import {selectRunById} from '../../history/run-select.js'
import {resolveRunQuery} from '../../history/run-view.js'
import type {WorkflowRun} from './run.js'

export class RunDirectory {
  private readonly runs: WorkflowRun[] = []

  add(run: WorkflowRun): void {
    const after = this.runs.findIndex((r) => r.startedAt > run.startedAt)
    if (after === -1) this.runs.push(run)
    else this.runs.splice(after, 0, run)
  }

  has(run: WorkflowRun): boolean {
    return this.runs.includes(run)
  }

  /** Forgets a run (its history was found damaged: it is quarantined instead). */
  remove(run: WorkflowRun): void {
    const at = this.runs.indexOf(run)
    if (at !== -1) this.runs.splice(at, 1)
  }

  all(): WorkflowRun[] {
    return [...this.runs]
  }

  /** The open run with this exact workflow ID, if any. */
  openByWorkflowId(workflowId: string): WorkflowRun | undefined {
    return this.runs.find((r) => r.open && r.identity.workflowId === workflowId)
  }

  /** The newest run (open or closed) with this exact workflow ID. */
  latestByWorkflowId(workflowId: string): WorkflowRun | undefined {
    return this.runs.findLast((r) => r.identity.workflowId === workflowId)
  }

  /** The run with this exact PID or workflow ID (no prefixes: for routing from code). */
  exact(target: string): WorkflowRun | undefined {
    return this.runs.findLast((r) => r.identity.pid === target || r.identity.workflowId === target)
  }

  /**
   * The run a PID, workflow ID, run key or unique prefix names (see `resolveRunQuery`): the
   * newest, or the one whose run ID is (or starts with) `runId` (see `selectRunById`).
   * @throws WippyError WIPPY_PID_UNKNOWN or WIPPY_PID_AMBIGUOUS
   */
  resolve(query: string, runId?: string): WorkflowRun {
    const runs = resolveRunQuery(
      this.runs.map((run) => ({...run.identity, run})),
      query,
    )
    return (runId === undefined ? runs.at(-1)! : selectRunById(runs, runId)).run
  }
}
