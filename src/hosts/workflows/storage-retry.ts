/**
 * Runs parked by a storage failure (disk full, too many open files, a read-only disk) are
 * tried again in the background, so a run waiting on a timer or an activity goes on by itself
 * once the disk takes writes again; a request to the run tries at once as well. One timer per
 * run; a retry that fails arms the next one.
 */
import type {WorkflowRun} from './run.js'

export class StorageRetry {
  private readonly timers = new Map<WorkflowRun, {at: number; timer: NodeJS.Timeout}>()
  /** Parked runs whose parking was logged (once per outage, not per retry). */
  private readonly announced = new Set<WorkflowRun>()

  constructor(
    private readonly delayMs: number,
    /** Reopens and reloads the run; rejects while the disk still refuses it. */
    private readonly retry: (run: WorkflowRun) => Promise<void>,
    private readonly log: (run: WorkflowRun, message: string) => void,
  ) {}

  /** Arms a retry for a parked run (no-op when one is armed). */
  park(run: WorkflowRun): void {
    if (this.timers.has(run)) return
    if (!this.announced.has(run))
      this.log(run, `run parked, retrying every ${this.delayMs} ms: ${run.problem?.message}`)
    this.announced.add(run)
    const timer = setTimeout(() => {
      this.timers.delete(run)
      if (!run.storageFailed) return
      this.retry(run).catch(() => this.park(run))
    }, this.delayMs)
    timer.unref()
    this.timers.set(run, {at: Date.now() + this.delayMs, timer})
  }

  /** When the parked run is tried next (ms epoch), for `ps`. */
  nextAt(run: WorkflowRun): number | undefined {
    return this.timers.get(run)?.at
  }

  /** The run took writes again. */
  cancel(run: WorkflowRun): void {
    clearTimeout(this.timers.get(run)?.timer)
    this.timers.delete(run)
    this.announced.delete(run)
  }

  clear(): void {
    for (const {timer} of this.timers.values()) clearTimeout(timer)
    this.timers.clear()
    this.announced.clear()
  }
}
