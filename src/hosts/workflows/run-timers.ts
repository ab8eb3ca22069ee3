/**
 * Real-time timers behind workflow timers. A timer's fire time is on the run's workflow
 * clock (real time plus skips), so after a time skip every timer of the run is re-armed.
 * Timers due while the engine was down fire at once on recovery.
 */
import type {EventOf} from '../../history/events.js'
import type {WorkflowRun} from './run.js'

/** The seq the run's execution/run timeout is armed under (no event has seq 0). */
export const DEADLINE_SEQ = 0

/** When a run times out on its workflow clock (`workflow.execution_timeout` / `run_timeout`). */
export interface Deadline {
  at: number
  ms: number
  timeout: 'execution' | 'run'
}

/** The deadline its WorkflowStarted sets, if any. */
export function deadlineOf(started: EventOf<'WorkflowStarted'>): Deadline | undefined {
  const {executionTimeoutMs: e, runTimeoutMs: r, ts} = started
  if (!e && !r) return undefined
  const timeout = r && (!e || r < e) ? 'run' : 'execution'
  const ms = (timeout === 'run' ? r : e)!
  return {at: ts + ms, ms, timeout}
}

/** setTimeout's limit (~24.8 days); longer waits re-arm in steps. */
const MAX_DELAY = 2 ** 31 - 1

export class RunTimers {
  private readonly handles = new Map<WorkflowRun, Map<number, NodeJS.Timeout>>()
  /** Kept from the run's WorkflowStarted: an evicted run holds no events. */
  private readonly deadlines = new WeakMap<WorkflowRun, Deadline>()

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
    const started = run.events[0] as EventOf<'WorkflowStarted'> | undefined
    const known = started ? deadlineOf(started) : undefined
    if (known) this.deadlines.set(run, known)
    const deadline = this.deadline(run)
    if (deadline && run.open) this.arm(run, DEADLINE_SEQ, deadline.at)
  }

  /** The run's deadline, if it has one. */
  deadline(run: WorkflowRun): Deadline | undefined {
    return this.deadlines.get(run)
  }

  clearRun(run: WorkflowRun): void {
    for (const handle of this.handles.get(run)?.values() ?? []) clearTimeout(handle)
    this.handles.delete(run)
  }

  clear(): void {
    for (const run of [...this.handles.keys()]) this.clearRun(run)
  }
}
