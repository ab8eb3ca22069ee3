/**
 * The command catalog: every operation Lua code can yield, with its arguments, its options
 * and what it means to a host, in one place (design review §1.3).
 *
 * - {@link LuaCommandMap}: per op, a labelled args tuple (positional, as the prelude yields
 *   it: `cmd.args[0]` is the first argument) and, where the op takes any, its options.
 * - {@link decodeCommand}: validates and normalises a command once, where it leaves the VM
 *   (`program.ts`), so no host re-interprets raw arguments (the hosts used to, in seven
 *   switches that drifted apart: a negative sleep was recorded as 0 ms and replayed as -1).
 * - {@link COMMAND_KIND}: the host-independent policy of each op (recorded how, or not).
 * - {@link CommandHandlers}: a full table of handlers a host implements; a mapped type, so
 *   the compiler names the op a host forgot.
 *
 * No Node imports: this module runs inside Temporal's workflow sandbox too.
 */
import {CALL_OPTIONS, SPAWN_OPTIONS, decodeOptions} from './command-options.js'
import type {CallOptions, SpawnOptions} from './command-options.js'

export type {CallOptions, SpawnMessage, SpawnOptions} from './command-options.js'

/** Per op: the args tuple and (when the op takes options) the options type. */
export interface LuaCommandMap {
  /** Deterministic crypto (hmac, seal, open, pbkdf2, jwt); byte strings travel hex. */
  'crypto.compute': {args: [fn: string, ...args: unknown[]]}
  /** That many random bytes, as hex. */
  'crypto.random': {args: [length: number]}
  /** The variable's value, or nil. */
  'env.get': {args: [key: string]}
  /** Non-blocking: the result later resolves the Future. */
  'funcs.async': {args: [entryId: string, ...args: unknown[]]; options: CallOptions}
  'funcs.call': {args: [entryId: string, ...args: unknown[]]; options: CallOptions}
  /** Cancels the `funcs.async` with that tag; answers true. */
  'funcs.cancel': {args: [tag: number]}
  /** Also `print` (level "print"). `fields` is a table, when given. */
  'logger.log': {args: [level: string, message: string, fields?: Record<string, unknown>]}
  'process.cancel': {args: [dest: string, reason?: string]}
  /** Spawns and waits for the result. */
  'process.exec': {args: [entryId: string, host: string, ...args: unknown[]]; options: SpawnOptions}
  'process.link': {args: [dest: string]}
  /** The PID registered under the name, or NotFound. */
  'process.lookup': {args: [name: string]}
  'process.monitor': {args: [dest: string]}
  /** Name and PID are checked by the host's name registry (its error wording). */
  'process.register': {args: [name: unknown, pid?: unknown, scope?: unknown]}
  'process.send': {args: [dest: string, topic: string, ...payload: unknown[]]}
  /** `process.set_options{trap_links = ...}`. */
  'process.set_options': {args: [options: Record<string, unknown>]}
  /** Answers the new PID. */
  'process.spawn': {args: [entryId: string, host: string, ...args: unknown[]]; options: SpawnOptions}
  'process.terminate': {args: [dest: string]}
  'process.unlink': {args: [dest: string]}
  'process.unmonitor': {args: [dest: string]}
  'process.unregister': {args: [name: unknown]}
  /**
   * `process.upgrade(id|nil, ...state)`: the entry to go on with (null: the running one) and the
   * new run's input. A workflow continues as new; it never returns there.
   */
  'process.upgrade': {args: [entryId: string | null, ...state: unknown[]]}
  /** RE2 regexp compile / match, run on JS RegExp or re2js (`[fn, source, flags, subject, n]`). */
  'text.regexp': {args: [fn: string, ...args: unknown[]]}
  /** Integer nanoseconds since the epoch, as a BigInt; workflow histories record ms. */
  'time.now': {args: []}
  /** Finite and >= 0 (decoded). */
  'time.sleep': {args: [durationMs: number]}
  /** Non-blocking: fires later on the timer's channel. Finite and >= 0 (decoded). */
  'time.timer': {args: [durationMs: number]}
  /** Stops the `time.timer` with that tag; answers true. */
  'time.timer_stop': {args: [tag: number]}
  /** The zone's transition table (src/time/zones.ts), or NotFound. */
  'time.zone': {args: [name: string]}
  /** `v1`, `v4` (the default) or `v7`; other versions are refused by the host. */
  'uuid.generate': {args: [version: string]}
  /**
   * `workflow.attrs{search = {...}, memo = {...}}`: upserts the run's search attributes and memo
   * (either may be absent; the host refuses a non-table, see {@link attrsUpsertOf}); answers true.
   */
  'workflow.attrs': {args: [attrs: {memo?: unknown; search?: unknown}]}
  /** `{length, size}` of the history the code has seen so far. */
  'workflow.history': {args: []}
  /**
   * The version to run for a change (Temporal's GetVersion): `max` the first time live, -1 when
   * replaying history that predates the change, the first value for every later call.
   */
  'workflow.version': {args: [changeId: string, minVersion: number, maxVersion: number]}
}

export type LuaOp = keyof LuaCommandMap

type OptionsOf<Op extends LuaOp> = LuaCommandMap[Op] extends {options: infer O} ? O : never

/**
 * A command yielded by Lua, discriminated on `op`. `where` is the `file:line` of the user
 * code that issued it; `tag` is unique per program, and the delivery completing the
 * command carries it back.
 */
export type LuaCommand<Op extends LuaOp = LuaOp> = {
  [K in Op]: {
    args: LuaCommandMap[K]['args']
    op: K
    /** Builder options (`funcs.new():with_options{}`, spawner options), when given. */
    options?: OptionsOf<K>
    tag: number
    where?: string
  }
}[Op]

/**
 * What an op means, independent of the host. A workflow records every kind but `pure`,
 * `local`, `log` and `process-only`; a Temporal host maps each kind to one Temporal command.
 *
 * - `activity`: runs a function outside the workflow (ActivityScheduled; Temporal:
 *   ScheduleActivityTask, RequestCancelActivityTask for `funcs.cancel`).
 * - `timer`: a durable timer (TimerStarted/TimerCancelled; Temporal: StartTimer/CancelTimer).
 * - `side-effect`: a nondeterministic value, recorded and replayed (SideEffect; Temporal:
 *   a SideEffect marker or local activity).
 * - `signal-out`: a message to another workflow or process (SignalSent; Temporal:
 *   SignalExternalWorkflowExecution).
 * - `child`: starts a child (ChildWorkflowStarted; Temporal: StartChildWorkflowExecution).
 * - `cancel-out`: cancels or terminates another run (recorded as a SideEffect; Temporal:
 *   RequestCancelExternalWorkflowExecution, terminate through an activity).
 * - `marker`: a value chosen once and replayed (MarkerRecorded; Temporal: a marker, or
 *   GetVersion for versions: see hosts/workflows/change-versions.ts).
 * - `upsert`: metadata of the run the code sets, for listings (AttributesUpserted; Temporal:
 *   UpsertWorkflowSearchAttributes and ModifyWorkflowProperties for the memo).
 * - `pure`: a deterministic function of its arguments, recomputed on replay and never
 *   recorded here. On Temporal it must be recorded as a local activity or marker (or run
 *   as sandbox-safe code): the local executors depend on Node/ICU/V8, which need not be
 *   identical on every replaying worker.
 * - `local`: answered from the run's own state (deterministic, never recorded; on
 *   Temporal: from the workflow's info or a no-op).
 * - `log`: output only; skipped while replaying (Temporal: the replay-aware logger).
 * - `continue`: ends the run and starts a new run of the same workflow ID and PID with the
 *   given input (WorkflowContinuedAsNew, a closing event; Temporal: ContinueAsNew).
 * - `process-only`: meaningful in processes and functions; a workflow answers Invalid
 *   ("not supported in workflow context"), as the platform does.
 */
export type CommandKind =
  | 'activity'
  | 'cancel-out'
  | 'child'
  | 'local'
  | 'log'
  | 'marker'
  | 'process-only'
  | 'pure'
  | 'side-effect'
  | 'signal-out'
  | 'timer'
  | 'upsert'
  | 'continue'

export const COMMAND_KIND: {[Op in LuaOp]: CommandKind} = {
  // Pure, but Node's crypto: a Temporal host runs it as a local activity (or marker).
  'crypto.compute': 'pure',
  // Random bytes: SideEffect `crypto.random:<length>`; the Lua side decodes the hex.
  'crypto.random': 'side-effect',
  // The host's environment may change between runs: SideEffect `env.get:<key>`.
  'env.get': 'side-effect',
  'funcs.async': 'activity',
  'funcs.call': 'activity',
  // ActivityCancelRequested (Temporal: RequestCancelActivityTask); nothing outside the run happens at record time.
  'funcs.cancel': 'activity',
  // Printed live, skipped on replay.
  'logger.log': 'log',
  // SideEffect `process.cancel:<dest>` holding the outcome; the cancel is sent live only.
  'process.cancel': 'cancel-out',
  // A child that is waited for (ChildWorkflowStarted wait=true).
  'process.exec': 'child',
  'process.link': 'process-only',
  'process.lookup': 'process-only',
  'process.monitor': 'process-only',
  'process.register': 'process-only',
  // SignalSent, deduplicated at the target by `<workflow id>:<seq>`.
  'process.send': 'signal-out',
  // Accepted and ignored in a workflow (no links to trap); a process keeps trap_links.
  'process.set_options': 'local',
  'process.spawn': 'child',
  'process.terminate': 'cancel-out',
  'process.unlink': 'process-only',
  'process.unmonitor': 'process-only',
  'process.unregister': 'process-only',
  // WorkflowContinuedAsNew closes the run; the host then starts the next run (Temporal: ContinueAsNew).
  'process.upgrade': 'continue',
  // Pure, but V8 RegExp / re2js: a Temporal host runs it as a local activity (or marker).
  'text.regexp': 'pure',
  // SideEffect `time.now` holding the workflow clock in ms (Temporal: workflow time).
  'time.now': 'side-effect',
  'time.sleep': 'timer',
  'time.timer': 'timer',
  'time.timer_stop': 'timer',
  // Pure, but ICU's tables: a Temporal host records it as a local activity (or marker).
  'time.zone': 'pure',
  // SideEffect `uuid.<version>`.
  'uuid.generate': 'side-effect',
  // AttributesUpserted {search?, memo?}; the run view merges them over the start options'.
  'workflow.attrs': 'upsert',
  // Counted from the events the code has seen: replay reaches the same value.
  'workflow.history': 'local',
  // MarkerRecorded `version:<change id>`.
  'workflow.version': 'marker',
}

/** Every op, in catalog order. */
export const LUA_OPS = Object.keys(COMMAND_KIND) as LuaOp[]

const UNRECORDED: ReadonlySet<CommandKind> = new Set(['local', 'log', 'process-only', 'pure'])
/** Kinds whose recording does something outside the run (a durable host flushes first). */
const OUTWARD: ReadonlySet<CommandKind> = new Set(['cancel-out', 'child', 'signal-out'])

/** Whether a workflow records this op in its history (and compares it on replay). */
export function recordedInHistory(op: LuaOp): boolean {
  return !UNRECORDED.has(COMMAND_KIND[op])
}

/** Whether this op ends a workflow run with a closing event of its own (continue-as-new). */
export function closesRun(op: LuaOp): boolean {
  return COMMAND_KIND[op] === 'continue'
}

/** Whether recording this op reaches outside the run (signal, child, cancel of another run). */
export function reachesOutside(op: LuaOp): boolean {
  return OUTWARD.has(COMMAND_KIND[op])
}

/** A full table of handlers, one per op: a host that forgets an op does not compile. */
export type CommandHandlers<Result, Ctx extends unknown[] = []> = {
  [Op in LuaOp]: (cmd: LuaCommand<Op>, ...ctx: Ctx) => Result
}

/** Calls the handler of `cmd.op`. */
export function dispatchCommand<Result, Ctx extends unknown[]>(
  handlers: CommandHandlers<Result, Ctx>,
  cmd: LuaCommand,
  ...ctx: Ctx
): Result {
  const handler = handlers[cmd.op] as (cmd: LuaCommand, ...ctx: Ctx) => Result
  return handler(cmd, ...ctx)
}

// ---- decoding ------------------------------------------------------------------------

/** A duration in ms: a finite number >= 0 (anything else is 0). */
function duration(v: unknown): number {
  const n = typeof v === 'number' ? v : typeof v === 'bigint' ? Number(v) : Number.NaN
  return Number.isFinite(n) && n > 0 ? n : 0
}
const str = (v: unknown): string => String(v)
/** An optional string: nil stays absent. */
const optStr = (v: unknown): string | undefined => (v === undefined || v === null ? undefined : String(v))
const num = (v: unknown): number => Number(v)
const isTable = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v)

/** `[fixed..., ...rest]`: the fixed positions mapped, the rest kept as they are. */
function head<T extends unknown[]>(a: unknown[], ...fixed: Array<(v: unknown) => unknown>): T {
  return [...fixed.map((f, i) => f(a[i])), ...a.slice(fixed.length)] as T
}

type Decoders = {[Op in LuaOp]: (a: unknown[]) => LuaCommandMap[Op]['args']}

/** Per op: the normalisation every host applied before (now once, here). */
const DECODE: Decoders = {
  'crypto.compute': (a) => head(a, str),
  'crypto.random': (a) => [num(a[0])],
  'env.get': (a) => [str(a[0])],
  'funcs.async': (a) => head(a, str),
  'funcs.call': (a) => head(a, str),
  'funcs.cancel': (a) => [num(a[0])],
  'logger.log': (a) => {
    const fields = typeof a[2] === 'object' && a[2] !== null ? [a[2]] : []
    return [String(a[0] ?? 'info'), String(a[1] ?? ''), ...fields] as LuaCommandMap['logger.log']['args']
  },
  'process.cancel': (a) => {
    const reason = optStr(a[1])
    return reason === undefined ? [str(a[0])] : [str(a[0]), reason]
  },
  'process.exec': (a) => head(a, str, (h) => optStr(h) ?? ''),
  'process.link': (a) => [str(a[0])],
  'process.lookup': (a) => [str(a[0])],
  'process.monitor': (a) => [str(a[0])],
  'process.register': (a) => [...a] as LuaCommandMap['process.register']['args'],
  'process.send': (a) => head(a, str, str),
  'process.set_options': (a) => [isTable(a[0]) ? a[0] : {}],
  'process.spawn': (a) => head(a, str, (h) => optStr(h) ?? ''),
  'process.terminate': (a) => [str(a[0])],
  'process.unlink': (a) => [str(a[0])],
  'process.unmonitor': (a) => [str(a[0])],
  'process.unregister': (a) => [a[0]],
  // As the platform reads it: a non-empty string names the entry, anything else keeps the current one.
  'process.upgrade': (a) => [typeof a[0] === 'string' && a[0] !== '' ? a[0] : null, ...a.slice(1)],
  'text.regexp': (a) => head(a, str),
  'time.now': () => [],
  'time.sleep': (a) => [duration(a[0])],
  'time.timer': (a) => [duration(a[0])],
  'time.timer_stop': (a) => [num(a[0])],
  'time.zone': (a) => [str(a[0])],
  'uuid.generate': (a) => [String(a[0] ?? 'v4')],
  // Kept as given: the host answers Invalid for a non-table (attrsUpsertOf), as the platform does.
  'workflow.attrs': (a) => [isTable(a[0]) ? a[0] : {}],
  'workflow.history': () => [],
  'workflow.version': (a) => [str(a[0]), num(a[1]), num(a[2])],
}

/**
 * The upsert a `workflow.attrs` command asks for, or the platform's Invalid message: `search` and
 * `memo` must be tables when given, and one of them must be. A Lua table the codec handed over
 * as an array (an empty or sequence table) has no string keys: an empty map, as on the platform.
 */
export function attrsUpsertOf(
  cmd: LuaCommand<'workflow.attrs'>,
): {memo?: Record<string, unknown>; search?: Record<string, unknown>} | string {
  const out: {memo?: Record<string, unknown>; search?: Record<string, unknown>} = {}
  for (const key of ['search', 'memo'] as const) {
    const v = cmd.args[0][key]
    if (v === undefined || v === null) continue
    if (Array.isArray(v)) out[key] = {}
    else if (isTable(v)) out[key] = v
    else return `${key} must be a table`
  }
  return out.search === undefined && out.memo === undefined ? 'at least one of search or memo required' : out
}

/** Which options decoder an op uses (ops without options drop any given). */
const OPTIONS: Partial<Record<LuaOp, typeof CALL_OPTIONS | typeof SPAWN_OPTIONS>> = {
  'funcs.async': CALL_OPTIONS,
  'funcs.call': CALL_OPTIONS,
  'process.exec': SPAWN_OPTIONS,
  'process.spawn': SPAWN_OPTIONS,
}

/** Thrown for a command no catalog entry describes (a prelude bug, not user error). */
export class UnknownCommandError extends Error {}

export function isLuaOp(op: unknown): op is LuaOp {
  return typeof op === 'string' && Object.hasOwn(COMMAND_KIND, op)
}

/**
 * A raw command as the VM hands it over (`{op, args, options, tag, where}`) → a decoded
 * {@link LuaCommand}: args normalised per op, options checked. Throws
 * {@link UnknownCommandError} for an op outside the catalog.
 */
export function decodeCommand(raw: unknown): LuaCommand {
  const c = (raw ?? {}) as Record<string, unknown>
  const op = c.op
  if (!isLuaOp(op)) throw new UnknownCommandError(`unknown command op ${String(op)}`)
  const args = (DECODE[op] as (a: unknown[]) => unknown[])(Array.isArray(c.args) ? c.args : [])
  const cmd = {args, op, tag: c.tag as number} as LuaCommand & {options?: object}
  const kind = OPTIONS[op]
  if (kind && isTable(c.options)) cmd.options = decodeOptions(kind, c.options)
  if (typeof c.where === 'string') cmd.where = c.where
  return cmd
}
