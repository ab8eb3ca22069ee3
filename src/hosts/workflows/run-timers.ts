/**
 * Real-time timers behind workflow timers. A timer's fire time is on the run's workflow
 * clock (real time plus skips), so after a time skip every timer of the run is re-armed.
 * Timers due while the engine was down fire at once on recovery.
 */
import type {WorkflowRun} from './run.js'

/** The seq the run's execution/run timeout is armed under (no event has seq 0). */
export const DEADLINE_SEQ = 0

/** When the run times out on its workflow clock (`workflow.execution_timeout` / `run_timeout`), if ever. */
export function deadlineOf(run: WorkflowRun): {at: number; timeout: 'execution' | 'run'; ms: number} | undefined {
  const {executionTimeoutMs: e, runTimeoutMs: r, ts} = run.started
  if (!e && !r) return undefined
  const timeout = r && (!e || r < e) ? 'run' : 'execution'
  const ms = (timeout === 'run' ? r : e)!
  return {at: ts + ms, ms, timeout}
}

/** setTimeout's limit (~24.8 days); longer waits re-arm in steps. */
const MAX_DELAY = 2 ** 31 - 1

export class RunTimers {
  private readonly handles = new Map<WorkflowRun, Map<number, NodeJS.Timeout>>()

  constructor(private readonly fire: (run: WorkflowRun, seq: number) => void) {}

  arm(run: WorkflowRun, seq: number, fireAt: number): void {
    this.disarm(run, seq)
    const delay = Math.max(0, fireAt - run.now())
    const handle = setTimeout(
      () => {
        this.handles.get(run)?.delete(seq)
        if (fireAt - run.now() > 0) this.arm(run, seq, fireAt)
        else this.fire(run, seq)
      },
      Math.min(delay, MAX_DELAY),
    )
    let byRun = this.handles.get(run)
    if (!byRun) {
      byRun = new Map()
      this.handles.set(run, byRun)
    }
    byRun.set(seq, handle)
  }

  disarm(run: WorkflowRun, seq: number): void {
    const byRun = this.handles.get(run)
    const handle = byRun?.get(seq)
    if (handle) clearTimeout(handle)
    byRun?.delete(seq)
  }

  /** Re-arms every pending timer of the run against its (moved) clock; its deadline first. */
  rearm(run: WorkflowRun): void {
    this.armDeadline(run)
    for (const [seq, fireAt] of run.outstanding.timers) this.arm(run, seq, fireAt)
  }

  /** Arms the run's execution/run timeout, if it has one (fired as DEADLINE_SEQ). */
  armDeadline(run: WorkflowRun): void {
    const deadline = run.open ? deadlineOf(run) : undefined
    if (deadline) this.arm(run, DEADLINE_SEQ, deadline.at)
  }

  clearRun(run: WorkflowRun): void {
    for (const handle of this.handles.get(run)?.values() ?? []) clearTimeout(handle)
    this.handles.delete(run)
  }

  clear(): void {
    for (const run of [...this.handles.keys()]) this.clearRun(run)
  }
}
