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

type Summarizers = {[T in HistoryEventType]: (event: EventOf<T>) => string}

// A mapped type: a new event kind does not compile until it has a summary.
const SUMMARIZERS: Summarizers = {
  ActivityCancelRequested: (e) => `#${e.scheduled}`,
  ActivityCompleted: (e) => `#${e.scheduled} ${json(e.result)}${attempts(e.attempts)}`,
  ActivityFailed: (e) => `#${e.scheduled} ${error(e.error)}${attempts(e.attempts)}`,
  ActivityScheduled: (e) => `${e.entry}(${args(e.args)})${e.async ? ' async' : ''}`,
  CancelRequested: (e) => cancelGist(e),
  ChildWorkflowCompleted: (e) => `${e.childPid} ${e.error ? error(e.error) : json(e.result)}`,
  ChildWorkflowStarted: (e) => `${e.entry}(${args(e.input)}) ${e.childPid}${e.error ? ' ' + error(e.error) : ''}`,
  MarkerRecorded: (e) => `${e.name} ${json(e.value)}`,
  SideEffect: (e) => `${e.op} ${json(e.value)}`,
  SignalReceived: (e) => `${e.topic} ${payload(e.payload)}${e.queued ? ' (queued)' : ''}`,
  SignalSent: (e) => `${e.topic} → ${e.target} ${payload(e.payload)}${e.error ? ' ' + error(e.error) : ''}`,
  TimeSkipped: (e) => `+${formatDurationMs(e.byMs)}`,
  TimerCancelled: (e) => `#${e.started}`,
  TimerFired: (e) => `#${e.started}`,
  TimerStarted: (e) => formatDurationMs(e.durationMs),
  WorkflowCancelled: (e) => e.reason ?? '',
  WorkflowCompleted: (e) => json(e.result),
  WorkflowFailed: (e) => error(e.error),
  WorkflowStarted: (e) => `${e.entry}(${args(e.input)}) ${e.pid}`,
  WorkflowTerminated: (e) => e.reason ?? '',
}

/** A short one-line summary: the event type, then its gist (entry, args, duration, result...). */
export function summarizeEvent(event: HistoryEvent): string {
  const gist = (SUMMARIZERS[event.type] as (e: HistoryEvent) => string)(event)
  return gist ? `${event.type} ${gist}` : event.type
}

/**
 * Formats a duration the way Wippy writes them: `24h`, `1h30m`, `90s` → `1m30s`, `350ms`,
 * `1500` → `1s500ms`. Zero is `0ms`; fractions of a millisecond are rounded.
 */
export function formatDurationMs(ms: number): string {
  if (!Number.isFinite(ms)) return String(ms)
  if (ms < 0) return '-' + formatDurationMs(-ms)
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

function json(value: unknown): string {
  return truncate(toText(value))
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

function truncate(text: string): string {
  return text.length > MAX_JSON ? text.slice(0, MAX_JSON - 1) + '…' : text
}

/** Call arguments, comma-separated, without the array brackets. */
function args(values: readonly unknown[]): string {
  // One argument is the usual call: no intermediate array.
  return truncate(values.length === 1 ? toText(values[0]) : values.map(toText).join(', '))
}

/** A signal payload: the single value when there is one, else the list. */
function payload(values: readonly unknown[]): string {
  return values.length === 1 ? json(values[0]) : json(values)
}

function error(e: RecordedError): string {
  return truncate(e.kind ? `${e.kind}: ${e.message}` : e.message)
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
