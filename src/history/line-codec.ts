/**
 * Encodes one history event as the line the store appends: `{seq, type, ts, ...rest, crc}\n`.
 * The key order is stable (seq, type, ts first, then the event's own keys as given) so that
 * histories diff cleanly; the checksum format is described in `reader.ts`.
 *
 * Values are written losslessly: a Lua integer beyond 2^53, NaN, ±Infinity and -0 take a
 * typed form and the line gets `"typed":true` before its checksum (`value-forms.ts`), e.g.
 * `{"seq":3,"type":"ActivityCompleted","ts":…,"scheduled":2,"result":{"$int":"9007199254740993"},"attempts":1,"typed":true,"crc":"…"}`.
 * So replay hands the code exactly the value the live run was handed.
 */
import {WippyError} from '../errors.js'
import {HistoryEvent, type NewHistoryEvent} from './events.js'
import {lineChecksum} from './reader.js'
import {TYPED_FLAG, recordFromJson, recordToJson} from './value-forms.js'

/** An event with its `seq`, and the exact text (with `\n`) that goes on disk. */
export interface EncodedEvent {
  event: HistoryEvent
  line: string
}

/**
 * Validates an event against the schema and encodes it with the given `seq`. Validating on
 * the way in matters: a line the reader would refuse must never reach the file, or the whole
 * history becomes unreadable. The returned event shares nested values with `event`.
 *
 * @throws WippyError `WIPPY_HISTORY_INVALID_EVENT` (a bug in the caller) when the event does
 *   not match its schema or cannot be written as JSON.
 */
export function encodeEvent(seq: number, event: NewHistoryEvent): EncodedEvent {
  // Drop any seq the caller left on the object: the store owns numbering.
  const {seq: _ignored, type, ts, ...rest} = event as NewHistoryEvent & {seq?: unknown}
  if ('crc' in rest) throw invalid(type, '"crc" is reserved for the line checksum')
  if (TYPED_FLAG in rest) throw invalid(type, `"${TYPED_FLAG}" is reserved for the typed-forms flag`)
  const full = {seq, type, ts, ...rest}
  if (!plainlyValid(full)) {
    const parsed = HistoryEvent.safeParse(full)
    if (!parsed.success) {
      const issue = parsed.error.issues[0]
      const path = issue?.path.length ? issue.path.join('.') + ': ' : ''
      throw invalid(type, `${path}${issue?.message ?? 'invalid'}`)
    }
  }
  let json: string
  try {
    json = recordToJson(full)
  } catch (error) {
    throw invalid(type, (error as Error).message)
  }
  const body = json.slice(0, -1)
  // The forms are lossless: the event kept in memory is the one a reader gets back from the file.
  return {event: full as HistoryEvent, line: `${body},"crc":"${lineChecksum(body)}"}\n`}
}

/**
 * One event as the JSON text `history export` and `inspect --json` print: the line the store
 * writes, without its checksum. Values plain JSON would change are in typed forms (`value-forms.ts`).
 */
export function eventToJson(event: HistoryEvent): string {
  return recordToJson(event as unknown as Record<string, unknown>)
}

/** A parsed event line (stored, exported, streamed) back to its values: the inverse of {@link eventToJson}. */
export function eventFromJson(parsed: unknown): unknown {
  return recordFromJson(parsed)
}

const isInt = (v: unknown): boolean => Number.isSafeInteger(v)
const isPositiveInt = (v: unknown): boolean => Number.isSafeInteger(v) && (v as number) > 0
const isOptional = (v: unknown, type: 'boolean' | 'string'): boolean => v === undefined || typeof v === type

/**
 * A hand-written check of the two events every workflow step records (the schema parse was
 * ~2% of the engine's CPU). It accepts only what the schema in events.ts accepts; anything
 * else, and every other event type, goes through the schema, which also words the error.
 */
function plainlyValid(e: Record<string, unknown>): boolean {
  if (!isPositiveInt(e.seq) || !Number.isFinite(e.ts)) return false
  switch (e.type) {
    case 'ActivityScheduled':
      return (
        typeof e.entry === 'string' &&
        Array.isArray(e.args) &&
        e.options === undefined &&
        isOptional(e.async, 'boolean') &&
        isOptional(e.where, 'string')
      )
    case 'ActivityCompleted':
      return isInt(e.scheduled) && isPositiveInt(e.attempts)
    default:
      return false
  }
}

function invalid(type: unknown, why: string): WippyError {
  return new WippyError('WIPPY_HISTORY_INVALID_EVENT', `A ${String(type)} event cannot be recorded: ${why}.`, {
    hint: 'This is a bug in the workflow engine: it built an event that does not match src/history/events.ts.',
    kind: 'bug',
  })
}
