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
import {crc32} from 'node:zlib'

import {WippyError} from '../errors.js'
import {HistoryEvent} from './events.js'

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

  const events: HistoryEvent[] = []
  let start = 0
  let lineNo = 0
  let checksummed: boolean | undefined
  while (start < end) {
    lineNo++
    const nl = buf.indexOf(NEWLINE, start)
    if (nl === -1 || nl >= end) {
      // The last line has no newline: a write cut short. Drop it, unless it swallowed a record.
      const swallowed = swallowedRecord(buf, start, end)
      if (swallowed !== undefined) throw corrupt(file, lineNo, start, swallowed)
      return finish(events, start, buf.length, lineNo, 'no-newline', file)
    }
    const isLast = nl + 1 === end
    const problem = checkLine(buf, start, nl, events.length, checksummed)
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
  start: number,
  nl: number,
  seen: number,
  checksummed: boolean | undefined,
): LineOk | LineProblem {
  const crcAt = nl - CRC_SUFFIX_LENGTH
  const stored = crcAt > start ? storedChecksum(buf, crcAt) : -1
  const hasCrc = stored !== -1
  if (hasCrc && crc32(buf.subarray(start, crcAt)) !== stored) {
    return {kind: 'checksum-mismatch', message: `its checksum does not match its content (crc ${buf.toString('latin1', crcAt + 8, nl - 2)})`}
  }
  let json: unknown
  try {
    json = JSON.parse(buf.toString('utf8', start, nl))
  } catch (error) {
    return {kind: 'unparsable', message: `it is not valid JSON (${(error as Error).message})`}
  }
  if (checksummed !== undefined && checksummed !== hasCrc) {
    // A missing or mangled suffix in a checksummed file is a checksum failure (torn if last).
    return hasCrc
      ? {kind: 'invalid', message: 'it carries a "crc" field but line 1 does not'}
      : {kind: 'checksum-mismatch', message: 'it lacks the "crc" field that line 1 carries'}
  }
  const parsed = HistoryEvent.safeParse(json)
  if (!parsed.success) {
    const issue = parsed.error.issues[0]
    const path = issue?.path.length ? issue.path.join('.') + ': ' : ''
    return {kind: 'invalid', message: `it is not a valid history event (${path}${issue?.message ?? 'invalid'})`}
  }
  const event = parsed.data
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
