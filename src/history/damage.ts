/**
 * Damaged histories: reading a run file without ever throwing for its bytes, keeping copies
 * of bytes before anything is cut, and `repair` (cut a damaged history back to its good
 * prefix). One damaged file must never take the project down, and damage is never silent:
 * the engine quarantines the run (`status: damaged`, skipped by recovery, still listed), and
 * the only way bytes leave a history is through a kept copy beside it:
 *
 * - `<run key>.jsonl.torn-<stamp>`: the dropped torn tail (written by the store before it truncates);
 * - `<run key>.jsonl.damaged-<stamp>`: the whole damaged file, written by {@link repairHistoryFile}.
 *
 * Neither name ends in `.jsonl`, so listings never take a copy for a run.
 */
import {constants} from 'node:fs'
import {lstat, open, readFile, rename, unlink} from 'node:fs/promises'
import {dirname} from 'node:path'

import {WippyError} from '../errors.js'
import type {HistoryEvent} from './events.js'
import {type HistoryDamage, type ScannedHistory, scanHistoryBuffer} from './reader.js'
import {historyFileOf} from './run-files.js'
import {storageError} from './storage-errors.js'

/** What {@link scanRunFile} finds in one run's file. */
export interface ScannedRunFile extends ScannedHistory {
  bytes: Buffer
  file: string
}

/**
 * Reads and scans a run's file. A file that cannot be read as one (a directory with a run's
 * name, no permission) is damage too, with no good events.
 * @throws the fs error for ENOENT (no such run), which callers word themselves.
 */
export async function scanRunFile(file: string): Promise<ScannedRunFile> {
  let bytes: Buffer
  try {
    bytes = await readFile(file)
  } catch (error) {
    // Damage is about what the file holds: a folder in its place is damage; a read the host
    // failed (EMFILE, EIO, EACCES...) says nothing of the bytes, so the run is blocked and retried.
    if ((error as NodeJS.ErrnoException).code !== 'EISDIR')
      throw (error as NodeJS.ErrnoException).code === 'ENOENT' ? error : storageError('read', file, error)
    return {
      bytes: Buffer.alloc(0),
      damage: {goodEvents: 0, line: 0, offset: 0, reason: 'it is a directory, not a file'},
      events: [],
      file,
      validBytes: 0,
    }
  }
  return {...scanHistoryBuffer(bytes), bytes, file}
}

/** One line for `ps` and the dev log: where the damage is, what it is, what is intact. */
export function describeDamage(damage: HistoryDamage): string {
  const where = damage.line === 0 ? '' : ` at line ${damage.line} (byte ${damage.offset})`
  const intact = damage.goodEvents === 0 ? 'no event is readable' : `events 1..${damage.goodEvents} are intact`
  return `damaged${where}: ${damage.reason}; ${intact}`
}

/** A file-name-safe UTC time stamp with milliseconds: `20261204T024501123Z`. */
export function copyStamp(now: number): string {
  return new Date(now).toISOString().replace(/[-:.]/g, '')
}

/**
 * Writes `bytes` durably to a new file `<file>.<kind>-<stamp>` (never over an existing one)
 * and returns its path. Called before any byte of `file` is cut.
 */
export async function keepCopy(
  file: string,
  bytes: Uint8Array,
  kind: 'damaged' | 'torn',
  now = Date.now(),
): Promise<string> {
  for (let n = 0; ; n++) {
    const copy = `${file}.${kind}-${copyStamp(now)}${n === 0 ? '' : `-${n}`}`
    let handle
    try {
      handle = await open(copy, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, 0o600)
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EEXIST' && n < 100) continue
      throw error
    }
    try {
      await handle.writeFile(bytes)
      await handle.sync()
    } finally {
      await handle.close()
    }
    await syncDir(dirname(file))
    return copy
  }
}

/** What {@link repairHistoryFile} did. */
export interface RepairResult {
  /** The damage that was cut away. */
  damage: HistoryDamage
  /** Bytes of the file that are no longer in the history (they are in `keptAs`). */
  droppedBytes: number
  file: string
  /** The copy of the whole damaged file (or directory), kept beside it. */
  keptAs: string
  /** The events the history now holds (0: the run is gone; its copy is kept). */
  keptEvents: number
  /** True when nothing readable was left, so the history file was moved aside. */
  removed: boolean
  runKey: string
}

/**
 * Repairs a damaged run: keeps the whole file as `<file>.damaged-<stamp>`, then rewrites the
 * history to its last good event (atomically: a synced temp file renamed over it). With no
 * good event the file is moved aside and the run is forgotten. The copy is never deleted.
 * The caller must own the histories (the dev server, or no dev server at all).
 *
 * @throws WippyError `WIPPY_HISTORY_NOT_FOUND`, `WIPPY_HISTORY_NOT_DAMAGED` (nothing to repair).
 */
export async function repairHistoryFile(
  dir: string,
  runKey: string,
  now = Date.now(),
): Promise<RepairResult & {events: HistoryEvent[]}> {
  const file = historyFileOf(dir, runKey)
  const info = await lstat(file).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT')
      throw new WippyError('WIPPY_HISTORY_NOT_FOUND', `No history for run ${runKey}.`, {
        file,
        hint: 'List the runs with `wippy ps --all`.',
      })
    throw error
  })
  if (!info.isFile()) {
    // Not a file (a directory with a run's name): moved aside whole, never deleted.
    const keptAs = `${file}.damaged-${copyStamp(now)}`
    await rename(file, keptAs)
    await syncDir(dir)
    const damage = {
      goodEvents: 0,
      line: 0,
      offset: 0,
      reason: info.isDirectory() ? 'it is a directory, not a file' : 'it is not a regular file',
    }
    return {damage, droppedBytes: 0, events: [], file, keptAs, keptEvents: 0, removed: true, runKey}
  }
  const scanned = await scanRunFile(file)
  if (!scanned.damage) {
    throw new WippyError('WIPPY_HISTORY_NOT_DAMAGED', `History ${file} is not damaged; there is nothing to repair.`, {
      file,
      hint: scanned.torn
        ? 'Its torn last line is dropped (and kept as a copy) when `wippy dev` next opens it.'
        : 'Inspect it with `wippy history inspect`.',
      kind: 'usage',
    })
  }
  const keptAs = await keepCopy(file, scanned.bytes, 'damaged', now)
  const base = {
    damage: scanned.damage,
    droppedBytes: scanned.bytes.length - scanned.validBytes,
    file,
    keptAs,
    keptEvents: scanned.events.length,
    runKey,
  }
  if (scanned.events.length === 0) {
    await unlink(file)
    await syncDir(dir)
    return {...base, events: [], removed: true}
  }
  const tmp = `${file}.repair-${copyStamp(now)}.tmp`
  const handle = await open(tmp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, 0o644)
  try {
    await handle.writeFile(scanned.bytes.subarray(0, scanned.validBytes))
    await handle.sync()
  } catch (error) {
    await handle.close()
    await unlink(tmp).catch(() => {})
    throw error
  }
  await handle.close()
  await rename(tmp, file)
  await syncDir(dir)
  return {...base, events: scanned.events, removed: false}
}

async function syncDir(dir: string): Promise<void> {
  const handle = await open(dir, constants.O_RDONLY)
  try {
    await handle.sync()
  } finally {
    await handle.close()
  }
}
