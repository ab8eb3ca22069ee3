/**
 * Where the dev engine keeps its state inside a project. `.wippy/` also holds vendored
 * modules on the platform, so wippy's own state lives in `.wippy/dev/`.
 *
 *   .wippy/dev/histories/<workflow id>~<run id>.jsonl   one append-only history per run (source of truth)
 *   .wippy/dev/runs.json                                a cache of run summaries (lowdb) for fast `ps`
 *   .wippy/dev/code/                                    the code versions runs are pinned to (`engine/code-pins.ts`)
 *   .wippy/dev/dev.lock                                 who holds the state lock (`control/dev-lock.ts`)
 *   .wippy/dev/control.sock                             the control channel (mode 0600)
 */
import {type Stats, chmodSync, mkdirSync, readdirSync, realpathSync, statSync} from 'node:fs'
import {homedir} from 'node:os'
import {dirname, join, parse, resolve} from 'node:path'

import {WippyError} from '../errors.js'
import {currentUid} from './private-dir.js'

export const DEFAULT_STATE_DIR = join('.wippy', 'dev')

export interface StateLayout {
  /** Code versions that runs left on old code keep across restarts. */
  code: string
  dir: string
  histories: string
  lockFile: string
  /** Run summaries cache (the histories are the source of truth). */
  runIndex: string
  socket: string
}

export function stateLayout(root: string, stateDir?: string): StateLayout {
  const dir = resolve(root, stateDir ?? DEFAULT_STATE_DIR)
  return {
    code: join(dir, 'code'),
    dir,
    histories: join(dir, 'histories'),
    lockFile: join(dir, 'dev.lock'),
    runIndex: join(dir, 'runs.json'),
    socket: join(dir, 'control.sock'),
  }
}

/** The names wippy itself puts in a state dir (plus their temp files); anything else is the user's. */
const WIPPY_NAMES = /^(\.?runs\.json.*|histories|code|dev\.lock.*|lock|control\.(json|sock).*)$/

/**
 * Makes sure a state dir is one wippy may own, creating it (mode 0700) when it is absent.
 * An existing folder is accepted only when it is ours and holds nothing but wippy's files; it is
 * never chmodded unless those files show wippy made it (an empty folder open to others is refused). The project root, the home folder, the filesystem root
 * and shared folders (sticky or world-writable, like /tmp) are refused outright, since the
 * state would be written into them and a wrong `--state-dir .` must not take them over.
 * @throws WippyError `WIPPY_STATE_DIR_UNSAFE` with what is wrong and a hint.
 */
export function prepareStateDir(root: string, stateDir: string | undefined, options: {create: boolean}): StateLayout {
  const layout = stateLayout(root, stateDir)
  const refuse = (
    why: string,
    hint = 'Point --state-dir (or WIPPY_STATE_DIR) at a folder that does not exist yet, e.g. `.wippy/dev` or `~/.cache/wippy/<project>`; wippy creates it with mode 0700.',
  ) =>
    new WippyError('WIPPY_STATE_DIR_UNSAFE', `The state dir ${layout.dir} ${why}.`, {details: {dir: layout.dir}, hint})
  let stats = statOrUndefined(layout.dir)
  if (!stats) {
    if (!options.create) return layout
    try {
      mkdirSync(dirname(layout.dir), {mode: 0o700, recursive: true})
      mkdirSync(layout.dir, {mode: 0o700})
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') {
        throw refuse(
          `can't be created (${(error as NodeJS.ErrnoException).code ?? String(error)})`,
          'Check the permissions of its parent folder, or pass another --state-dir.',
        )
      }
    }
    stats = statOrUndefined(layout.dir)
    if (!stats) throw refuse('vanished while it was being created')
  }
  const real = realpathSync(layout.dir)
  const sameAs = (other: string | undefined) => other !== undefined && real === realOrSelf(other)
  if (sameAs(root)) throw refuse('is the project root; wippy writes histories, runs.json and its socket there')
  if (sameAs(homedir())) throw refuse('is your home folder')
  if (real === parse(real).root) throw refuse('is the filesystem root')
  if (!stats.isDirectory()) throw refuse('is not a folder')
  if ((stats.mode & 0o1000) !== 0 || (stats.mode & 0o002) !== 0)
    throw refuse('is a shared folder (sticky or world-writable, like /tmp)')
  const uid = currentUid()
  if (uid !== undefined && stats.uid !== uid) throw refuse(`belongs to uid ${stats.uid}, not to you (uid ${uid})`)
  const foreign = readdirSync(layout.dir).filter((name) => !WIPPY_NAMES.test(name))
  if (foreign.length > 0)
    throw refuse(
      `holds files that are not wippy's (${foreign.slice(0, 3).join(', ')}${foreign.length > 3 ? ', ...' : ''})`,
    )
  if (uid !== undefined && (stats.mode & 0o077) !== 0) {
    // Wippy's own files in it (written by a store that made it with the default mode): it is
    // ours to close. An empty folder someone made for us keeps its mode and is refused.
    const ours = foreign.length === 0 && readdirSync(layout.dir).length > 0
    if (ours && options.create) chmodSync(layout.dir, 0o700)
    if (ours) return layout
    throw refuse(
      `has mode ${(stats.mode & 0o777).toString(8).padStart(4, '0')}, open to other users, and wippy does not change the mode of a folder it did not create`,
      `Run \`chmod 700 ${layout.dir}\` if it is yours to close, or point --state-dir at a folder that does not exist yet.`,
    )
  }
  return layout
}

function statOrUndefined(path: string): Stats | undefined {
  try {
    return statSync(path)
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined
    throw error
  }
}

function realOrSelf(path: string): string {
  try {
    return realpathSync(path)
  } catch {
    return resolve(path)
  }
}
