/**
 * The event schema check of the recovery reader, by hand (see the comment below for why not zod).
 */
import type {EventOf, HistoryEvent, HistoryEventType} from './events.js'

// The event schema check, by hand. It mirrors the zod schemas in `events.ts` exactly (same
// acceptance, unknown keys stripped, keys in schema order, the same first-issue message),
// because zod costs ~70 ms to import and ~7 µs an event cold: over half of
// `wippy history inspect` on a 10k-event run. The mapped types below fail to compile when
// an event kind or a field is added to `events.ts` without being added here.

/** A field check: the (possibly copied) value, or an {@link Issue} (its path relative to the value). */
type Check = (value: unknown) => unknown

class Issue {
  constructor(
    readonly path: string,
    readonly message: string,
  ) {}
}

/** Every field of an event kind, in the schema's key order. */
type Shape<E> = {[K in keyof E]-?: Check}

function received(value: unknown): string {
  if (value === null) return 'null'
  if (Array.isArray(value)) return 'array'
  if (typeof value === 'number' && !Number.isFinite(value)) return String(value)
  return typeof value
}

const expected = (what: string, value: unknown): Issue =>
  new Issue('', `Invalid input: expected ${what}, received ${received(value)}`)

const str: Check = (v) => (typeof v === 'string' ? v : expected('string', v))
const bool: Check = (v) => (typeof v === 'boolean' ? v : expected('boolean', v))
const num: Check = (v) => (typeof v === 'number' && Number.isFinite(v) ? v : expected('number', v))
const int: Check = (v) => {
  if (typeof v !== 'number' || !Number.isFinite(v)) return expected('number', v)
  if (Number.isSafeInteger(v)) return v
  if (!Number.isInteger(v)) return expected('int', v)
  return new Issue(
    '',
    v > 0
      ? `Too big: expected int to be <=${Number.MAX_SAFE_INTEGER}`
      : `Too small: expected int to be >=${Number.MIN_SAFE_INTEGER}`,
  )
}
const positiveInt: Check = (v) => {
  const n = int(v)
  return n instanceof Issue || (n as number) > 0 ? n : new Issue('', 'Too small: expected number to be >0')
}
const nonnegative: Check = (v) => {
  const n = num(v)
  return n instanceof Issue || (n as number) >= 0 ? n : new Issue('', 'Too small: expected number to be >=0')
}
/** `z.unknown()` as an object field: any value, but the key must be present. */
const unknown: Check = (v) => (v === undefined ? expected('nonoptional', v) : v)
const unknownArray: Check = (v) => (Array.isArray(v) ? v : expected('array', v))
const literal =
  (value: number): Check =>
  (v) =>
    v === value ? v : new Issue('', `Invalid input: expected ${value}`)
const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v)
const record: Check = (v) => {
  if (!isRecord(v)) return expected('record', v)
  const out: Record<string, unknown> = {}
  for (const key of Object.keys(v)) out[key] = v[key]
  return out
}
const optional =
  (check: Check): Check =>
  (v) =>
    v === undefined ? undefined : check(v)

/** A shape as parallel lists, walked in order (no `for...in` or destructuring on the hot path). */
interface Fields {
  checks: readonly Check[]
  keys: readonly string[]
}
const fieldsOf = (shape: Record<string, Check>): Fields => ({checks: Object.values(shape), keys: Object.keys(shape)})

/** Checks an object against its fields: a copy with those keys only, in their order. */
function object(fields: Fields, v: unknown): unknown {
  if (!isRecord(v)) return expected('object', v)
  const out: Record<string, unknown> = {}
  const {checks, keys} = fields
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i]!
    const value = v[key]
    const checked = checks[i]!(value)
    if (checked instanceof Issue) return new Issue(checked.path ? `${key}.${checked.path}` : key, checked.message)
    if (checked !== undefined || value !== undefined) out[key] = checked
  }
  return out
}
const nested = (shape: Record<string, Check>): Check => {
  const fields = fieldsOf(shape)
  return (v) => object(fields, v)
}

const recordedError = nested({
  details: optional(unknown),
  kind: optional(str),
  message: str,
  retryable: optional(bool),
  traceback: optional(str),
})
const where = optional(str)
const base = {seq: positiveInt, ts: num, type: str}

const SHAPES: {[T in HistoryEventType]: Shape<EventOf<T>>} = {
  WorkflowStarted: {
    ...base,
    format: literal(1),
    workflowId: str,
    runId: str,
    pid: str,
    entry: str,
    host: str,
    input: unknownArray,
    codeHash: str,
    seed: int,
    parent: optional(nested({pid: str, seq: int})),
    context: optional(record),
    forkedFrom: optional(nested({pid: str, at: int})),
    memo: optional(record),
    searchAttributes: optional(record),
    executionTimeoutMs: optional(nonnegative),
    runTimeoutMs: optional(nonnegative),
    parentClosePolicy: optional(str),
    continuedFrom: optional(str),
  },
  ActivityScheduled: {...base, entry: str, args: unknownArray, options: optional(record), async: optional(bool), where},
  ActivityCompleted: {...base, scheduled: int, result: unknown, attempts: positiveInt},
  ActivityFailed: {...base, scheduled: int, error: recordedError, attempts: positiveInt},
  ActivityCancelRequested: {...base, scheduled: int, where},
  TimerStarted: {...base, durationMs: num, fireAt: num, where},
  TimerFired: {...base, started: int},
  TimerCancelled: {...base, started: int, where},
  SideEffect: {...base, op: str, value: unknown, where},
  SignalReceived: {
    ...base,
    topic: str,
    payload: unknownArray,
    from: str,
    signalId: optional(str),
    queued: optional(bool),
  },
  SignalSent: {...base, target: str, topic: str, payload: unknownArray, error: optional(recordedError), where},
  ChildWorkflowStarted: {
    ...base,
    entry: str,
    host: str,
    childPid: str,
    input: unknownArray,
    wait: optional(bool),
    error: optional(recordedError),
    where,
  },
  ChildWorkflowCompleted: {
    ...base,
    started: int,
    childPid: str,
    result: optional(unknown),
    error: optional(recordedError),
    queued: optional(bool),
  },
  CancelRequested: {...base, reason: optional(str), from: optional(str), queued: optional(bool)},
  MarkerRecorded: {...base, name: str, value: unknown, where},
  AttributesUpserted: {...base, search: optional(record), memo: optional(record), where},
  TimeSkipped: {...base, byMs: nonnegative},
  WorkflowCompleted: {...base, result: unknown},
  WorkflowFailed: {...base, error: recordedError},
  WorkflowCancelled: {...base, reason: optional(str)},
  WorkflowTerminated: {...base, reason: optional(str)},
  Warning: {...base, option: str, message: str},
  WorkflowTimedOut: {...base, timeout: str, reason: optional(str)},
  WorkflowContinuedAsNew: {...base, entry: str, input: unknownArray, newRunId: str, where},
}
const FIELDS = Object.fromEntries(
  Object.entries(SHAPES).map(([type, shape]) => [type, fieldsOf(shape as Record<string, Check>)]),
) as Record<HistoryEventType, Fields>

/**
 * Checks parsed JSON against the history event schema (`HistoryEvent` in `events.ts`) without
 * zod: the event as zod would return it, or the first issue as `path: message`.
 */
export function validateEvent(json: unknown): HistoryEvent | string {
  if (!isRecord(json)) return `Invalid input: expected object, received ${received(json)}`
  const type = json.type
  const fields = typeof type === 'string' && Object.hasOwn(FIELDS, type) ? FIELDS[type as HistoryEventType] : undefined
  if (!fields)
    return `type: Invalid discriminator value. Expected ${Object.keys(FIELDS)
      .map((t) => `'${t}'`)
      .join(' | ')}`
  const checked = object(fields, json)
  return checked instanceof Issue
    ? `${checked.path ? checked.path + ': ' : ''}${checked.message}`
    : (checked as HistoryEvent)
}

/** Whether `type` names an event kind this version knows. */
export function isKnownEventType(type: string): boolean {
  return Object.hasOwn(FIELDS, type)
}
