/**
 * The per-run history cap. A run that outgrows it is ended (WorkflowTerminated with the
 * reason) instead of growing without bound: `while true do time.sleep("1ms") end` or a step
 * that issues 200k commands stops at the cap, and its history stays replayable.
 *
 * Defaults follow Temporal: warn at 10k events, end the run at 50k events or 50 MiB.
 * `WIPPY_HISTORY_WARN_EVENTS`, `WIPPY_HISTORY_MAX_EVENTS` and `WIPPY_HISTORY_MAX_BYTES` override them.
 */
import {WippyError} from '../errors.js'

export interface HistoryLimits {
  /** Events after which the run's log gets one warning. */
  warnEvents: number
  /** Events a history may hold, its closing event included. */
  maxEvents: number
  /** Bytes a history file may hold. */
  maxBytes: number
}

export const DEFAULT_HISTORY_LIMITS: Readonly<HistoryLimits> = {
  maxBytes: 50 * 1024 * 1024,
  maxEvents: 50_000,
  warnEvents: 10_000,
}

/** The limits, with overrides from the environment (positive integers; anything else is ignored). */
export function historyLimitsFromEnv(env: Record<string, string | undefined>): HistoryLimits {
  const num = (name: string, fallback: number): number => {
    const n = Number(env[name])
    return Number.isSafeInteger(n) && n > 0 ? n : fallback
  }
  const maxEvents = num('WIPPY_HISTORY_MAX_EVENTS', DEFAULT_HISTORY_LIMITS.maxEvents)
  return {
    maxBytes: num('WIPPY_HISTORY_MAX_BYTES', DEFAULT_HISTORY_LIMITS.maxBytes),
    maxEvents,
    warnEvents: Math.min(num('WIPPY_HISTORY_WARN_EVENTS', DEFAULT_HISTORY_LIMITS.warnEvents), maxEvents),
  }
}

/** What a run ended at the cap records as its reason. */
export function capReason(limits: HistoryLimits): string {
  return (
    `history limit reached: the run would grow past ${limits.maxEvents} events or ${limits.maxBytes} bytes, so it is ended. ` +
    'Continue long work in a new run (a child workflow, or a fresh spawn with the state so far), or raise WIPPY_HISTORY_MAX_EVENTS / WIPPY_HISTORY_MAX_BYTES.'
  )
}

/** Thrown by an append that would take a history past its cap; nothing of it was written. */
export class HistoryLimitError extends WippyError {}

export function historyLimitError(runKey: string, what: string): HistoryLimitError {
  return new HistoryLimitError('WIPPY_HISTORY_LIMIT', `History ${runKey} would grow past ${what}.`, {
    hint: 'Continue long work in a new run, or raise WIPPY_HISTORY_MAX_EVENTS / WIPPY_HISTORY_MAX_BYTES.',
  })
}
