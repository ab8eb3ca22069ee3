/**
 * Bounds on a value before it is recorded: what enters a history must be replayable, so it is
 * checked before it is acknowledged (a signal, a spawn's input, an activity's or a workflow's
 * result), never after.
 *
 * Depth: the codec refuses tables nested deeper than {@link MAX_DEPTH} (either way). A recorded
 * value goes back into Lua inside wrappers: the deliveries list → a delivery → a `pid.exit`
 * event → its `result` → the value, so its own outermost table sits at codec depth
 * {@link WRAPPER_LEVELS}. A payload may nest {@link MAX_PAYLOAD_DEPTH} levels (its outermost table
 * is level 1): anything accepted can always be replayed.
 *
 * Size: {@link MAX_PAYLOAD_BYTES} of JSON (Temporal's payload limit is 2 MB as well).
 *
 * The walk is iterative and stops at the first limit it crosses, so a 200,000-deep array or a
 * cycle costs no stack and at most the limit's worth of work.
 */
import {WippyError} from '../errors.js'
import type {NewHistoryEvent} from './events.js'
import {MAX_DEPTH} from '../lua/vm/depth-limit.js'

/** Codec levels above a recorded value's outermost table when it is handed back to Lua. */
export const WRAPPER_LEVELS = 4
/** Nesting a payload may have (outermost table = 1); one level of slack below the codec's limit. */
export const MAX_PAYLOAD_DEPTH = MAX_DEPTH - WRAPPER_LEVELS
export const MAX_PAYLOAD_BYTES = 2 * 1024 * 1024

export interface PayloadProblem {
  kind: 'depth' | 'size'
  message: string
}

/** Why `value` can't be recorded, or undefined when it can. `what` names it ("signal payload"). */
export function payloadProblem(value: unknown, what: string): PayloadProblem | undefined {
  // A list of [value, depth of the table holding it]; the top-level list of values is depth 0.
  const stack: Array<[unknown, number]> = [[value, 0]]
  let bytes = 0
  while (stack.length > 0) {
    const [v, depth] = stack.pop()!
    bytes += scalarBytes(v)
    if (bytes > MAX_PAYLOAD_BYTES) {
      return {kind: 'size', message: `The ${what} is larger than ${MAX_PAYLOAD_BYTES / 1024 / 1024} MiB of JSON.`}
    }
    if (v === null || typeof v !== 'object' || v instanceof Date) continue
    const level = depth + 1
    if (level > MAX_PAYLOAD_DEPTH + 1) {
      return {kind: 'depth', message: `The ${what} nests deeper than ${MAX_PAYLOAD_DEPTH} levels.`}
    }
    if (Array.isArray(v)) {
      bytes += 2 + v.length
      for (let i = v.length - 1; i >= 0; i--) stack.push([v[i], level])
    } else {
      for (const [k, child] of Object.entries(v as Record<string, unknown>)) {
        bytes += k.length + 4
        stack.push([child, level])
      }
    }
  }
  return undefined
}

/**
 * Throws `WIPPY_PAYLOAD_TOO_DEEP` / `WIPPY_PAYLOAD_TOO_LARGE` when `value` can't be recorded.
 * `values` is the list a request carries (signal payload, spawn input): its own level does not count.
 */
export function checkPayload(values: unknown, what: string): void {
  const problem = payloadProblem(values, what)
  if (!problem) return
  throw new WippyError(
    problem.kind === 'depth' ? 'WIPPY_PAYLOAD_TOO_DEEP' : 'WIPPY_PAYLOAD_TOO_LARGE',
    `${problem.message} Nothing is recorded.`,
    {
      details: {maxBytes: MAX_PAYLOAD_BYTES, maxDepth: MAX_PAYLOAD_DEPTH},
      hint:
        problem.kind === 'depth'
          ? `Flatten the value: a recorded value may nest at most ${MAX_PAYLOAD_DEPTH} tables deep, and must not refer to itself.`
          : 'Send a reference (a file path, an ID) instead of the data itself.',
    },
  )
}

/** An activity result that could not be replayed (too deep, too big) fails the activity for good. */
export function boundedActivityOutcome(event: NewHistoryEvent): NewHistoryEvent {
  if (event.type !== 'ActivityCompleted') return event
  const problem = payloadProblem([event.result], 'activity result')
  if (!problem) return event
  return {
    attempts: event.attempts,
    error: {kind: 'PayloadTooLarge', message: problem.message, retryable: false},
    scheduled: event.scheduled,
    ts: event.ts,
    type: 'ActivityFailed',
  }
}

function scalarBytes(v: unknown): number {
  switch (typeof v) {
    case 'string':
      return v.length + 2
    case 'number':
    case 'bigint':
      return String(v).length
    case 'boolean':
      return 5
    default:
      return v === null || v === undefined ? 4 : 0
  }
}
