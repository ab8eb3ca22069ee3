/**
 * Runs activities (`funcs.call` / `funcs.async` from workflow code) with their retry
 * policy, and hands the final outcome back to the run.
 *
 * At-least-once: an activity whose result was not yet durable when the engine died is run
 * again on recovery. Each attempt gets the same idempotency key, `<workflow id>:<seq>`, in
 * its context (`ctx.get("idempotency_key")`), so functions can make repeats harmless.
 */
import type {EventOf, NewHistoryEvent} from '../../history/events.js'
import type {LuaErrorValue} from '../../lua/types.js'
import {activityOptions, nextRetryDelay, unsupportedActivityOptions} from './retry-policy.js'
import {contextOf} from '../start-options.js'
import type {WorkflowRun} from './run.js'

export interface ActivityRequest {
  args: unknown[]
  attempt: number
  context: Record<string, unknown>
  entry: string
  timeoutMs: number
}

export interface ActivityExecutor {
  /** Runs the function once. Never throws: failures come back as `error`. */
  execute(request: ActivityRequest): Promise<{error?: LuaErrorValue; value?: unknown}>
  /** The function entry's `meta.options` (merged under the call's options). */
  defaultOptions(entry: string): Record<string, unknown> | undefined
  /** Called on each retry (for the status stream / log). */
  onRetry?(run: WorkflowRun, entry: string, attempt: number, delayMs: number, error: LuaErrorValue): void
}

/** Records a Warning (an option not honoured here) in a run's history and the dev log. */
export type WarningSink = (run: WorkflowRun, option: string, message: string) => void

export class ActivityScheduler {
  /** Runs whose result is still wanted: run → scheduled seqs in flight. */
  private readonly inFlight = new Map<WorkflowRun, Set<number>>()
  private readonly retryTimers = new Set<NodeJS.Timeout>()
  /** The options each run was warned about already: once per run and option. */
  private readonly warned = new WeakMap<WorkflowRun, Set<string>>()
  private stopped = false

  constructor(
    private readonly executor: ActivityExecutor,
    private readonly deliver: (run: WorkflowRun, event: NewHistoryEvent) => Promise<void>,
    private readonly warn?: WarningSink,
  ) {}

  start(run: WorkflowRun, event: EventOf<'ActivityScheduled'>): void {
    let set = this.inFlight.get(run)
    if (!set) {
      set = new Set()
      this.inFlight.set(run, set)
    }
    if (set.has(event.seq)) return
    set.add(event.seq)
    const defaults = this.executor.defaultOptions(event.entry)
    const options = activityOptions(defaults, event.options)
    this.warnUnsupported(run, event.entry, unsupportedActivityOptions(defaults, event.options))
    // The run's context (from its spawner), then the call's own `with_context`, then ours.
    const context = {
      ...run.started.context,
      ...contextOf(event.options),
      idempotency_key: `${run.identity.workflowId}:${event.seq}`,
      workflow_id: run.identity.workflowId,
    }
    // schedule_to_close_timeout bounds every attempt and wait, in real time from now.
    const closeBy = options.scheduleToCloseTimeoutMs > 0 ? Date.now() + options.scheduleToCloseTimeoutMs : Infinity
    const attemptOnce = async (attempt: number): Promise<void> => {
      if (!this.wanted(run, event.seq)) return
      const left = closeBy - Date.now()
      const outcome = await this.executor.execute({
        args: event.args,
        attempt,
        context,
        entry: event.entry,
        timeoutMs: attemptTimeout(options.startToCloseTimeoutMs, left),
      })
      if (!this.wanted(run, event.seq)) return
      if (!outcome.error) {
        this.done(run, event.seq)
        await this.deliver(run, {
          attempts: attempt,
          result: outcome.value ?? null,
          scheduled: event.seq,
          ts: run.now(),
          type: 'ActivityCompleted',
        })
        return
      }
      const retryIn = nextRetryDelay(options.retry, attempt, outcome.error)
      const closed = retryIn !== undefined && Date.now() + retryIn >= closeBy
      const delay = closed ? undefined : retryIn
      if (delay === undefined) {
        this.done(run, event.seq)
        const error = closed
          ? {
              kind: 'Timeout',
              message: `activity schedule_to_close_timeout (${options.scheduleToCloseTimeoutMs} ms) passed; last error: ${String(outcome.error.message ?? 'error')}`,
              retryable: false,
            }
          : outcome.error
        await this.deliver(run, {
          attempts: attempt,
          error: recordedError(error),
          scheduled: event.seq,
          ts: run.now(),
          type: 'ActivityFailed',
        })
        return
      }
      this.executor.onRetry?.(run, event.entry, attempt, delay, outcome.error)
      const t = setTimeout(() => {
        this.retryTimers.delete(t)
        void attemptOnce(attempt + 1)
      }, delay)
      this.retryTimers.add(t)
    }
    void attemptOnce(1)
  }

  /** A Warning for each option not honoured here, unless the run has one for it (its history included). */
  private warnUnsupported(run: WorkflowRun, entry: string, keys: string[]): void {
    if (!this.warn || keys.length === 0) return
    let done = this.warned.get(run)
    if (!done) {
      done = new Set(run.events.flatMap((e) => (e.type === 'Warning' ? [e.option] : [])))
      this.warned.set(run, done)
    }
    for (const key of keys) {
      if (done.has(key)) continue
      done.add(key)
      this.warn(
        run,
        key,
        `${key} (activity ${entry}) is not honoured by the local engine; the activity runs without it`,
      )
    }
  }

  /** The run no longer wants this result (cancelled); a late result is dropped. */
  abandon(run: WorkflowRun, seq: number): void {
    this.done(run, seq)
  }

  abandonRun(run: WorkflowRun): void {
    this.inFlight.delete(run)
  }

  stop(): void {
    this.stopped = true
    for (const t of this.retryTimers) clearTimeout(t)
    this.retryTimers.clear()
    this.inFlight.clear()
  }

  private wanted(run: WorkflowRun, seq: number): boolean {
    return !this.stopped && (this.inFlight.get(run)?.has(seq) ?? false)
  }

  private done(run: WorkflowRun, seq: number): void {
    this.inFlight.get(run)?.delete(seq)
  }
}

/** An attempt's timeout: start_to_close (0 = none), cut to what schedule_to_close leaves. */
function attemptTimeout(startToCloseMs: number, leftMs: number): number {
  if (leftMs === Infinity) return startToCloseMs
  return Math.max(1, Math.min(startToCloseMs || Infinity, leftMs))
}

function recordedError(e: LuaErrorValue): {message: string; kind?: string; retryable?: boolean; details?: unknown} {
  return {
    message: String(e.message ?? 'error'),
    ...(e.kind === undefined ? {} : {kind: e.kind}),
    ...(e.retryable === undefined ? {} : {retryable: e.retryable}),
    ...(e.details === undefined ? {} : {details: e.details}),
  }
}
