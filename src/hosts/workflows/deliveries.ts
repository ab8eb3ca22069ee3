/**
 * How recorded events become deliveries to the Lua program. Live runs and replays share
 * this one path: live, the host records an event and hands over its delivery; replaying,
 * it hands over the delivery of the recorded event. So the Lua code sees the same values.
 */
import type {HistoryEvent} from '../../history/events.js'
import type {LuaDelivery} from '../../lua/types.js'
import {msToNs} from '../../time/duration.js'

/** Maps the seq of a recorded command event to the Lua tag of the command it answered. */
export type TagOfSeq = (seq: number) => number | undefined

/** The delivery of a side-effect-like event: the result the issuing command returns at once. */
export function immediateResult(event: HistoryEvent, tag: number): LuaDelivery | undefined {
  switch (event.type) {
    case 'SideEffect': {
      // time.now is recorded in ms (JSON-safe); the Lua side wants integer nanoseconds.
      return {kind: 'result', tag, value: event.op === 'time.now' ? msToNs(event.value as number) : event.value}
    }
    case 'MarkerRecorded': {
      return {kind: 'result', tag, value: event.value}
    }
    case 'SignalSent': {
      return event.error ? {error: event.error, kind: 'result', tag} : {kind: 'result', tag, value: true}
    }
    case 'ChildWorkflowStarted': {
      if (event.error) return {error: event.error, kind: 'result', tag}
      // process.exec waits: its result arrives with ChildWorkflowCompleted.
      return event.wait ? undefined : {kind: 'result', tag, value: event.childPid}
    }
    case 'TimerCancelled':
    case 'ActivityCancelRequested':
    case 'AttributesUpserted': {
      return {kind: 'result', tag, value: true}
    }
    default: {
      return undefined
    }
  }
}

/**
 * The delivery of an event that arrives from outside the code (a result, a timer, a
 * signal, a cancel, a child's exit). `startedOf` finds the child's start event, which says
 * whether the parent waits on it (exec) or gets an EXIT event (spawn).
 */
export function arrivalDelivery(
  event: HistoryEvent,
  tagOf: TagOfSeq,
  startedOf: (seq: number) => HistoryEvent | undefined,
): LuaDelivery | undefined {
  switch (event.type) {
    case 'ActivityCompleted': {
      return {kind: 'result', tag: requireTag(tagOf, event.scheduled), value: event.result}
    }
    case 'ActivityFailed': {
      return {error: event.error, kind: 'result', tag: requireTag(tagOf, event.scheduled)}
    }
    case 'TimerFired': {
      return {kind: 'result', tag: requireTag(tagOf, event.started), value: null}
    }
    case 'SignalReceived': {
      return {from: event.from, kind: 'message', payload: event.payload, topic: event.topic}
    }
    case 'CancelRequested': {
      return {
        event: {
          at: event.ts,
          from: event.from ?? '',
          kind: 'pid.cancel',
          ...(event.reason === undefined ? {} : {reason: event.reason}),
        },
        kind: 'event',
      }
    }
    case 'ChildWorkflowCompleted': {
      const started = startedOf(event.started)
      if (started?.type === 'ChildWorkflowStarted' && started.wait) {
        const tag = requireTag(tagOf, event.started)
        return event.error ? {error: event.error, kind: 'result', tag} : {kind: 'result', tag, value: event.result}
      }
      return {
        event: {
          at: event.ts,
          from: event.childPid,
          kind: 'pid.exit',
          result: event.error ? {error: event.error} : {value: event.result},
        },
        kind: 'event',
      }
    }
    default: {
      return undefined
    }
  }
}

function requireTag(tagOf: TagOfSeq, seq: number): number {
  const tag = tagOf(seq)
  // A completion for a command the code never issued: history and code disagree.
  if (tag === undefined) throw new Error(`no command is waiting for event ${seq}`)
  return tag
}
