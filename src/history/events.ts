/**
 * Workflow history events: the on-disk contract (one JSON object per line, see
 * `store.ts`). The kinds mirror Temporal's commands and events so that a Temporal host
 * can later run the same Lua code: activity, timer, side effect, signal, child workflow,
 * cancel, marker, search attributes and memo.
 *
 * Each event plays one or two roles during replay (see {@link EVENT_ROLES}):
 * - `command`: issued by the Lua code (ActivityScheduled, TimerStarted, ...). Replay
 *   compares each command the code issues with the next recorded one.
 * - `delivery`: handed to the Lua code (ActivityCompleted, TimerFired, SignalReceived, ...).
 *   Replay hands them back in the recorded order.
 * - a side effect is both: the command and its recorded result in one event.
 * - `meta`: neither (TimeSkipped, Warning); it only informs the engine or the reader.
 *
 * Values (`input`, `args`, `result`, `payload`, `value`, `context`, error `details`) are
 * whatever the Lua codec produced, BigInt, NaN and -0 included. On disk, a line holding one
 * has `"typed":true` and typed forms (`value-forms.ts`); lines without the flag are plain
 * JSON, so histories written before the forms read unchanged (no format bump needed).
 *
 * Changing a field's meaning is a format change: bump {@link HISTORY_FORMAT}.
 */
import {z} from 'zod'

export const HISTORY_FORMAT = 1

/** A Wippy error as recorded: what Lua's `errors` object carries. */
export const RecordedError = z.object({
  details: z.unknown().optional(),
  kind: z.string().optional(),
  message: z.string(),
  retryable: z.boolean().optional(),
  traceback: z.string().optional(),
})
export type RecordedError = z.infer<typeof RecordedError>

const base = {
  seq: z.number().int().positive(),
  /** Workflow clock, ms since the epoch (real time plus any skips). */
  ts: z.number(),
}

/** The Lua `file:line` that issued a command, when known. */
const where = z.string().optional()

export const WorkflowStarted = z.object({
  ...base,
  type: z.literal('WorkflowStarted'),
  format: z.literal(HISTORY_FORMAT),
  workflowId: z.string(),
  runId: z.string(),
  pid: z.string(),
  entry: z.string(),
  host: z.string(),
  input: z.array(z.unknown()),
  /** sha256 of the workflow's Lua source (after dialect stripping) when the run started. */
  codeHash: z.string(),
  /** Seed of the sandbox's `math.random`. */
  seed: z.number().int(),
  parent: z.object({pid: z.string(), seq: z.number().int()}).optional(),
  /** Values from the spawner's `with_context` (Temporal: headers): the run's `ctx`, handed on to its activities and children. */
  context: z.record(z.string(), z.unknown()).optional(),
  forkedFrom: z.object({pid: z.string(), at: z.number().int()}).optional(),
  /** `workflow.memo`: the spawner's non-indexed values, recorded as given. */
  memo: z.record(z.string(), z.unknown()).optional(),
  /** `workflow.search_attributes` at start (later upserts are events of their own). */
  searchAttributes: z.record(z.string(), z.unknown()).optional(),
  /** `workflow.execution_timeout` (ms): the run times out when its clock passes `ts` plus this. */
  executionTimeoutMs: z.number().nonnegative().optional(),
  /** `workflow.run_timeout` (ms): as execution_timeout (one run per execution here). */
  runTimeoutMs: z.number().nonnegative().optional(),
  /** `workflow.parent_close_policy` of a child: `terminate` (the default), `request_cancel`, `abandon`. */
  parentClosePolicy: z.string().optional(),
  /** Set on a run started by `process.upgrade` (continue-as-new): the run ID of the run it continues. */
  continuedFrom: z.string().optional(),
})

export const ActivityScheduled = z.object({
  ...base,
  type: z.literal('ActivityScheduled'),
  entry: z.string(),
  args: z.array(z.unknown()),
  options: z.record(z.string(), z.unknown()).optional(),
  /** `funcs.async` schedules without waiting. */
  async: z.boolean().optional(),
  where,
})
export const ActivityCompleted = z.object({
  ...base,
  type: z.literal('ActivityCompleted'),
  scheduled: z.number().int(),
  result: z.unknown(),
  attempts: z.number().int().positive(),
})
export const ActivityFailed = z.object({
  ...base,
  type: z.literal('ActivityFailed'),
  scheduled: z.number().int(),
  error: RecordedError,
  attempts: z.number().int().positive(),
})
export const ActivityCancelRequested = z.object({
  ...base,
  type: z.literal('ActivityCancelRequested'),
  scheduled: z.number().int(),
  where,
})

export const TimerStarted = z.object({
  ...base,
  type: z.literal('TimerStarted'),
  durationMs: z.number(),
  /** Workflow-clock time at which the timer fires. */
  fireAt: z.number(),
  where,
})
export const TimerFired = z.object({...base, type: z.literal('TimerFired'), started: z.number().int()})
export const TimerCancelled = z.object({...base, type: z.literal('TimerCancelled'), started: z.number().int(), where})

export const SideEffect = z.object({
  ...base,
  type: z.literal('SideEffect'),
  /** The Lua operation, e.g. `time.now`, `uuid.v4`. */
  op: z.string(),
  value: z.unknown(),
  where,
})

export const SignalReceived = z.object({
  ...base,
  type: z.literal('SignalReceived'),
  topic: z.string(),
  payload: z.array(z.unknown()),
  from: z.string(),
  /** Set when the sender was a workflow (`<sender workflow id>:<seq>`): a re-sent signal is dropped. */
  signalId: z.string().optional(),
  /**
   * Recorded while no code ran (an offline \`wippy signal\`, a delivery to a blocked run): the code
   * had not seen it when later events were written. Replay hands it over like any delivery, but
   * commands the code issues in answer may follow it in the history (see \`replay-cursor.ts\`).
   */
  queued: z.boolean().optional(),
})
export const SignalSent = z.object({
  ...base,
  type: z.literal('SignalSent'),
  target: z.string(),
  topic: z.string(),
  payload: z.array(z.unknown()),
  /** Set when the target could not be reached (recorded so replay returns the same error). */
  error: RecordedError.optional(),
  where,
})

export const ChildWorkflowStarted = z.object({
  ...base,
  type: z.literal('ChildWorkflowStarted'),
  entry: z.string(),
  host: z.string(),
  childPid: z.string(),
  input: z.array(z.unknown()),
  /** `process.exec`/`workflow.exec` wait for the result; `spawn` gets an EXIT event. */
  wait: z.boolean().optional(),
  error: RecordedError.optional(),
  where,
})
export const ChildWorkflowCompleted = z.object({
  ...base,
  type: z.literal('ChildWorkflowCompleted'),
  started: z.number().int(),
  childPid: z.string(),
  result: z.unknown().optional(),
  error: RecordedError.optional(),
  /** See SignalReceived.queued. */
  queued: z.boolean().optional(),
})

export const CancelRequested = z.object({
  ...base,
  type: z.literal('CancelRequested'),
  reason: z.string().optional(),
  from: z.string().optional(),
  /** See SignalReceived.queued. */
  queued: z.boolean().optional(),
})

export const MarkerRecorded = z.object({
  ...base,
  type: z.literal('MarkerRecorded'),
  name: z.string(),
  value: z.unknown(),
  where,
})

/**
 * `workflow.attrs{search=, memo=}` (Temporal: UpsertWorkflowSearchAttributes, and the memo's
 * ModifyWorkflowProperties): keys merged over the run's current ones (see `run-view.ts`).
 */
export const AttributesUpserted = z.object({
  ...base,
  type: z.literal('AttributesUpserted'),
  search: z.record(z.string(), z.unknown()).optional(),
  memo: z.record(z.string(), z.unknown()).optional(),
  where,
})

export const TimeSkipped = z.object({
  ...base,
  type: z.literal('TimeSkipped'),
  byMs: z.number().nonnegative(),
})

export const WorkflowCompleted = z.object({...base, type: z.literal('WorkflowCompleted'), result: z.unknown()})
export const WorkflowFailed = z.object({...base, type: z.literal('WorkflowFailed'), error: RecordedError})
export const WorkflowCancelled = z.object({
  ...base,
  type: z.literal('WorkflowCancelled'),
  reason: z.string().optional(),
})
export const WorkflowTerminated = z.object({
  ...base,
  type: z.literal('WorkflowTerminated'),
  reason: z.string().optional(),
})

/**
 * A start or activity option the local engine does not honour (registry/option-support.ts),
 * recorded once per run and option so the history says the run did not behave as on Temporal.
 * Informational (role `meta`): replay skips it, so it changes no run's identity.
 */
export const Warning = z.object({
  ...base,
  type: z.literal('Warning'),
  /** The option's key as written, e.g. `workflow.cron_schedule`, `activity.heartbeat_timeout`. */
  option: z.string(),
  message: z.string(),
})

/** The run's clock passed its execution or run timeout (Temporal: WorkflowExecutionTimedOut). */
export const WorkflowTimedOut = z.object({
  ...base,
  type: z.literal('WorkflowTimedOut'),
  /** Which timeout: `execution` or `run`. */
  timeout: z.string(),
  reason: z.string().optional(),
})

/**
 * `process.upgrade(id|nil, ...state)` in a workflow (Temporal: ContinueAsNew): the run closes and
 * a new run of the same workflow ID (same PID) starts on `entry` with `input` as its input. The
 * new run's ID is chosen here, so a recovery that finds this event without the new run's history
 * starts it exactly once (see `hosts/workflows/run-starts.ts`).
 */
export const WorkflowContinuedAsNew = z.object({
  ...base,
  type: z.literal('WorkflowContinuedAsNew'),
  entry: z.string(),
  input: z.array(z.unknown()),
  newRunId: z.string(),
  where,
})

export const HistoryEvent = z.discriminatedUnion('type', [
  WorkflowStarted,
  ActivityScheduled,
  ActivityCompleted,
  ActivityFailed,
  ActivityCancelRequested,
  TimerStarted,
  TimerFired,
  TimerCancelled,
  SideEffect,
  SignalReceived,
  SignalSent,
  ChildWorkflowStarted,
  ChildWorkflowCompleted,
  CancelRequested,
  MarkerRecorded,
  AttributesUpserted,
  TimeSkipped,
  WorkflowCompleted,
  WorkflowFailed,
  WorkflowCancelled,
  WorkflowTerminated,
  Warning,
  WorkflowTimedOut,
  WorkflowContinuedAsNew,
])
export type HistoryEvent = z.infer<typeof HistoryEvent>
export type HistoryEventType = HistoryEvent['type']
export type EventOf<T extends HistoryEventType> = Extract<HistoryEvent, {type: T}>

/** An event before the store has given it a `seq`. */
export type NewHistoryEvent = HistoryEvent extends infer E ? (E extends HistoryEvent ? Omit<E, 'seq'> : never) : never

export type EventRole = 'command' | 'delivery' | 'meta' | 'side-effect' | 'start' | 'close'

/** The role of each event in replay; a mapped type, so a new kind cannot be forgotten. */
export const EVENT_ROLES: {[T in HistoryEventType]: EventRole} = {
  ActivityCancelRequested: 'command',
  ActivityCompleted: 'delivery',
  ActivityFailed: 'delivery',
  ActivityScheduled: 'command',
  AttributesUpserted: 'command',
  CancelRequested: 'delivery',
  ChildWorkflowCompleted: 'delivery',
  ChildWorkflowStarted: 'side-effect',
  MarkerRecorded: 'side-effect',
  SideEffect: 'side-effect',
  SignalReceived: 'delivery',
  SignalSent: 'side-effect',
  TimeSkipped: 'meta',
  TimerCancelled: 'command',
  TimerFired: 'delivery',
  TimerStarted: 'command',
  WorkflowCancelled: 'close',
  WorkflowCompleted: 'close',
  WorkflowFailed: 'close',
  WorkflowStarted: 'start',
  WorkflowTerminated: 'close',
  Warning: 'meta',
  WorkflowTimedOut: 'close',
  WorkflowContinuedAsNew: 'close',
}

export function isClosingEvent(event: HistoryEvent): boolean {
  return EVENT_ROLES[event.type] === 'close'
}
