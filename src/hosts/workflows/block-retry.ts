/**
 * Retries runs blocked by a host fault (EMFILE, ENOSPC, the wasm heap running out...) with
 * exponential backoff, like Temporal retries a failed workflow task: the run is reloaded from
 * its history file, so nothing that was not durable is trusted. A run that loads again is
 * forgotten here; one that fails again is scheduled with twice the delay (up to `maxMs`).
 */
import type {WorkflowRun} from './run.js'

export interface BlockRetryOptions {
  /** First delay, ms (default 500). */
  initialMs?: number
  /** Longest delay, ms (default 30 s). */
  maxMs?: number
}

export class BlockRetry {
  private readonly pending = new Map<WorkflowRun, {attempt: number; at: number; timer?: NodeJS.Timeout}>()
  private readonly initialMs: number
  private readonly maxMs: number

  constructor(
    options: BlockRetryOptions,
    private readonly retry: (run: WorkflowRun) => Promise<void>,
  ) {
    this.initialMs = options.initialMs ?? 500
    this.maxMs = options.maxMs ?? 30_000
  }

  /** Schedules the next attempt for a run that just failed; returns when it will run (ms epoch). */
  schedule(run: WorkflowRun): number {
    const entry = this.pending.get(run) ?? {attempt: 0, at: 0}
    if (entry.timer) clearTimeout(entry.timer)
    const delay = Math.min(this.maxMs, this.initialMs * 2 ** entry.attempt)
    entry.attempt++
    entry.at = Date.now() + delay
    entry.timer = setTimeout(() => {
      entry.timer = undefined
      void this.retry(run)
    }, delay)
    entry.timer.unref?.()
    this.pending.set(run, entry)
    return entry.at
  }

  /** When the next attempt runs, if one is scheduled. */
  nextAt(run: WorkflowRun): number | undefined {
    const entry = this.pending.get(run)
    return entry?.timer ? entry.at : undefined
  }

  /** The run loaded (or closed): its backoff starts over next time. */
  forget(run: WorkflowRun): void {
    const entry = this.pending.get(run)
    if (entry?.timer) clearTimeout(entry.timer)
    this.pending.delete(run)
  }

  clear(): void {
    for (const entry of this.pending.values()) if (entry.timer) clearTimeout(entry.timer)
    this.pending.clear()
  }
}
