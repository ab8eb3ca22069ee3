/**
 * What a failed history write or open means to the user. One error class for every storage
 * failure, so the engine can tell "your event is not durable" (reject the caller, park the
 * run until the disk is back) from every other error, and the CLI can name the cause.
 *
 * `details.recorded` says what a retry means: "no" (the committer cut the failed write away)
 * makes a retried request exactly-once; "unknown" (the cut failed too) makes it at-least-once.
 */
import {basename} from 'node:path'

import {WippyError, type WippyErrorCode} from '../errors.js'

/** Thrown when a history file can't be opened, written or synced; the event was not acknowledged. */
export class HistoryStorageError extends WippyError {}

interface Cause {
  code: WippyErrorCode
  hint: string
  what: string
}

const RETRY = 'then send the request again: the run picks up from its history, no restart needed.'

const CAUSES: Record<string, Cause> = {
  EACCES: {
    code: 'WIPPY_STATE_NOT_WRITABLE',
    hint: `Give your user write access to .wippy/dev, ${RETRY}`,
    what: 'permission is denied',
  },
  EDQUOT: {
    code: 'WIPPY_DISK_FULL',
    hint: `Free space (or raise the quota) on the disk that holds .wippy/dev, ${RETRY}`,
    what: 'the disk quota is exhausted',
  },
  EIO: {
    code: 'WIPPY_DISK_IO_ERROR',
    hint: 'The disk reports an I/O error: check it (dmesg), then restart `wippy dev`.',
    what: 'the disk reports an I/O error',
  },
  EMFILE: {
    code: 'WIPPY_TOO_MANY_OPEN_FILES',
    hint: `Close connections or raise the open-file limit (ulimit -n), ${RETRY}`,
    what: 'the dev server has too many open files',
  },
  ENFILE: {
    code: 'WIPPY_TOO_MANY_OPEN_FILES',
    hint: `The system's open-file table is full; close programs, ${RETRY}`,
    what: 'the system has too many open files',
  },
  ENOSPC: {
    code: 'WIPPY_DISK_FULL',
    hint: `Free space on the disk that holds .wippy/dev, ${RETRY}`,
    what: 'the disk is full',
  },
  EPERM: {
    code: 'WIPPY_STATE_NOT_WRITABLE',
    hint: `Give your user write access to .wippy/dev, ${RETRY}`,
    what: 'the operation is not permitted',
  },
  EROFS: {
    code: 'WIPPY_READ_ONLY_FS',
    hint: `Remount the file system that holds .wippy/dev read-write, ${RETRY}`,
    what: 'the file system is read-only',
  },
}

/**
 * The error for a failed `op` ("write", "open") of `file`. `recorded` says what reached the
 * file: false when nothing of the failed append is in it (the committer cut it away).
 */
export function storageError(
  op: string,
  file: string,
  error: unknown,
  recorded: 'no' | 'unknown' = 'no',
): HistoryStorageError {
  if (error instanceof HistoryStorageError) return error
  const errno = (error as NodeJS.ErrnoException).code ?? 'unknown'
  const cause = CAUSES[errno]
  const what = cause?.what ?? (error as Error).message
  const outcome = recorded === 'no' ? 'The event is not recorded.' : 'The event may or may not be recorded.'
  return new HistoryStorageError(
    cause?.code ?? 'WIPPY_HISTORY_WRITE_FAILED',
    `Can't ${op} history ${basename(file)}: ${what} (${errno}). ${outcome}`,
    {
      cause: error,
      details: {errno, recorded},
      file,
      hint: cause?.hint ?? `Fix the disk that holds .wippy/dev, ${RETRY}`,
    },
  )
}

/** The history file was removed while its run was loaded: appending would write to a deleted inode. */
export function deletedError(file: string): HistoryStorageError {
  return new HistoryStorageError(
    'WIPPY_HISTORY_DELETED',
    `History ${basename(file)} was deleted while its run was loaded. The event is not recorded.`,
    {
      details: {recorded: 'no'},
      file,
      hint: 'Restore the file (e.g. from `wippy history export`), or restart `wippy dev` to drop the run.',
    },
  )
}

export function isStorageFailure(error: unknown): error is HistoryStorageError {
  return error instanceof HistoryStorageError
}
