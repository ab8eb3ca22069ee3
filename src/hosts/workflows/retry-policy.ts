/**
 * Activity retry policy, with Temporal's semantics and defaults (the platform sets none,
 * so the Temporal server default applies): initial interval 1 s, coefficient 2, maximum
 * interval 100× the initial one, unlimited attempts. An error with `retryable = false`, or
 * whose kind is listed in `non_retryable_error_types`, fails at once.
 *
 * Option numbers are milliseconds (as on the platform); Go duration strings are accepted too.
 */
import {parseDurationMs} from '../../time/duration.js'
import {activityOptionName, UNIMPLEMENTED_ACTIVITY_OPTIONS} from '../../registry/option-support.js'
import type {LuaErrorValue} from '../../lua/types.js'

export interface RetryPolicy {
  backoffCoefficient: number
  initialIntervalMs: number
  /** 0 = unlimited. */
  maximumAttempts: number
  maximumIntervalMs: number
  nonRetryableErrorTypes: string[]
}

export interface ActivityOptions {
  retry: RetryPolicy
  /** `schedule_to_close_timeout`: all attempts and the waits between them (ms); 0 = none. */
  scheduleToCloseTimeoutMs: number
  /** 0 = none. */
  startToCloseTimeoutMs: number
}

const DEFAULT_START_TO_CLOSE_MS = 10 * 60 * 1000

/**
 * Merges the function entry's `meta.options` with the call's `with_options{}`; both may
 * use the `activity.` / `temporal.activity.` prefixes or nest under `retry_policy`.
 */
export function activityOptions(...layers: Array<Record<string, unknown> | undefined>): ActivityOptions {
  const flat: Record<string, unknown> = {}
  for (const layer of layers) {
    if (!layer) continue
    for (const [key, value] of Object.entries(layer)) flat[key.replace(/^(temporal\.)?activity\./, '')] = value
  }
  const rp = (typeof flat.retry_policy === 'object' && flat.retry_policy !== null ? flat.retry_policy : {}) as Record<
    string,
    unknown
  >
  const initial = ms(rp.initial_interval) ?? 1000
  return {
    retry: {
      backoffCoefficient: num(rp.backoff_coefficient) ?? 2,
      initialIntervalMs: initial,
      maximumAttempts: num(rp.maximum_attempts) ?? 0,
      maximumIntervalMs: ms(rp.maximum_interval) ?? initial * 100,
      nonRetryableErrorTypes: Array.isArray(rp.non_retryable_error_types)
        ? rp.non_retryable_error_types.map(String)
        : [],
    },
    scheduleToCloseTimeoutMs: ms(flat.schedule_to_close_timeout) ?? 0,
    startToCloseTimeoutMs: ms(flat.start_to_close_timeout) ?? ms(flat.timeout) ?? DEFAULT_START_TO_CLOSE_MS,
  }
}

/**
 * The options given (as `activity.X` / `temporal.activity.X`, as the platform reads them) that
 * the local engine does not honour, as `activity.X`, each once.
 */
export function unsupportedActivityOptions(...layers: Array<Record<string, unknown> | undefined>): string[] {
  const out = new Set<string>()
  for (const layer of layers)
    for (const key of Object.keys(layer ?? {})) {
      const name = activityOptionName(key)
      if (name !== key && UNIMPLEMENTED_ACTIVITY_OPTIONS.includes(name)) out.add(`activity.${name}`)
    }
  return [...out]
}

/** Delay before the next attempt, or undefined when this failure is final. */
export function nextRetryDelay(policy: RetryPolicy, attempt: number, error: LuaErrorValue): number | undefined {
  if (error.retryable === false) return undefined
  if (error.kind && policy.nonRetryableErrorTypes.includes(error.kind)) return undefined
  if (policy.maximumAttempts > 0 && attempt >= policy.maximumAttempts) return undefined
  const delay = policy.initialIntervalMs * policy.backoffCoefficient ** (attempt - 1)
  return Math.min(delay, policy.maximumIntervalMs)
}

function num(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined
}

function ms(v: unknown): number | undefined {
  if (typeof v === 'number' && Number.isFinite(v)) return v
  if (typeof v === 'string') return parseDurationMs(v)
  return undefined
}
