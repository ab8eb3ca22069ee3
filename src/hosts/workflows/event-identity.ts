/**
 * What makes two workflow command events "the same" for replay: an identity (event type
 * plus the fields the code chose: target entry, arguments, duration, topic, ...). Values the
 * host chose (a side effect's result, a timer's fire time, a child's PID) are not part of it.
 * A command the code issues is projected through the event it would be recorded as (its
 * {@link EventIntent}, built by the same function live recording uses), so the live event and
 * the replayed command cannot disagree; any difference on replay is non-determinism.
 */
import type {EventOf, HistoryEvent} from '../../history/events.js'
import {formatDurationMs} from '../../time/duration.js'

export interface CommandIdentity {
  /** Fields compared as canonical JSON. */
  key: Record<string, unknown>
  type: HistoryEvent['type']
}

/**
 * What the code asked for, before the host fills in what it chose: the event a command is
 * recorded as, without a side effect's value, a child's PID or an outward command's error.
 * Live recording completes it into the event; replay compares its identity with the
 * recorded event's. One builder (live-commands.ts) makes it for both.
 */
export type EventIntent =
  | NewOf<'ActivityCancelRequested'>
  | NewOf<'ActivityScheduled'>
  | NewOf<'AttributesUpserted'>
  | NewOf<'MarkerRecorded'>
  | NewOf<'TimerCancelled'>
  | NewOf<'TimerStarted'>
  | Omit<NewOf<'ChildWorkflowStarted'>, 'childPid' | 'error'>
  | Omit<NewOf<'SideEffect'>, 'value'>
  | Omit<NewOf<'SignalSent'>, 'error'>

type NewOf<T extends HistoryEvent['type']> = Omit<EventOf<T>, 'seq'>

/**
 * The identity of a command event: recorded, or an {@link EventIntent} the code issues now.
 * Undefined for events the code does not issue (deliveries, start, close).
 */
export function identityOfEvent(event: EventIntent | HistoryEvent): CommandIdentity | undefined {
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
    case 'AttributesUpserted': {
      return {key: {memo: event.memo ?? null, search: event.search ?? null}, type: event.type}
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
    case 'AttributesUpserted': {
      const parts = [k.search ? `search=${short(k.search)}` : '', k.memo ? `memo=${short(k.memo)}` : '']
      return `workflow.attrs ${parts.filter(Boolean).join(' ')}`
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
  return (
    JSON.stringify(value, (_key, v: unknown) => {
      if (typeof v === 'bigint') return v.toString()
      if (v && typeof v === 'object' && !Array.isArray(v)) {
        const sorted: Record<string, unknown> = {}
        for (const k of Object.keys(v).sort()) sorted[k] = (v as Record<string, unknown>)[k]
        return sorted
      }
      return v
    }) ?? 'null'
  )
}
