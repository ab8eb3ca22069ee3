/**
 * Finds runs by what users type: a full PID, a workflow ID, or a unique prefix of either
 * (like git and docker do). The newest run wins when a workflow ID was reused.
 */
import {WippyError} from '../../errors.js'
import type {WorkflowRun} from './run.js'

export class RunDirectory {
  private readonly runs: WorkflowRun[] = []

  add(run: WorkflowRun): void {
    this.runs.push(run)
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

  /** @throws WippyError WIPPY_PID_UNKNOWN or WIPPY_PID_AMBIGUOUS */
  resolve(query: string): WorkflowRun {
    const q = query.trim()
    const exact = this.runs.findLast((r) => r.identity.pid === q || r.identity.workflowId === q || r.identity.runKey === q)
    if (exact) return exact
    const matches = new Map<string, WorkflowRun>()
    for (const r of this.runs) {
      if (r.identity.workflowId.startsWith(q) || r.identity.pid.startsWith(q)) matches.set(r.identity.workflowId, r)
    }
    if (matches.size === 1) return this.latestByWorkflowId([...matches.keys()][0]!)!
    if (matches.size > 1) {
      const ids = [...matches.keys()].slice(0, 5).join(', ')
      throw new WippyError('WIPPY_PID_AMBIGUOUS', `"${q}" matches ${matches.size} workflows: ${ids}${matches.size > 5 ? ', ...' : ''}.`, {
        hint: 'Type more characters of the workflow ID.',
      })
    }
    throw new WippyError('WIPPY_PID_UNKNOWN', `No workflow matches "${q}".`, {
      hint: 'List workflows with `wippy ps --all`; a PID, a workflow ID or a unique prefix of one works.',
    })
  }
}
