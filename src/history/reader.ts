/**
 * The recovery reader: turns the bytes of one history file into events, or refuses loudly.
 *
 * The file format (written by `store.ts`): one JSON object per line, UTF-8, each line ending
 * in `\n`, `seq` running 1..n, the first event a WorkflowStarted. Lines written by wippy end
 * in a checksum field, `,"crc":"<8 hex>"}`, the CRC-32 of the line's bytes before `,"crc"`.
 *
 * What a crash can leave, and what we do about it:
 * - a torn last line (no `\n`, or a last line that does not parse or fails its checksum),
 *   and/or NUL bytes after the last record (some filesystems extend the size before the data
 *   lands): this is the tail of a write that was never acknowledged, so it is dropped and
 *   reported as a {@link TornTailReport}. The store truncates it when it opens the run for writing.
 * - anything else (bad JSON, a checksum or schema failure, a `seq` gap or repeat before the
 *   last line, a missing WorkflowStarted) is damage to acknowledged events: we throw
 *   `WIPPY_HISTORY_CORRUPT` with the file, line and byte offset. Never skip silently.
 *
 * Why a checksum: JSON parsing catches a line cut in the middle, but not a flipped byte
 * inside a string or a number (`"amount":100` → `"amount":900` still parses). CRC-32 catches
 * every single-byte change and costs well under a microsecond per line (zlib.crc32 is native).
 * It stays diffable: a short field at the end of the line. Lines without it (histories written
 * by hand or by other tools) are accepted, but a file must be consistent: if line 1 carries a
 * crc, every line must, so a damaged `"crc"` key cannot hide a change.
 */
import {isAscii} from 'node:buffer'
import {crc32} from 'node:zlib'

import {WippyError} from '../errors.js'
import type {EventOf, HistoryEvent, HistoryEventType} from './events.js'

/** A torn tail the reader dropped (and the store truncated, when opened for writing). */
export interface TornTailReport {
  /** Byte offset where the dropped bytes begin (= the new file size). */
  atOffset: number
  /** How many bytes were (or, for a read-only read, would be) dropped. */
  droppedBytes: number
  /** 1-based line number of the dropped partial line. */
  line: number
  /** Why the tail counts as torn. */
  reason: 'checksum-mismatch' | 'no-newline' | 'nul-padding' | 'unparsable'
}

/** What {@link readHistoryBuffer} recovers from a buffer. */
export interface RecoveredHistory {
  events: HistoryEvent[]
  /** Byte length of the complete, valid records (where appends continue). */
  validBytes: number
  torn?: TornTailReport
}

/** Length of the checksum suffix `,"crc":"xxxxxxxx"}`. */
export const CRC_SUFFIX_LENGTH = 18
const CRC_PREFIX = Buffer.from(',"crc":"')
const NEWLINE = 0x0a

/** The CRC-32 of a line body, as the 8 lowercase hex digits stored in the `crc` field. */
export function lineChecksum(body: Buffer | string): string {
  return crc32(body).toString(16).padStart(8, '0')
}

/**
 * Parses a history file's bytes. Pure: it never touches the disk, so callers decide whether
 * to truncate the torn tail it reports.
 *
 * @param file the path, for error messages only.
 * @throws WippyError `WIPPY_HISTORY_CORRUPT` on damage before the last line, a `seq` gap or
 *   repeat, or a file with no complete WorkflowStarted.
 */
export function readHistoryBuffer(buf: Buffer, file: string): RecoveredHistory {
  // NULs after the last record are padding from a crash, never data (JSON text has no raw NUL).
  let end = buf.length
  while (end > 0 && buf[end - 1] === 0) end--

  // Histories are nearly always ASCII (JSON.stringify escapes nothing else, but Lua strings may
  // hold UTF-8): then one decode and string slices are much cheaper than a decode per line,
  // and a char offset is a byte offset.
  const text = isAscii(buf.subarray(0, end)) ? buf.toString('latin1', 0, end) : undefined
  const events: HistoryEvent[] = []
  let start = 0
  let lineNo = 0
  let checksummed: boolean | undefined
  while (start < end) {
    lineNo++
    const nl = text === undefined ? buf.indexOf(NEWLINE, start) : text.indexOf('\n', start)
    if (nl === -1 || nl >= end) {
      // The last line has no newline: a write cut short. Drop it, unless it swallowed a record.
      const swallowed = swallowedRecord(buf, start, end)
      if (swallowed !== undefined) throw corrupt(file, lineNo, start, swallowed)
      return finish(events, start, buf.length, lineNo, 'no-newline', file)
    }
    const isLast = nl + 1 === end
    const problem = checkLine(buf, text, start, nl, events.length, checksummed)
    if (typeof problem === 'object' && 'event' in problem) {
      checksummed ??= problem.hasCrc
      events.push(problem.event)
      start = nl + 1
      continue
    }
    if (isLast && (problem.kind === 'unparsable' || problem.kind === 'checksum-mismatch')) {
      const swallowed = swallowedRecord(buf, start, nl)
      if (swallowed !== undefined) throw corrupt(file, lineNo, start, swallowed)
      return finish(events, start, buf.length, lineNo, problem.kind, file)
    }
    throw corrupt(file, lineNo, start, problem.message)
  }
  return finish(events, start, buf.length, lineNo + 1, 'nul-padding', file)
}

/**
 * Why a damaged last line is not a torn tail, if it is not: it begins with a whole checksummed
 * record whose newline was changed into another byte (bit rot). A torn write only loses bytes
 * at the end, or leaves NULs where data had not landed; it never turns `\n` into something else,
 * so dropping the line would silently lose an acknowledged event.
 */
function swallowedRecord(buf: Buffer, start: number, end: number): string | undefined {
  for (let at = buf.indexOf(CRC_PREFIX, start); at !== -1 && at + CRC_SUFFIX_LENGTH < end; at = buf.indexOf(CRC_PREFIX, at + 1)) {
    const after = buf[at + CRC_SUFFIX_LENGTH]
    if (after === 0 || storedChecksum(buf, at) !== crc32(buf.subarray(start, at))) continue
    return `a complete record ends at byte ${at + CRC_SUFFIX_LENGTH} without its newline (0x${after!.toString(16).padStart(2, '0')} instead of 0x0a)`
  }
  return undefined
}

type LineProblem = {kind: 'checksum-mismatch' | 'invalid' | 'unparsable'; message: string}
type LineOk = {event: HistoryEvent; hasCrc: boolean}

function checkLine(
  buf: Buffer,
  text: string | undefined,
  start: number,
  nl: number,
  seen: number,
  checksummed: boolean | undefined,
): LineOk | LineProblem {
  const crcAt = nl - CRC_SUFFIX_LENGTH
  const stored = crcAt > start ? storedChecksum(buf, crcAt) : -1
  const hasCrc = stored !== -1
  // For an ASCII file the string slice holds the same bytes, and costs less than a Buffer view.
  if (hasCrc && crc32(text === undefined ? buf.subarray(start, crcAt) : text.slice(start, crcAt)) !== stored) {
    return {kind: 'checksum-mismatch', message: `its checksum does not match its content (crc ${buf.toString('latin1', crcAt + 8, nl - 2)})`}
  }
  let json: unknown
  try {
    json = JSON.parse(text === undefined ? buf.toString('utf8', start, nl) : text.slice(start, nl))
  } catch (error) {
    return {kind: 'unparsable', message: `it is not valid JSON (${(error as Error).message})`}
  }
  if (checksummed !== undefined && checksummed !== hasCrc) {
    // A missing or mangled suffix in a checksummed file is a checksum failure (torn if last).
    return hasCrc
      ? {kind: 'invalid', message: 'it carries a "crc" field but line 1 does not'}
      : {kind: 'checksum-mismatch', message: 'it lacks the "crc" field that line 1 carries'}
  }
  const event = validateEvent(json)
  if (typeof event === 'string') return {kind: 'invalid', message: `it is not a valid history event (${event})`}
  if (event.seq !== seen + 1) {
    const what = event.seq <= seen ? 'repeats or goes back' : 'skips ahead'
    return {kind: 'invalid', message: `its seq ${event.seq} ${what}: expected ${seen + 1}`}
  }
  if ((seen === 0) !== (event.type === 'WorkflowStarted')) {
    return {
      kind: 'invalid',
      message: seen === 0 ? `the first event is ${event.type}, not WorkflowStarted` : 'WorkflowStarted appears again after line 1',
    }
  }
  return {event, hasCrc}
}

/**
 * The crc stored in the suffix `,"crc":"xxxxxxxx"}` that starts at `at`, or -1 when the line
 * has no such suffix. Plain byte loops: a native call per line (compare, toString) costs more
 * than the whole check on a 10k-line history.
 */
function storedChecksum(buf: Buffer, at: number): number {
  for (let i = 0; i < CRC_PREFIX.length; i++) if (buf[at + i] !== CRC_PREFIX[i]) return -1
  if (buf[at + 16] !== 0x22 || buf[at + 17] !== 0x7d) return -1
  let value = 0
  for (let i = at + 8; i < at + 16; i++) {
    const c = buf[i]!
    const digit = c >= 0x30 && c <= 0x39 ? c - 0x30 : c >= 0x61 && c <= 0x66 ? c - 0x57 : -1
    if (digit === -1) return -1
    value = value * 16 + digit
  }
  return value
}

function finish(
  events: HistoryEvent[],
  validBytes: number,
  size: number,
  line: number,
  reason: TornTailReport['reason'],
  file: string,
): RecoveredHistory {
  if (events.length === 0) {
    throw corrupt(file, 1, 0, 'it holds no complete WorkflowStarted event', {
      hint: 'wippy writes a history atomically with its first event, so this file was cut or written by another tool. Restore it from a copy, or delete it to forget the run.',
    })
  }
  if (validBytes === size) return {events, validBytes}
  return {events, validBytes, torn: {atOffset: validBytes, droppedBytes: size - validBytes, line, reason}}
}

function corrupt(file: string, line: number, offset: number, why: string, extra: {hint?: string} = {}): WippyError {
  return new WippyError('WIPPY_HISTORY_CORRUPT', `History ${file} is damaged at line ${line} (byte ${offset}): ${why}.`, {
    details: {offset},
    file,
    hint:
      extra.hint ??
      `Events before line ${line} are intact. Restore the file from a copy, or fork the run from the last good event (seq ${line - 1}) with \`wippy fork\`. wippy does not skip damaged events.`,
    line,
  })
}

// ---------------------------------------------------------------------------------------
// The event schema check, by hand. It mirrors the zod schemas in `events.ts` exactly (same
// acceptance, unknown keys stripped, keys in schema order, the same first-issue message),
// because zod costs ~70 ms to import and ~7 µs an event cold: over half of
// `wippy history inspect` on a 10k-event run. The mapped types below fail to compile when
// an event kind or a field is added to `events.ts` without being added here.

/** A field check: the (possibly copied) value, or an {@link Issue} (its path relative to the value). */
type Check = (value: unknown) => unknown

class Issue {
  constructor(
    readonly path: string,
    readonly message: string,
  ) {}
}

/** Every field of an event kind, in the schema's key order. */
type Shape<E> = {[K in keyof E]-?: Check}

function received(value: unknown): string {
  if (value === null) return 'null'
  if (Array.isArray(value)) return 'array'
  if (typeof value === 'number' && !Number.isFinite(value)) return String(value)
  return typeof value
}

const expected = (what: string, value: unknown): Issue => new Issue('', `Invalid input: expected ${what}, received ${received(value)}`)

const str: Check = (v) => (typeof v === 'string' ? v : expected('string', v))
const bool: Check = (v) => (typeof v === 'boolean' ? v : expected('boolean', v))
const num: Check = (v) => (typeof v === 'number' && Number.isFinite(v) ? v : expected('number', v))
const int: Check = (v) => {
  if (typeof v !== 'number' || !Number.isFinite(v)) return expected('number', v)
  if (Number.isSafeInteger(v)) return v
  if (!Number.isInteger(v)) return expected('int', v)
  return new Issue('', v > 0 ? `Too big: expected int to be <=${Number.MAX_SAFE_INTEGER}` : `Too small: expected int to be >=${Number.MIN_SAFE_INTEGER}`)
}
const positiveInt: Check = (v) => {
  const n = int(v)
  return n instanceof Issue || (n as number) > 0 ? n : new Issue('', 'Too small: expected number to be >0')
}
const nonnegative: Check = (v) => {
  const n = num(v)
  return n instanceof Issue || (n as number) >= 0 ? n : new Issue('', 'Too small: expected number to be >=0')
}
/** `z.unknown()` as an object field: any value, but the key must be present. */
const unknown: Check = (v) => (v === undefined ? expected('nonoptional', v) : v)
const unknownArray: Check = (v) => (Array.isArray(v) ? v : expected('array', v))
const literal =
  (value: number): Check =>
  (v) =>
    v === value ? v : new Issue('', `Invalid input: expected ${value}`)
const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v)
const record: Check = (v) => {
  if (!isRecord(v)) return expected('record', v)
  const out: Record<string, unknown> = {}
  for (const key of Object.keys(v)) out[key] = v[key]
  return out
}
const optional =
  (check: Check): Check =>
  (v) =>
    v === undefined ? undefined : check(v)

/** A shape as parallel lists, walked in order (no `for...in` or destructuring on the hot path). */
interface Fields {
  checks: readonly Check[]
  keys: readonly string[]
}
const fieldsOf = (shape: Record<string, Check>): Fields => ({checks: Object.values(shape), keys: Object.keys(shape)})

/** Checks an object against its fields: a copy with those keys only, in their order. */
function object(fields: Fields, v: unknown): unknown {
  if (!isRecord(v)) return expected('object', v)
  const out: Record<string, unknown> = {}
  const {checks, keys} = fields
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i]!
    const value = v[key]
    const checked = checks[i]!(value)
    if (checked instanceof Issue) return new Issue(checked.path ? `${key}.${checked.path}` : key, checked.message)
    if (checked !== undefined || value !== undefined) out[key] = checked
  }
  return out
}
const nested = (shape: Record<string, Check>): Check => {
  const fields = fieldsOf(shape)
  return (v) => object(fields, v)
}

const recordedError = nested({details: optional(unknown), kind: optional(str), message: str, retryable: optional(bool), traceback: optional(str)})
const where = optional(str)
const base = {seq: positiveInt, ts: num, type: str}

const SHAPES: {[T in HistoryEventType]: Shape<EventOf<T>>} = {
  WorkflowStarted: {
    ...base,
    format: literal(1),
    workflowId: str,
    runId: str,
    pid: str,
    entry: str,
    host: str,
    input: unknownArray,
    codeHash: str,
    seed: int,
    parent: optional(nested({pid: str, seq: int})),
    context: optional(record),
    forkedFrom: optional(nested({pid: str, at: int})),
  },
  ActivityScheduled: {...base, entry: str, args: unknownArray, options: optional(record), async: optional(bool), where},
  ActivityCompleted: {...base, scheduled: int, result: unknown, attempts: positiveInt},
  ActivityFailed: {...base, scheduled: int, error: recordedError, attempts: positiveInt},
  ActivityCancelRequested: {...base, scheduled: int, where},
  TimerStarted: {...base, durationMs: num, fireAt: num, where},
  TimerFired: {...base, started: int},
  TimerCancelled: {...base, started: int, where},
  SideEffect: {...base, op: str, value: unknown, where},
  SignalReceived: {...base, topic: str, payload: unknownArray, from: str, signalId: optional(str), queued: optional(bool)},
  SignalSent: {...base, target: str, topic: str, payload: unknownArray, error: optional(recordedError), where},
  ChildWorkflowStarted: {...base, entry: str, host: str, childPid: str, input: unknownArray, wait: optional(bool), error: optional(recordedError), where},
  ChildWorkflowCompleted: {...base, started: int, childPid: str, result: optional(unknown), error: optional(recordedError), queued: optional(bool)},
  CancelRequested: {...base, reason: optional(str), from: optional(str), queued: optional(bool)},
  MarkerRecorded: {...base, name: str, value: unknown, where},
  TimeSkipped: {...base, byMs: nonnegative},
  WorkflowCompleted: {...base, result: unknown},
  WorkflowFailed: {...base, error: recordedError},
  WorkflowCancelled: {...base, reason: optional(str)},
  WorkflowTerminated: {...base, reason: optional(str)},
}
const FIELDS = Object.fromEntries(Object.entries(SHAPES).map(([type, shape]) => [type, fieldsOf(shape as Record<string, Check>)])) as Record<HistoryEventType, Fields>

/**
 * Checks parsed JSON against the history event schema (`HistoryEvent` in `events.ts`) without
 * zod: the event as zod would return it, or the first issue as `path: message`.
 */
export function validateEvent(json: unknown): HistoryEvent | string {
  if (!isRecord(json)) return `Invalid input: expected object, received ${received(json)}`
  const type = json.type
  const fields = typeof type === 'string' && Object.hasOwn(FIELDS, type) ? FIELDS[type as HistoryEventType] : undefined
  if (!fields) return `type: Invalid discriminator value. Expected ${Object.keys(FIELDS).map((t) => `'${t}'`).join(' | ')}`
  const checked = object(fields, json)
  return checked instanceof Issue ? `${checked.path ? checked.path + ': ' : ''}${checked.message}` : (checked as HistoryEvent)
}
