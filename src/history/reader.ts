/**
 * The recovery reader: turns the bytes of one history file into events, and says exactly
 * what it could not read. It never throws for bad bytes in {@link scanHistoryBuffer}; the
 * throwing {@link readHistoryBuffer} is for callers that must refuse a damaged file.
 *
 * The file format (written by `store.ts`): one JSON object per line, UTF-8, each line ending
 * in `\n`, `seq` running 1..n, the first event a WorkflowStarted. Lines written by wippy begin
 * `{"seq":<n>,"type":"` and end in a checksum field, `,"crc":"<8 hex>"}`, the CRC-32 of the
 * line's bytes before `,"crc"`.
 *
 * What a crash can leave, and only that, is a **torn tail** (the bytes of the last, never
 * acknowledged append): it is dropped and reported as a {@link TornTailReport} (the store
 * keeps a copy of the dropped bytes when it truncates them):
 * - a last line without its `\n` that could be the start of the record being written
 *   (for a checksummed file: a prefix of `{"seq":<next>,"type":"`, or starting with it);
 * - NUL bytes after the last record, or inside the last line (a filesystem can extend the
 *   size, or land a later page, before the earlier data).
 *
 * Everything else is **damage** to acknowledged bytes, reported as a {@link HistoryDamage}
 * (line, byte offset, what is wrong, how many events before it are intact): bad JSON, a
 * checksum or schema failure, an unknown event type, a `seq` gap or repeat, a missing
 * WorkflowStarted, an empty file — and also a *complete* last line (ending in `\n`) that fails
 * its checksum: an append writes the newline last, so a torn write cannot leave one (dropping
 * it would silently erase an acknowledged event). Damage is never skipped: the run is
 * quarantined (see `damage.ts`) until `wippy history repair` cuts it back to its good prefix.
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
import type {HistoryEvent} from './events.js'
import {isKnownEventType, validateEvent} from './event-check.js'
import {recordFromJson} from './value-forms.js'

export {validateEvent} from './event-check.js'

/** A torn tail the reader dropped (and the store truncated, when opened for writing). */
export interface TornTailReport {
  /** Byte offset where the dropped bytes begin (= the new file size). */
  atOffset: number
  /** How many bytes were (or, for a read-only read, would be) dropped. */
  droppedBytes: number
  /** Where the store kept a copy of the dropped bytes before truncating them (open only). */
  keptAs?: string
  /** 1-based line number of the dropped partial line. */
  line: number
  /** Why the tail counts as torn. */
  reason: 'checksum-mismatch' | 'no-newline' | 'nul-padding' | 'unparsable'
}

/** Damage to acknowledged bytes: where the readable history ends, and why. */
export interface HistoryDamage {
  /** How many events before the damage are intact (they are seq 1..goodEvents). */
  goodEvents: number
  /** 1-based line number of the first damaged line. */
  line: number
  /** Byte offset where the damaged line begins (= the length of the good prefix). */
  offset: number
  /** What is wrong, as a clause ("its checksum does not match its content"). */
  reason: string
}

/** What {@link readHistoryBuffer} recovers from a buffer. */
export interface RecoveredHistory {
  events: HistoryEvent[]
  /** Byte length of the complete, valid records (where appends continue). */
  validBytes: number
  torn?: TornTailReport
}

/** What {@link scanHistoryBuffer} finds: the good events, and the damage after them if any. */
export interface ScannedHistory extends RecoveredHistory {
  damage?: HistoryDamage
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
 * Parses a history file's bytes and refuses damage. Pure: it never touches the disk, so
 * callers decide whether to truncate the torn tail it reports.
 *
 * @param file the path, for error messages only.
 * @throws WippyError `WIPPY_HISTORY_CORRUPT` (see {@link damageError}) on any damage.
 */
export function readHistoryBuffer(buf: Buffer, file: string): RecoveredHistory {
  const scanned = scanHistoryBuffer(buf)
  if (scanned.damage) throw damageError(file, scanned.damage)
  return scanned.torn
    ? {events: scanned.events, torn: scanned.torn, validBytes: scanned.validBytes}
    : {events: scanned.events, validBytes: scanned.validBytes}
}

/** Parses a history file's bytes: the good events, a torn tail, or the damage. Never throws. */
export function scanHistoryBuffer(buf: Buffer): ScannedHistory {
  if (buf.length === 0)
    return {
      damage: {goodEvents: 0, line: 1, offset: 0, reason: 'the file is empty (0 bytes)'},
      events: [],
      validBytes: 0,
    }
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
  const damaged = (reason: string): ScannedHistory => ({
    damage: {goodEvents: events.length, line: lineNo, offset: start, reason},
    events,
    validBytes: start,
  })
  while (start < end) {
    lineNo++
    const nl = text === undefined ? buf.indexOf(NEWLINE, start) : text.indexOf('\n', start)
    if (nl === -1 || nl >= end) {
      // The last line has no newline: a write cut short, if it could be one.
      const notTorn =
        swallowedRecord(buf, start, end) ??
        (checksummed ? notARecordStart(buf, start, end, events.length + 1) : undefined)
      if (notTorn !== undefined) return damaged(notTorn)
      return finish(events, start, buf.length, lineNo, 'no-newline')
    }
    const isLast = nl + 1 === end
    const problem = checkLine(buf, text, start, nl, events.length, checksummed)
    if (typeof problem === 'object' && 'event' in problem) {
      checksummed ??= problem.hasCrc
      events.push(problem.event)
      start = nl + 1
      continue
    }
    // A complete last line is torn only if part of it never landed (NULs); see the module comment.
    if (
      isLast &&
      (problem.kind === 'unparsable' || problem.kind === 'checksum-mismatch') &&
      buf.subarray(start, nl).includes(0)
    ) {
      return finish(events, start, buf.length, lineNo, problem.kind)
    }
    const swallowed = isLast ? swallowedRecord(buf, start, nl) : undefined
    if (swallowed !== undefined) return damaged(swallowed)
    if (isLast && (problem.kind === 'unparsable' || problem.kind === 'checksum-mismatch')) {
      return damaged(
        `${problem.message}, and the line is complete (it ends in its newline), so it is an acknowledged event, not a torn write`,
      )
    }
    return damaged(problem.message)
  }
  return finish(events, start, buf.length, lineNo + 1, 'nul-padding')
}

/**
 * Why a damaged last line is not a torn tail, if it is not: it begins with a whole checksummed
 * record whose newline was changed into another byte (bit rot). A torn write only loses bytes
 * at the end, or leaves NULs where data had not landed; it never turns `\n` into something else,
 * so dropping the line would silently lose an acknowledged event.
 */
function swallowedRecord(buf: Buffer, start: number, end: number): string | undefined {
  for (
    let at = buf.indexOf(CRC_PREFIX, start);
    at !== -1 && at + CRC_SUFFIX_LENGTH < end;
    at = buf.indexOf(CRC_PREFIX, at + 1)
  ) {
    const after = buf[at + CRC_SUFFIX_LENGTH]
    if (after === 0 || storedChecksum(buf, at) !== crc32(buf.subarray(start, at))) continue
    return `a complete record ends at byte ${at + CRC_SUFFIX_LENGTH} without its newline (0x${after!.toString(16).padStart(2, '0')} instead of 0x0a)`
  }
  return undefined
}

/**
 * Why a last line without its newline, in a file wippy wrote, cannot be the start of the next
 * append, if it cannot: every record begins `{"seq":<next>,"type":"`, and a torn write keeps a
 * prefix of it. (NULs mean a page never landed: then nothing is said about the rest.)
 */
function notARecordStart(buf: Buffer, start: number, end: number, next: number): string | undefined {
  const tail = buf.subarray(start, end)
  if (tail.includes(0)) return undefined
  const head = `{"seq":${next},"type":"`
  const n = Math.min(head.length, tail.length)
  if (tail.toString('latin1', 0, n) === head.slice(0, n)) return undefined
  const shown = JSON.stringify(tail.toString('latin1', 0, Math.min(tail.length, 24)))
  return `the last line is cut short but does not begin like record ${next} would (${shown}${tail.length > 24 ? '...' : ''} instead of ${JSON.stringify(head)}), so it is not a torn append`
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
    return {
      kind: 'checksum-mismatch',
      message: `its checksum does not match its content (crc ${buf.toString('latin1', crcAt + 8, nl - 2)})`,
    }
  }
  let json: unknown
  try {
    json = JSON.parse(text === undefined ? buf.toString('utf8', start, nl) : text.slice(start, nl))
    // A line with `"typed":true` holds values in typed forms (an int64, NaN...): see value-forms.ts.
    json = recordFromJson(json)
  } catch (error) {
    return {kind: 'unparsable', message: `it is not valid JSON (${(error as Error).message})`}
  }
  if (checksummed !== undefined && checksummed !== hasCrc) {
    // A missing or mangled suffix in a checksummed file is a checksum failure.
    return hasCrc
      ? {kind: 'invalid', message: 'it carries a "crc" field but line 1 does not'}
      : {kind: 'checksum-mismatch', message: 'it lacks the "crc" field that line 1 carries'}
  }
  const type =
    typeof json === 'object' && json !== null && !Array.isArray(json) ? (json as {type?: unknown}).type : undefined
  if (type === undefined)
    return {
      kind: 'invalid',
      message: `it is not a history event (${Array.isArray(json) || typeof json !== 'object' || json === null ? 'not a JSON object' : 'no "type" field'})`,
    }
  if (typeof type === 'string' && !isKnownEventType(type)) {
    return {
      kind: 'invalid',
      message: `its event type ${JSON.stringify(type).slice(0, 80)} is not one this wippy knows (written by a newer version, or by hand?)`,
    }
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
      message:
        seen === 0
          ? `the first event is ${event.type}, not WorkflowStarted`
          : 'WorkflowStarted appears again after line 1',
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
): ScannedHistory {
  if (events.length === 0) {
    const why =
      validBytes === size
        ? 'it holds no WorkflowStarted event'
        : 'it holds no complete WorkflowStarted event (its first line is cut short)'
    return {damage: {goodEvents: 0, line: 1, offset: 0, reason: why}, events, validBytes: 0}
  }
  if (validBytes === size) return {events, validBytes}
  return {events, torn: {atOffset: validBytes, droppedBytes: size - validBytes, line, reason}, validBytes}
}

/**
 * The error for a damaged history. The hint names what works in that state: `wippy history
 * repair` (with or without a dev server), and `wippy fork --at` when there is a good prefix.
 */
export function damageError(file: string, damage: HistoryDamage, runKey?: string): WippyError {
  const {goodEvents, line, offset, reason} = damage
  const name = runKey ?? file.replace(/^.*[\\/]/, '').replace(/\.jsonl$/, '')
  const repair = `\`wippy history repair ${name}\``
  const hint =
    goodEvents === 0
      ? `No event of this run can be read, so there is nothing to fork from. ${repair} moves the file aside (it keeps it as a copy) and forgets the run; or restore the file from a copy.`
      : `Events 1..${goodEvents} are intact. ${repair} keeps a copy of the file and cuts the history back to event ${goodEvents}, then the run goes on from there; or \`wippy fork ${name} --at ${goodEvents}\` (with \`wippy dev\` running) starts a new run from them. wippy never skips damaged events.`
  return new WippyError(
    'WIPPY_HISTORY_CORRUPT',
    `History ${file} is damaged at line ${line} (byte ${offset}): ${reason}.`,
    {
      details: {goodEvents, offset},
      file,
      hint,
      line,
    },
  )
}
