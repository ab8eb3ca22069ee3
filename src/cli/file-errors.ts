/**
 * Errors for files the user named on the command line. Node's own message repeats the path
 * and the errno ("ENOENT: no such file or directory, open '/x'"); a person needs one plain
 * reason, so the common codes get words and the path is said once.
 */
import {WippyError} from '../errors.js'

const REASONS: Readonly<Record<string, string>> = {
  EACCES: 'you have no permission to read it',
  EISDIR: 'it is a directory',
  ENOENT: 'there is no such file',
  ENOTDIR: 'a part of the path is not a directory',
  EPERM: 'the system does not allow it',
}

/** The reason for a failed fs call, in words (Node's text for codes not listed). */
export function fsReason(error: unknown): string {
  const code = (error as NodeJS.ErrnoException | undefined)?.code
  return (code && REASONS[code]) ?? (error instanceof Error ? error.message : String(error))
}

/** `Can't read <what> <file>: <reason>.` with WIPPY_FILE_NOT_FOUND (ENOENT) or WIPPY_FILE_READ. */
export function fileReadError(file: string, error: unknown, what: string): WippyError {
  const missing = (error as NodeJS.ErrnoException | undefined)?.code === 'ENOENT'
  return new WippyError(
    missing ? 'WIPPY_FILE_NOT_FOUND' : 'WIPPY_FILE_READ',
    `Can't read ${what} ${file}: ${fsReason(error)}.`,
    {
      hint: missing
        ? 'Check the path (it is relative to the current directory).'
        : 'Check the file and its permissions.',
    },
  )
}
