/**
 * Drops the VM of a run that has waited `idleMs` with nothing running (blocked on a timer,
 * a signal or a child): an idle workflow must not hold a Lua VM in memory. The run is
 * rebuilt by replay when something wakes it.
 *
 * At most `maxIdle` idle runs keep their VM meanwhile: past that, the one idle the longest
 * is dropped at once. A burst of spawns would otherwise hold a VM (~350 KB of wasm memory,
 * which never shrinks) for every run started within `idleMs`.
 */
import type {WorkflowRun} from './run.js'

export class IdleEvictor {
  private readonly timers = new Map<WorkflowRun, NodeJS.Timeout>()

  constructor(
    private readonly idleMs: number,
    /** Called inside the run's queue once it is still idle; releases what the host holds. */
    private readonly evict: (run: WorkflowRun) => Promise<void>,
    private readonly maxIdle = 64,
  ) {}

  /** (Re)starts the idle countdown of a loaded, open run with no activity running. */
  schedule(run: WorkflowRun): void {
    this.cancel(run)
    if (!isIdle(run)) return
    const timer = setTimeout(() => this.evictNow(run), this.idleMs)
    timer.unref()
    this.timers.set(run, timer)
    // (a Map keeps insertion order: the first key has been idle the longest)
    if (this.timers.size > this.maxIdle) this.evictNow(this.timers.keys().next().value!)
  }

  private evictNow(run: WorkflowRun): void {
    clearTimeout(this.timers.get(run))
    this.timers.delete(run)
    void run.serial(async () => {
      if (isIdle(run)) await this.evict(run)
    })
  }

  cancel(run: WorkflowRun): void {
    clearTimeout(this.timers.get(run))
    this.timers.delete(run)
  }

  clear(): void {
    for (const timer of this.timers.values()) clearTimeout(timer)
    this.timers.clear()
  }
}

function isIdle(run: WorkflowRun): boolean {
  return run.loaded && run.open && run.holds === 0 && run.outstanding.activities.size === 0
}
