/**
 * One-line human summaries of history events, for timelines (`wippy history show`, the TUI).
 *
 * @example
 * summarizeEvent(e) // 'ActivityScheduled app.api:charge_card({"amount":100})'
 * summarizeEvent(e) // 'TimerStarted 24h'
 * summarizeEvent(e) // 'SignalReceived approve {"approved":true}'
 */
import type {EventOf, HistoryEvent, HistoryEventType, RecordedError} from './events.js'
import {needsForms, toForms} from './value-forms.js'

/** Longest JSON excerpt in a summary before it is cut with `…`. */
const MAX_JSON = 60

/** Each summarizer gets the longest JSON excerpt it may print (`Infinity`: never cut). */
type Summarizers = {[T in HistoryEventType]: (event: EventOf<T>, maxJson: number) => string}

// A mapped type: a new event kind does not compile until it has a summary.
const SUMMARIZERS: Summarizers = {
  ActivityCancelRequested: (e) => `#${e.scheduled}`,
  ActivityCompleted: (e, n) => `#${e.scheduled} ${json(e.result, n)}${attempts(e.attempts)}`,
  ActivityFailed: (e, n) => `#${e.scheduled} ${error(e.error, n)}${attempts(e.attempts)}`,
  ActivityScheduled: (e, n) => `${e.entry}(${args(e.args, n)})${e.async ? ' async' : ''}`,
  AttributesUpserted: (e, n) =>
    [e.search ? `search ${json(e.search, n)}` : '', e.memo ? `memo ${json(e.memo, n)}` : ''].filter(Boolean).join(' '),
  CancelRequested: (e) => cancelGist(e),
  ChildWorkflowCompleted: (e, n) => `${e.childPid} ${e.error ? error(e.error, n) : json(e.result, n)}`,
  ChildWorkflowStarted: (e, n) =>
    `${e.entry}(${args(e.input, n)}) ${e.childPid}${e.error ? ' ' + error(e.error, n) : ''}`,
  MarkerRecorded: (e, n) => `${e.name} ${json(e.value, n)}`,
  SideEffect: (e, n) => `${e.op} ${json(e.value, n)}`,
  SignalReceived: (e, n) => `${e.topic} ${payload(e.payload, n)}${e.queued ? ' (queued)' : ''}`,
  SignalSent: (e, n) => `${e.topic} → ${e.target} ${payload(e.payload, n)}${e.error ? ' ' + error(e.error, n) : ''}`,
  TimeSkipped: (e) => `+${formatDurationExact(e.byMs)}`,
  TimerCancelled: (e) => `#${e.started}`,
  TimerFired: (e) => `#${e.started}`,
  TimerStarted: (e) => formatDurationExact(e.durationMs),
  WorkflowCancelled: (e) => e.reason ?? '',
  WorkflowCompleted: (e, n) => json(e.result, n),
  WorkflowFailed: (e, n) => error(e.error, n),
  WorkflowStarted: (e, n) =>
    `${e.entry}(${args(e.input, n)}) ${e.pid}${e.continuedFrom ? ` (continues run ${e.continuedFrom})` : ''}`,
  WorkflowTerminated: (e) => e.reason ?? '',
  Warning: (e) => `${e.option}: ${e.message}`,
  WorkflowTimedOut: (e) => e.reason ?? `${e.timeout} timeout`,
  WorkflowContinuedAsNew: (e, n) => `${e.entry}(${args(e.input, n)}) → run ${e.newRunId}`,
}

/**
 * A short one-line summary: the event type, then its gist (entry, args, duration, result...).
 * JSON excerpts are cut with `…` past `maxJson` characters; a log (`wippy dev --no-tui`)
 * passes `Infinity` so nothing is ever cut.
 */
export function summarizeEvent(event: HistoryEvent, maxJson = MAX_JSON): string {
  const gist = (SUMMARIZERS[event.type] as (e: HistoryEvent, n: number) => string)(event, maxJson)
  return gist ? `${event.type} ${gist}` : event.type
}

/**
 * Formats a duration the way Wippy writes them: `24h`, `1h30m`, `90s` → `1m30s`, `350ms`,
 * `1500` → `1s500ms`. Zero is `0ms`; fractions of a millisecond are rounded. Exact to the
 * millisecond, where `formatDurationMs` (time/duration.ts) rounds to seconds from 1 s up.
 */
export function formatDurationExact(ms: number): string {
  if (!Number.isFinite(ms)) return String(ms)
  if (ms < 0) return '-' + formatDurationExact(-ms)
  let rest = Math.round(ms)
  if (rest === 0) return '0ms'
  let out = ''
  for (const [unit, size] of [
    ['h', 3_600_000],
    ['m', 60_000],
    ['s', 1000],
    ['ms', 1],
  ] as const) {
    const n = Math.floor(rest / size)
    if (n > 0) out += `${n}${unit}`
    rest -= n * size
  }
  return out
}

function json(value: unknown, n: number): string {
  return truncate(toText(value), n)
}

/** JSON for display; Lua's `nil` for undefined; never throws. */
function toText(value: unknown): string {
  // Strings and numbers are most results: no serializer call (`JSON.stringify` of a finite
  // number is its `String`; a string still goes through it for the escaping).
  if (typeof value === 'number' || typeof value === 'bigint') return String(value)
  try {
    return value === undefined ? 'nil' : (JSON.stringify(needsForms(value) ? toForms(value) : value) ?? String(value))
  } catch {
    return String(value)
  }
}

function truncate(text: string, n: number): string {
  return text.length > n ? text.slice(0, n - 1) + '…' : text
}

/** Call arguments, comma-separated, without the array brackets. */
function args(values: readonly unknown[], n: number): string {
  // One argument is the usual call: no intermediate array.
  return truncate(values.length === 1 ? toText(values[0]) : values.map(toText).join(', '), n)
}

/** A signal payload: the single value when there is one, else the list. */
function payload(values: readonly unknown[], n: number): string {
  return values.length === 1 ? json(values[0], n) : json(values, n)
}

function error(e: RecordedError, n: number): string {
  return truncate(e.kind ? `${e.kind}: ${e.message}` : e.message, n)
}

/** `from the CLI`, or the reason when one was given (`cancelled by parent (from {pid})`). */
function cancelGist(e: EventOf<'CancelRequested'>): string {
  const who = e.from === 'wippy-cli' ? 'from the CLI' : e.from ? `from ${e.from}` : ''
  // The CLI's default reason only repeats who asked.
  const reason = e.reason === 'cancelled from the CLI' || e.reason === 'cancelled' ? undefined : e.reason
  const text = reason ? `${reason}${e.from && e.from !== 'wippy-cli' ? ` (${who})` : ''}` : who
  return text + (e.queued ? ' (queued)' : '')
}

function attempts(n: number): string {
  return n > 1 ? ` (attempt ${n})` : ''
}
