/**
 * What each workflow command means when a run is live: the event it is recorded as, and
 * the effect started once that event is durable. (Replaying, none of this runs: the
 * recorded events answer the code.) This is the one place a Temporal host would map to
 * Temporal commands instead: ScheduleActivityTask, StartTimer, SideEffect,
 * SignalExternalWorkflowExecution, StartChildWorkflowExecution, RequestCancel..., Marker.
 */
import type {HistoryEvent, NewHistoryEvent, RecordedError} from '../../history/events.js'
import type {LuaDelivery, LuaErrorValue} from '../../lua/types.js'
import {zoneDelivery} from '../../time/zones.js'
import {cryptoSideEffectOp, executeCryptoCommand, randomHex} from '../crypto-ops.js'
import {executeTextCommand} from '../text-ops.js'
import type {LiveCommandHandler, WorkflowRun} from './run.js'

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
    request: {entry: string; host: string; input: unknown[]; options?: Record<string, unknown>; seq: number; wait: boolean},
  ): Promise<{error?: LuaErrorValue; pid?: string}>
  /** Sends a signal to another workflow (deduplicated by `signalId`). */
  signal(run: WorkflowRun, request: {payload: unknown[]; signalId: string; target: string; topic: string}): Promise<LuaErrorValue | undefined>
  /** Cancels or terminates another workflow. */
  control(run: WorkflowRun, action: 'cancel' | 'terminate', target: string, reason?: string): Promise<LuaErrorValue | undefined>
  env(key: string): string | undefined
  uuid(version: string): string
  log(run: WorkflowRun, level: string, message: string, fields?: unknown): void
  closed(run: WorkflowRun, event: HistoryEvent): void
}

const EXTERNAL_OPS = new Set(['process.cancel', 'process.exec', 'process.send', 'process.spawn', 'process.terminate'])

export function liveCommandHandler(services: LiveServices): LiveCommandHandler {
  return {
    activate(run, event) {
      if (event.type === 'ActivityScheduled') services.startActivity(run, event)
      else if (event.type === 'TimerStarted') services.armTimer(run, event.seq, event.fireAt)
      else if (event.type === 'TimerCancelled') services.disarmTimer(run, event.started)
      else if (event.type === 'ActivityCancelRequested') services.abandonActivity(run, event.scheduled)
    },

    closed: (run, event) => services.closed(run, event),

    external: (cmd) => EXTERNAL_OPS.has(cmd.op),

    async record(run, cmd, seq): Promise<NewHistoryEvent> {
      const ts = run.now()
      const where = cmd.where === undefined ? {} : {where: cmd.where}
      const a = cmd.args
      switch (cmd.op) {
        case 'funcs.async':
        case 'funcs.call': {
          return {
            args: a.slice(1),
            entry: String(a[0]),
            ts,
            type: 'ActivityScheduled',
            ...(cmd.op === 'funcs.async' ? {async: true} : {}),
            ...(cmd.options ? {options: cmd.options} : {}),
            ...where,
          }
        }
        case 'funcs.cancel': {
          return {scheduled: run.seqOfTag(Number(a[0])) ?? 0, ts, type: 'ActivityCancelRequested', ...where}
        }
        case 'time.sleep':
        case 'time.timer': {
          const durationMs = Math.max(0, Number(a[0]) || 0)
          return {durationMs, fireAt: ts + durationMs, ts, type: 'TimerStarted', ...where}
        }
        case 'time.timer_stop': {
          return {started: run.seqOfTag(Number(a[0])) ?? 0, ts, type: 'TimerCancelled', ...where}
        }
        case 'time.now': {
          return {op: 'time.now', ts, type: 'SideEffect', value: ts, ...where}
        }
        case 'uuid.generate': {
          const version = String(a[0] ?? 'v4')
          return {op: `uuid.${version}`, ts, type: 'SideEffect', value: services.uuid(version), ...where}
        }
        case 'crypto.random': {
          // Recorded as hex (JSON-safe); the Lua side decodes, live and on replay alike.
          return {op: cryptoSideEffectOp(cmd), ts, type: 'SideEffect', value: randomHex(a[0]), ...where}
        }
        case 'env.get': {
          return {op: `env.get:${String(a[0])}`, ts, type: 'SideEffect', value: services.env(String(a[0])) ?? null, ...where}
        }
        case 'process.cancel':
        case 'process.terminate': {
          const action = cmd.op === 'process.cancel' ? 'cancel' : 'terminate'
          const error = await services.control(run, action, String(a[0]), a[1] === undefined ? undefined : String(a[1]))
          return {op: `${cmd.op}:${String(a[0])}`, ts, type: 'SideEffect', value: error ? {error} : true, ...where}
        }
        case 'process.send': {
          const target = String(a[0])
          const topic = String(a[1])
          const payload = a.slice(2)
          const error = await services.signal(run, {payload, signalId: `${run.identity.workflowId}:${seq}`, target, topic})
          return {payload, target, topic, ts, type: 'SignalSent', ...(error ? {error: recorded(error)} : {}), ...where}
        }
        case 'process.exec':
        case 'process.spawn': {
          const wait = cmd.op === 'process.exec'
          const input = a.slice(2)
          const child = await services.startChild(run, {
            entry: String(a[0]),
            host: String(a[1] ?? ''),
            input,
            seq,
            wait,
            ...(cmd.options ? {options: cmd.options} : {}),
          })
          return {
            childPid: child.pid ?? '',
            entry: String(a[0]),
            host: String(a[1] ?? ''),
            input,
            ts,
            type: 'ChildWorkflowStarted',
            ...(wait ? {wait: true} : {}),
            ...(child.error ? {error: recorded(child.error)} : {}),
            ...where,
          }
        }
        case 'workflow.version': {
          // A new run (or code path) takes the newest version; replay returns the recorded one.
          return {name: `version:${String(a[0])}`, ts, type: 'MarkerRecorded', value: a[2] ?? a[1] ?? 1, ...where}
        }
        default: {
          throw new Error(`command ${cmd.op} is not recorded`)
        }
      }
    },

    unrecorded(run, cmd, replaying): LuaDelivery {
      switch (cmd.op) {
        case 'logger.log': {
          // Replay re-runs the code: do not print its logs twice.
          if (!replaying) services.log(run, String(cmd.args[0] ?? 'info'), String(cmd.args[1] ?? ''), cmd.args[2])
          return {kind: 'result', tag: cmd.tag, value: null}
        }
        case 'process.set_options': {
          return {kind: 'result', tag: cmd.tag, value: true}
        }
        case 'time.zone': {
          // Pure lookup of ICU data: same answer on replay, so not recorded.
          return zoneDelivery(cmd.tag, cmd.args[0])
        }
        case 'crypto.compute': {
          // Deterministic: recomputed on replay, never recorded.
          return executeCryptoCommand(cmd)
        }
        case 'text.regexp': {
          // Deterministic: recomputed on replay, never recorded.
          return executeTextCommand(cmd)
        }
        case 'workflow.history': {
          // Deterministic: counted up to the last event the code has seen, also on replay.
          return {kind: 'result', tag: cmd.tag, value: {length: run.seenSeq, size: run.seenHistoryBytes()}}
        }
        default: {
          return {
            error: {
              kind: 'Invalid',
              // The platform's wording (code may match on it).
              message: `${cmd.op} is not supported in workflow context`,
              retryable: false,
            },
            kind: 'result',
            tag: cmd.tag,
          }
        }
      }
    },
  }
}

function recorded(error: LuaErrorValue): RecordedError {
  return {
    message: error.message,
    ...(error.kind === undefined ? {} : {kind: error.kind}),
    ...(error.retryable === undefined ? {} : {retryable: error.retryable}),
    ...(error.details === undefined ? {} : {details: error.details}),
  }
}
