/**
 * What each workflow command means, one full table over the command catalog
 * (src/lua/command-catalog.ts): a recorded op gets the event it is recorded as (its intent, a pure
 * function of the command and the run) and the live effect that completes it (sending the
 * signal, starting the child, producing the uuid...); an unrecorded op gets its immediate
 * answer. Replay compares the intent's identity with the recorded event's and never runs the
 * effect, so the live event and its replay are built by one function and cannot drift.
 * A Temporal host maps the same intents to Temporal commands: ScheduleActivityTask,
 * StartTimer, SideEffect, SignalExternalWorkflowExecution, StartChildWorkflowExecution,
 * RequestCancel..., Marker.
 */
import type {HistoryEvent, NewHistoryEvent, RecordedError} from '../../history/events.js'
import {
  type CommandHandlers,
  type LuaCommand,
  attrsUpsertOf,
  dispatchCommand,
  reachesOutside,
} from '../../lua/command-catalog.js'
import type {LuaDelivery, LuaErrorValue} from '../../lua/types.js'
import {cryptoSideEffectOp, executeCryptoCommand, randomHex} from '../ops/crypto.js'
import {executeTextCommand} from '../ops/regexp.js'
import {executeZoneCommand} from '../ops/zone.js'
import {type VersionCall, versionMarkerName} from './change-versions.js'
import type {EventIntent} from './event-identity.js'
import type {CommandPlan, LiveCommandHandler, WorkflowRun} from './run.js'

/** The host services live commands need; the workflow host implements them. */
export interface LiveServices {
  /** Starts (or re-starts after recovery) an activity; its result is delivered to the run later. */
  startActivity(run: WorkflowRun, event: Extract<HistoryEvent, {type: 'ActivityScheduled'}>): void
  /** Abandons a running activity (its late result is dropped). */
  abandonActivity(run: WorkflowRun, seq: number): void
  armTimer(run: WorkflowRun, seq: number, fireAt: number): void
  disarmTimer(run: WorkflowRun, seq: number): void
  /** Starts a child workflow (idempotent by its ID). */
  startChild(
    run: WorkflowRun,
    request: {
      entry: string
      host: string
      input: unknown[]
      options?: Record<string, unknown>
      seq: number
      wait: boolean
    },
  ): Promise<{error?: LuaErrorValue; pid?: string}>
  /** Sends a signal to another workflow (deduplicated by `signalId`). */
  signal(
    run: WorkflowRun,
    request: {payload: unknown[]; signalId: string; target: string; topic: string},
  ): Promise<LuaErrorValue | undefined>
  /** Cancels or terminates another workflow. */
  control(
    run: WorkflowRun,
    action: 'cancel' | 'terminate',
    target: string,
    reason?: string,
  ): Promise<LuaErrorValue | undefined>
  env(key: string): string | undefined
  uuid(version: string): string
  log(run: WorkflowRun, level: string, message: string, fields?: unknown): void
  closed(run: WorkflowRun, event: HistoryEvent): void
  /** A new run ID for `process.upgrade` (continue-as-new). */
  newRunId(): string
  /** Whether `entry` is a loaded workflow.lua entry (`process.upgrade` to another entry). */
  isWorkflowEntry(entry: string): boolean
}

export function liveCommandHandler(services: LiveServices): LiveCommandHandler {
  const table = workflowCommands(services)
  return {
    activate(run, event) {
      if (event.type === 'ActivityScheduled') services.startActivity(run, event)
      else if (event.type === 'TimerStarted') services.armTimer(run, event.seq, event.fireAt)
      else if (event.type === 'TimerCancelled') services.disarmTimer(run, event.started)
      else if (event.type === 'ActivityCancelRequested') services.abandonActivity(run, event.scheduled)
    },

    closed: (run, event) => services.closed(run, event),

    plan: (run, cmd) => dispatchCommand(table, cmd, run),
  }
}

type Plans = CommandHandlers<CommandPlan, [run: WorkflowRun]>

/** Every op in a workflow: recorded (intent + live effect) or answered at once. */
export function workflowCommands(services: LiveServices): Plans {
  const activity = (cmd: LuaCommand<'funcs.async' | 'funcs.call'>, run: WorkflowRun): CommandPlan =>
    recorded(
      cmd,
      () => {
        const [entry, ...args] = cmd.args
        return {
          args,
          entry,
          ts: run.now(),
          type: 'ActivityScheduled',
          ...(cmd.op === 'funcs.async' ? {async: true} : {}),
          ...(cmd.options ? {options: cmd.options} : {}),
          ...whereOf(cmd),
        }
      },
      same,
    )
  const timer = (cmd: LuaCommand<'time.sleep' | 'time.timer'>, run: WorkflowRun): CommandPlan =>
    recorded(
      cmd,
      () => {
        const ts = run.now()
        const durationMs = cmd.args[0]
        return {durationMs, fireAt: ts + durationMs, ts, type: 'TimerStarted', ...whereOf(cmd)}
      },
      same,
    )
  const control =
    (action: 'cancel' | 'terminate') => (cmd: LuaCommand<'process.cancel' | 'process.terminate'>, run: WorkflowRun) =>
      recorded(
        cmd,
        () => sideEffect(cmd, run, `${cmd.op}:${cmd.args[0]}`),
        async (intent) => {
          const error = await services.control(run, action, cmd.args[0], cmd.args[1])
          return withValue(intent, error ? {error} : true)
        },
      )
  const child = (cmd: LuaCommand<'process.exec' | 'process.spawn'>, run: WorkflowRun): CommandPlan => {
    const wait = cmd.op === 'process.exec'
    return recorded(
      cmd,
      () => {
        const [entry, host, ...input] = cmd.args
        return {
          entry,
          host,
          input,
          ts: run.now(),
          type: 'ChildWorkflowStarted',
          ...(wait ? {wait: true} : {}),
          ...whereOf(cmd),
        }
      },
      async (intent, seq) => {
        const {entry, host, input, ts, type} = intent
        const started = await services.startChild(run, {
          entry,
          host,
          input,
          seq,
          wait,
          ...(cmd.options ? {options: cmd.options} : {}),
        })
        return {
          childPid: started.pid ?? '',
          entry,
          host,
          input,
          ts,
          type,
          ...(wait ? {wait: true} : {}),
          ...(started.error ? {error: recordedError(started.error)} : {}),
          ...whereOf(intent),
        }
      },
    )
  }
  const notInWorkflows = (cmd: LuaCommand): CommandPlan =>
    answered(() => ({
      // The platform's wording (code may match on it).
      error: {kind: 'Invalid', message: `${cmd.op} is not supported in workflow context`, retryable: false},
      kind: 'result',
      tag: cmd.tag,
    }))
  return {
    // Deterministic: recomputed on replay, never recorded.
    'crypto.compute': (cmd) => answered(() => executeCryptoCommand(cmd)),
    // Recorded as hex (JSON-safe); the Lua side decodes, live and on replay alike.
    'crypto.random': (cmd, run) =>
      recorded(
        cmd,
        () => sideEffect(cmd, run, cryptoSideEffectOp(cmd)),
        (intent) => withValue(intent, randomHex(cmd.args[0])),
      ),
    'env.get': (cmd, run) =>
      recorded(
        cmd,
        () => sideEffect(cmd, run, `env.get:${cmd.args[0]}`),
        (intent) => withValue(intent, services.env(cmd.args[0]) ?? null),
      ),
    'funcs.async': activity,
    'funcs.call': activity,
    'funcs.cancel': (cmd, run) =>
      recorded(
        cmd,
        () => ({
          scheduled: run.seqOfTag(cmd.args[0]) ?? 0,
          ts: run.now(),
          type: 'ActivityCancelRequested',
          ...whereOf(cmd),
        }),
        same,
      ),
    'logger.log': (cmd, run) =>
      answered((replaying) => {
        // Replay re-runs the code: do not print its logs twice.
        if (!replaying) services.log(run, cmd.args[0], cmd.args[1], cmd.args[2])
        return {kind: 'result', tag: cmd.tag, value: null}
      }),
    'process.cancel': control('cancel'),
    'process.exec': child,
    'process.link': notInWorkflows,
    'process.lookup': notInWorkflows,
    'process.monitor': notInWorkflows,
    'process.register': notInWorkflows,
    'process.send': (cmd, run) =>
      recorded(
        cmd,
        () => {
          const [target, topic, ...payload] = cmd.args
          return {payload, target, topic, ts: run.now(), type: 'SignalSent', ...whereOf(cmd)}
        },
        async (intent, seq) => {
          const {payload, target, topic, ts, type} = intent
          const error = await services.signal(run, {
            payload,
            signalId: `${run.identity.workflowId}:${seq}`,
            target,
            topic,
          })
          return {payload, target, topic, ts, type, ...(error ? {error: recordedError(error)} : {}), ...whereOf(intent)}
        },
      ),
    'process.set_options': (cmd) => answered(() => ({kind: 'result', tag: cmd.tag, value: true})),
    'process.spawn': child,
    'process.terminate': control('terminate'),
    'process.unlink': notInWorkflows,
    'process.unmonitor': notInWorkflows,
    'process.unregister': notInWorkflows,
    // Temporal's ContinueAsNew: the run closes and the host starts the next run (same workflow ID
    // and PID) on the named entry, or the running one, with the state as its input.
    'process.upgrade': (cmd, run) => {
      const [named, ...input] = cmd.args
      if (named !== null && !services.isWorkflowEntry(named))
        return answered(() => ({
          error: {kind: 'NotFound', message: `process.upgrade: no workflow.lua entry ${named}`, retryable: false},
          kind: 'result',
          tag: cmd.tag,
        }))
      return {
        closing: (ts) => ({
          entry: named ?? run.identity.entry,
          input,
          newRunId: services.newRunId(),
          ts,
          type: 'WorkflowContinuedAsNew',
          ...whereOf(cmd),
        }),
        recorded: 'close',
      }
    },
    // Deterministic: recomputed on replay, never recorded.
    'text.regexp': (cmd) => answered(() => executeTextCommand(cmd)),
    'time.now': (cmd, run) =>
      recorded(
        cmd,
        () => sideEffect(cmd, run, 'time.now'),
        (intent) => withValue(intent, intent.ts),
      ),
    'time.sleep': timer,
    'time.timer': timer,
    'time.timer_stop': (cmd, run) =>
      recorded(
        cmd,
        () => ({started: run.seqOfTag(cmd.args[0]) ?? 0, ts: run.now(), type: 'TimerCancelled', ...whereOf(cmd)}),
        same,
      ),
    // Pure lookup of ICU data: same answer on replay, so not recorded.
    'time.zone': (cmd) => answered(() => executeZoneCommand(cmd)),
    'uuid.generate': (cmd, run) =>
      recorded(
        cmd,
        () => sideEffect(cmd, run, `uuid.${cmd.args[0]}`),
        (intent) => withValue(intent, services.uuid(cmd.args[0])),
      ),
    // Recorded as given; a bad argument is answered (not recorded), as the platform refuses it before yielding.
    'workflow.attrs': (cmd, run) => {
      const upsert = attrsUpsertOf(cmd)
      if (typeof upsert === 'string')
        return answered(() => ({
          error: {kind: 'Invalid', message: upsert, retryable: false},
          kind: 'result',
          tag: cmd.tag,
        }))
      return recorded(cmd, () => ({ts: run.now(), type: 'AttributesUpserted', ...upsert, ...whereOf(cmd)}), same)
    },
    // Deterministic: counted up to the last event the code has seen, also on replay.
    'workflow.history': (cmd, run) =>
      answered(() => ({kind: 'result', tag: cmd.tag, value: {length: run.seenSeq, size: run.seenHistoryBytes()}})),
    // Temporal's GetVersion (see change-versions.ts): live, the first call of a change ID records
    // `max`; the run answers later calls, and replay without a marker, itself.
    'workflow.version': (cmd, run) => {
      const [changeId, min, max] = cmd.args
      const marker = (): Extract<EventIntent, {type: 'MarkerRecorded'}> => ({
        name: versionMarkerName(changeId),
        ts: run.now(),
        type: 'MarkerRecorded',
        value: max,
        ...whereOf(cmd),
      })
      return recorded(cmd, marker, same, {changeId, max, min})
    },
  }
}

/**
 * A recorded command: `intent` builds what the code asked for (replay compares it), and
 * `complete` turns it into the event, performing the effect (live only).
 */
function recorded<I extends EventIntent>(
  cmd: LuaCommand,
  intent: () => I,
  complete: (intent: I, seq: number) => NewHistoryEvent | Promise<NewHistoryEvent>,
  version?: VersionCall,
): CommandPlan {
  const record = async (seq: number) => complete(intent(), seq)
  return {intent, outward: reachesOutside(cmd.op), record, recorded: true, ...(version ? {version} : {})}
}

function answered(answer: (replaying: boolean) => LuaDelivery): CommandPlan {
  return {answer, recorded: false}
}

/** For intents that are the whole event (the host adds nothing). */
const same = <E extends NewHistoryEvent>(intent: E): E => intent

type SideEffectIntent = Extract<EventIntent, {type: 'SideEffect'}>

function sideEffect(cmd: LuaCommand, run: WorkflowRun, op: string): SideEffectIntent {
  return {op, ts: run.now(), type: 'SideEffect', ...whereOf(cmd)}
}

/** The SideEffect event: the intent plus the value the host produced (keys in the order always written). */
function withValue(intent: SideEffectIntent, value: unknown): NewHistoryEvent {
  return {op: intent.op, ts: intent.ts, type: 'SideEffect', value, ...whereOf(intent)}
}

function whereOf(x: {where?: string}): {where?: string} {
  return x.where === undefined ? {} : {where: x.where}
}

function recordedError(error: LuaErrorValue): RecordedError {
  return {
    message: error.message,
    ...(error.kind === undefined ? {} : {kind: error.kind}),
    ...(error.retryable === undefined ? {} : {retryable: error.retryable}),
    ...(error.details === undefined ? {} : {details: error.details}),
  }
}
