/**
 * Directories only the current user may reach, checked the way tmux and ssh-agent check theirs:
 * `lstat` (a symlink is never followed), owned by our uid, no group or other bits. A directory
 * that fails is refused, never "fixed" with chmod: its owner may be someone else, and changing
 * the mode of a folder we did not create is not ours to do.
 *
 * On platforms without uids (Windows) the checks are skipped: there are no Unix sockets to
 * hijack there, and the mode bits mean nothing.
 */
import {type Stats, lstatSync, mkdirSync, statSync} from 'node:fs'
import {dirname} from 'node:path'

import {WippyError} from '../errors.js'

/** Our uid, or undefined where the platform has none. */
export const currentUid = (): number | undefined =>
  typeof process.getuid === 'function' ? process.getuid() : undefined

/** Why a directory is not private to us, or undefined when it is. */
export function privateDirProblem(stats: Stats, uid = currentUid()): string | undefined {
  if (stats.isSymbolicLink()) return 'is a symbolic link'
  if (!stats.isDirectory()) return 'is not a directory'
  if (uid === undefined) return undefined
  if (stats.uid !== uid) return `belongs to uid ${stats.uid}, not to you (uid ${uid})`
  if ((stats.mode & 0o077) !== 0)
    return `has mode ${(stats.mode & 0o777).toString(8).padStart(4, '0')}; it must allow no one but you (0700)`
  return undefined
}

/**
 * Makes sure `dir` is a directory only we can reach: creates it 0700 when it is absent (its
 * parent must exist), and refuses one that is a symlink, someone else's, or open to others.
 * @throws WippyError `WIPPY_SOCKET_DIR_UNSAFE` (or `code`) with what is wrong and a hint.
 */
export function ensurePrivateDir(dir: string, code: `WIPPY_${string}` = 'WIPPY_SOCKET_DIR_UNSAFE'): void {
  // Whoever may write the parent (without the sticky bit) can rename our dir away and put theirs in.
  const parent = statOrThrow(dirname(dir), code)
  const uid = currentUid()
  if (uid !== undefined && parent.uid !== uid && parent.uid !== 0)
    throw unsafe(dir, `sits in ${dirname(dir)}, which belongs to uid ${parent.uid}`, code)
  if (uid !== undefined && (parent.mode & 0o022) !== 0 && (parent.mode & 0o1000) === 0)
    throw unsafe(dir, `sits in ${dirname(dir)}, which others may write and which has no sticky bit`, code)
  let stats = lstatOrThrow(dir, code)
  if (!stats) {
    try {
      mkdirSync(dir, {mode: 0o700})
    } catch (error) {
      // Someone created it between our lstat and mkdir: check theirs below like any other.
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw unreachable(dir, error, code)
    }
    stats = lstatOrThrow(dir, code)
  }
  const problem = stats ? privateDirProblem(stats) : 'vanished while it was being created'
  if (problem) throw unsafe(dir, problem, code)
}

/**
 * Why a client must not talk through a socket path: the socket or its directory is not ours
 * (someone else could be listening there, reading requests and forging replies). Undefined when
 * it is safe or when there is no socket at all (no server).
 */
export function socketProblem(socket: string): string | undefined {
  const uid = currentUid()
  if (uid === undefined) return undefined
  let stats: Stats | undefined
  let dirStats: Stats
  try {
    stats = lstatOrUndefined(socket)
    if (!stats) return undefined
    dirStats = statSync(dirname(socket))
  } catch (error) {
    return `can't be checked (${(error as NodeJS.ErrnoException).code ?? String(error)})`
  }
  if (!stats.isSocket()) return undefined
  if (stats.uid !== uid) return `belongs to uid ${stats.uid}, not to you (uid ${uid})`
  const dirProblem = privateDirProblem(dirStats, uid)
  return dirProblem ? `is in ${dirname(socket)}, which ${dirProblem}` : undefined
}

/** The lstat of a path, or undefined when it does not exist. */
export function lstatOrUndefined(path: string): Stats | undefined {
  try {
    return lstatSync(path)
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined
    throw error
  }
}

function unsafe(dir: string, problem: string, code: `WIPPY_${string}`): WippyError {
  return new WippyError(
    code,
    `The directory ${dir} ${problem}, so another local user could reach the dev server's socket through it.`,
    {
      details: {dir},
      hint: `Remove it (if it is yours) or set TMPDIR or XDG_RUNTIME_DIR to a directory only you can write; wippy creates ${dir} itself with mode 0700.`,
    },
  )
}

function lstatOrThrow(path: string, code: `WIPPY_${string}`): Stats | undefined {
  try {
    return lstatOrUndefined(path)
  } catch (error) {
    throw unreachable(path, error, code)
  }
}

function statOrThrow(path: string, code: `WIPPY_${string}`): Stats {
  try {
    return statSync(path)
  } catch (error) {
    throw unreachable(path, error, code)
  }
}

function unreachable(dir: string, error: unknown, code: `WIPPY_${string}`): WippyError {
  const errno = (error as NodeJS.ErrnoException).code ?? 'error'
  return new WippyError(code, `Can't reach or create the directory ${dir} (${errno}).`, {
    cause: error,
    hint: 'Check the permissions of its parent, or set TMPDIR or XDG_RUNTIME_DIR to a directory you own.',
  })
}
