/**
 * What a run is still waiting for, derived from its history alone (no VM needed): the
 * activities scheduled but not finished, the timers started but not fired or cancelled,
 * the children started but not finished, the virtual-clock offset from time skips, and the
 * run's current search attributes and memo (its start values with every upsert merged over).
 * Used when a run is recovered after a restart, and by `run-view.ts` to say what a run waits for.
 */
import type {HistoryEvent} from './events.js'

export interface OutstandingActivity {
  args: unknown[]
  entry: string
  options?: Record<string, unknown>
  seq: number
}

export interface Outstanding {
  activities: Map<number, OutstandingActivity>
  children: Map<number, string>
  /** The latest CancelRequested: the code was asked to stop and has not closed yet. */
  cancelRequested?: {at: number; from?: string; reason?: string}
  /** Search attributes: WorkflowStarted's, then each AttributesUpserted's keys over them (absent: none set). */
  search?: Record<string, unknown>
  /** The memo, merged the same way. */
  memo?: Record<string, unknown>
  /** Total of all TimeSkipped events, ms. */
  skippedMs: number
  timers: Map<number, number>
}

export function emptyOutstanding(): Outstanding {
  return {activities: new Map(), children: new Map(), skippedMs: 0, timers: new Map()}
}

/** Folds one event into the outstanding set (mutates `into`). */
export function applyToOutstanding(into: Outstanding, event: HistoryEvent): void {
  switch (event.type) {
    case 'ActivityScheduled': {
      into.activities.set(event.seq, {
        args: event.args,
        entry: event.entry,
        seq: event.seq,
        ...(event.options ? {options: event.options} : {}),
      })
      break
    }
    case 'ActivityCompleted':
    case 'ActivityFailed': {
      into.activities.delete(event.scheduled)
      break
    }
    case 'TimerStarted': {
      into.timers.set(event.seq, event.fireAt)
      break
    }
    case 'TimerFired':
    case 'TimerCancelled': {
      into.timers.delete(event.started)
      break
    }
    case 'ChildWorkflowStarted': {
      if (!event.error) into.children.set(event.seq, event.childPid)
      break
    }
    case 'ChildWorkflowCompleted': {
      into.children.delete(event.started)
      break
    }
    case 'CancelRequested': {
      into.cancelRequested = {
        at: event.ts,
        ...(event.from ? {from: event.from} : {}),
        ...(event.reason ? {reason: event.reason} : {}),
      }
      break
    }
    case 'TimeSkipped': {
      into.skippedMs += event.byMs
      break
    }
    case 'WorkflowStarted': {
      if (event.searchAttributes) into.search = mergeAttrs(undefined, event.searchAttributes)
      if (event.memo) into.memo = mergeAttrs(undefined, event.memo)
      break
    }
    case 'AttributesUpserted': {
      if (event.search) into.search = mergeAttrs(into.search, event.search)
      if (event.memo) into.memo = mergeAttrs(into.memo, event.memo)
      break
    }
    default:
  }
}

/**
 * `upsert`'s keys over `current` (a new object): a key upserted as null is removed, as Temporal
 * removes a memo key upserted as nil and a search attribute upserted empty.
 */
export function mergeAttrs(
  current: Record<string, unknown> | undefined,
  upsert: Record<string, unknown>,
): Record<string, unknown> {
  const out = {...current}
  for (const [key, value] of Object.entries(upsert)) {
    if (value === null) delete out[key]
    else out[key] = value
  }
  return out
}

export function outstandingOf(events: readonly HistoryEvent[]): Outstanding {
  const out = emptyOutstanding()
  for (const e of events) applyToOutstanding(out, e)
  return out
}

/** The earliest pending timer's fire time (workflow clock), if any. */
export function nextTimerAt(out: Outstanding): number | undefined {
  let min: number | undefined
  for (const at of out.timers.values()) if (min === undefined || at < min) min = at
  return min
}
