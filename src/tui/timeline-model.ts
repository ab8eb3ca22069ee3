/**
 * Turns a run's history into timeline rows: the offset on the workflow clock, the summary,
 * how long a step took (scheduled → completed, timer started → fired, child started →
 * completed), the Lua `file:line`, and the folded details shown when a row is expanded.
 */
import type {HistoryEvent} from '../history/events.js'
import {summarizeEvent} from '../history/summary.js'
import {toJson} from './format.js'
import {shortenPids} from './tui-text.js'

export interface TimelineRow {
  /** The event's details as JSON lines, shown when the row is unfolded. */
  details: string[]
  /** How long the step took on the workflow clock, for steps that have an end. */
  durationMs?: number
  /** The summary without the type. */
  gist: string
  /** ms since WorkflowStarted on the workflow clock, never negative (see {@link timelineRows}). */
  offsetMs: number
  /** Whether the step has started and not ended yet. */
  pending: boolean
  seq: number
  type: HistoryEvent['type']
  where?: string
}

/**
 * Builds one row per event; `events` are in `seq` order. Offsets and durations are clamped at
 * 0: a fork writes its own WorkflowStarted at the fork's time but keeps the copied events'
 * original times, so those come before its start (they show `+0ms`, not `+-4m21ms`).
 */
export function timelineRows(events: readonly HistoryEvent[]): TimelineRow[] {
  const start = events[0]?.ts ?? 0
  const ends = new Map<number, number>()
  for (const e of events) {
    const startSeq = startOf(e)
    if (startSeq !== undefined) ends.set(startSeq, e.ts)
  }
  return events.map((e) => {
    // Whole: the SUMMARY column cuts it to the terminal's width (200 columns show more).
    const summary = summarizeEvent(e, Number.POSITIVE_INFINITY)
    const gist = shortenPids(summary.startsWith(e.type) ? summary.slice(e.type.length).trimStart() : summary)
    const end = ends.get(e.seq)
    const hasEnd = hasEndEvent(e)
    return {
      details: detailsOf(e),
      gist,
      offsetMs: Math.max(0, e.ts - start),
      pending: hasEnd && end === undefined,
      seq: e.seq,
      type: e.type,
      ...(end === undefined ? {} : {durationMs: Math.max(0, end - e.ts)}),
      ...('where' in e && e.where ? {where: e.where} : {}),
    }
  })
}

/** A bar of up to `width` cells, on a log scale so 5 ms and 24 h both show. */
export function durationBar(ms: number, maxMs: number, width: number): string {
  if (ms <= 0 || maxMs <= 0 || width <= 0) return ''
  const fraction = Math.log1p(ms) / Math.log1p(maxMs)
  const cells = Math.max(1, Math.round(fraction * width))
  return '█'.repeat(Math.min(width, cells))
}

/** The seq of the event that `e` ends, when `e` ends a step. */
function startOf(e: HistoryEvent): number | undefined {
  switch (e.type) {
    case 'ActivityCompleted':
    case 'ActivityFailed':
      return e.scheduled
    case 'TimerFired':
    case 'TimerCancelled':
      return e.started
    case 'ChildWorkflowCompleted':
      return e.started
    default:
      return undefined
  }
}

function hasEndEvent(e: HistoryEvent): boolean {
  return e.type === 'ActivityScheduled' || e.type === 'TimerStarted' || (e.type === 'ChildWorkflowStarted' && !e.error)
}

/** The interesting fields of an event, one `field: json` line each (long values pretty-printed). */
function detailsOf(e: HistoryEvent): string[] {
  const fields: Record<string, unknown> = {}
  switch (e.type) {
    case 'WorkflowStarted':
      Object.assign(fields, {input: e.input, pid: e.pid, ...(e.forkedFrom ? {forkedFrom: e.forkedFrom} : {})})
      break
    case 'ActivityScheduled':
      Object.assign(fields, {args: e.args, ...(e.options ? {options: e.options} : {})})
      break
    case 'ActivityCompleted':
    case 'ChildWorkflowCompleted':
    case 'WorkflowCompleted':
      Object.assign(fields, {
        result: 'result' in e ? e.result : undefined,
        ...('error' in e && e.error ? {error: e.error} : {}),
      })
      break
    case 'ActivityFailed':
    case 'WorkflowFailed':
      Object.assign(fields, {error: e.error})
      break
    case 'SignalReceived':
    case 'SignalSent':
      Object.assign(fields, {topic: e.topic, payload: e.payload})
      break
    case 'ChildWorkflowStarted':
      Object.assign(fields, {childPid: e.childPid, input: e.input})
      break
    case 'SideEffect':
      Object.assign(fields, {op: e.op, value: e.value})
      break
    case 'MarkerRecorded':
      Object.assign(fields, {name: e.name, value: e.value})
      break
    case 'TimerStarted':
      Object.assign(fields, {durationMs: e.durationMs, fireAt: new Date(e.fireAt).toISOString()})
      break
    default:
      Object.assign(fields, withoutBase(e))
  }
  return Object.entries(fields).flatMap(([key, value]) => {
    const compact = toJson(value)
    if (compact.length <= COMPACT) return [`${key}: ${compact}`]
    // Too long for one row: pretty-print it (the row is unfolded on purpose, show it all).
    const [first, ...rest] = toJson(value, 2).split('\n')
    return [`${key}: ${first}`, ...rest]
  })
}

/** Longest field value printed on one detail line. */
const COMPACT = 64

function withoutBase(e: HistoryEvent): Record<string, unknown> {
  const {seq: _seq, ts: _ts, type: _type, ...rest} = e
  return rest
}
