/**
 * What makes two workflow commands "the same" for replay. A command the Lua code issues
 * and the event recorded for it are both projected to an identity (event type plus the
 * fields the code chose: target entry, arguments, duration, topic, ...). Values the host
 * chose (a side effect's result, a timer's fire time, a child's PID) are not part of it.
 * Replay compares the two projections; any difference is non-determinism.
 */
import type {HistoryEvent} from '../../history/events.js'
import type {LuaCommand} from '../../lua/types.js'
import {formatDurationMs} from '../../time/duration.js'

export interface CommandIdentity {
  /** Fields compared as canonical JSON. */
  key: Record<string, unknown>
  type: HistoryEvent['type']
}

/** Tag of an earlier command → the seq of its recorded event (for cancels and stops). */
export type SeqOfTag = (tag: unknown) => number | undefined

/**
 * The identity of a command as issued, or undefined when the op is not recorded in a
 * workflow's history (`logger.log`, local registry lookups...).
 */
export function identityOfCommand(cmd: LuaCommand, seqOfTag: SeqOfTag): CommandIdentity | undefined {
  const a = cmd.args
  switch (cmd.op) {
    case 'funcs.async':
    case 'funcs.call': {
      return {key: {args: a.slice(1), async: cmd.op === 'funcs.async', entry: a[0]}, type: 'ActivityScheduled'}
    }
    case 'funcs.cancel': {
      return {key: {scheduled: seqOfTag(a[0])}, type: 'ActivityCancelRequested'}
    }
    case 'time.sleep':
    case 'time.timer': {
      return {key: {durationMs: a[0]}, type: 'TimerStarted'}
    }
    case 'time.timer_stop': {
      return {key: {started: seqOfTag(a[0])}, type: 'TimerCancelled'}
    }
    case 'time.now': {
      return {key: {op: 'time.now'}, type: 'SideEffect'}
    }
    case 'uuid.generate': {
      return {key: {op: `uuid.${String(a[0] ?? 'v4')}`}, type: 'SideEffect'}
    }
    case 'env.get': {
      return {key: {op: `env.get:${String(a[0])}`}, type: 'SideEffect'}
    }
    case 'crypto.random': {
      return {key: {op: `crypto.random:${String(a[0])}`}, type: 'SideEffect'}
    }
    case 'process.cancel':
    case 'process.terminate': {
      return {key: {op: `${cmd.op}:${String(a[0])}`}, type: 'SideEffect'}
    }
    case 'process.send': {
      return {key: {payload: a.slice(2), target: a[0], topic: a[1]}, type: 'SignalSent'}
    }
    case 'process.exec':
    case 'process.spawn': {
      return {key: {entry: a[0], input: a.slice(2), wait: cmd.op === 'process.exec'}, type: 'ChildWorkflowStarted'}
    }
    case 'workflow.version': {
      return {key: {name: `version:${String(a[0])}`}, type: 'MarkerRecorded'}
    }
    default: {
      return undefined
    }
  }
}

/** The identity of a recorded command event (the counterpart of {@link identityOfCommand}). */
export function identityOfEvent(event: HistoryEvent): CommandIdentity | undefined {
  switch (event.type) {
    case 'ActivityScheduled': {
      return {key: {args: event.args, async: event.async === true, entry: event.entry}, type: event.type}
    }
    case 'ActivityCancelRequested': {
      return {key: {scheduled: event.scheduled}, type: event.type}
    }
    case 'TimerStarted': {
      return {key: {durationMs: event.durationMs}, type: event.type}
    }
    case 'TimerCancelled': {
      return {key: {started: event.started}, type: event.type}
    }
    case 'SideEffect': {
      return {key: {op: event.op}, type: event.type}
    }
    case 'SignalSent': {
      return {key: {payload: event.payload, target: event.target, topic: event.topic}, type: event.type}
    }
    case 'ChildWorkflowStarted': {
      return {key: {entry: event.entry, input: event.input, wait: event.wait === true}, type: event.type}
    }
    case 'MarkerRecorded': {
      return {key: {name: event.name}, type: event.type}
    }
    default: {
      return undefined
    }
  }
}

export function sameIdentity(a: CommandIdentity, b: CommandIdentity): boolean {
  return a.type === b.type && canonicalJson(a.key) === canonicalJson(b.key)
}

/** A short human rendering: `ActivityScheduled app.api:charge_card({"amount":10})`. */
export function describeIdentity(id: CommandIdentity, maxArgs = 80): string {
  const k = id.key
  const short = (v: unknown): string => shortJson(v, maxArgs)
  switch (id.type) {
    case 'ActivityScheduled': {
      return `${k.async ? 'funcs.async' : 'funcs.call'} ${String(k.entry)}(${short(k.args)})`
    }
    case 'TimerStarted': {
      return `timer ${typeof k.durationMs === 'number' ? formatDurationMs(k.durationMs) : String(k.durationMs)}`
    }
    case 'SideEffect': {
      return `side effect ${String(k.op)}`
    }
    case 'SignalSent': {
      return `process.send ${String(k.target)} ${String(k.topic)}`
    }
    case 'ChildWorkflowStarted': {
      return `${k.wait ? 'process.exec' : 'process.spawn'} ${String(k.entry)}(${short(k.input)})`
    }
    default: {
      return `${id.type} ${short(k)}`
    }
  }
}

function shortJson(v: unknown, max: number): string {
  const s = canonicalJson(v)
  const inner = Array.isArray(v) ? s.slice(1, -1) : s
  return inner.length > max ? `${inner.slice(0, max - 3)}...` : inner
}

/** JSON with object keys sorted, so equal values compare equal as strings. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => {
    if (typeof v === 'bigint') return v.toString()
    if (v && typeof v === 'object' && !Array.isArray(v)) {
      const sorted: Record<string, unknown> = {}
      for (const k of Object.keys(v).sort()) sorted[k] = (v as Record<string, unknown>)[k]
      return sorted
    }
    return v
  }) ?? 'null'
}
