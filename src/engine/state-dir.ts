/**
 * Where the dev engine keeps its state inside a project. `.wippy/` also holds vendored
 * modules on the platform, so wippy's own state lives in `.wippy/dev/`.
 *
 *   .wippy/dev/histories/<workflow id>~<run id>.jsonl   one append-only history per run (source of truth)
 *   .wippy/dev/runs.json                                a cache of run summaries (lowdb) for fast `ps`
 *   .wippy/dev/dev.lock                                 pid of the running `wippy dev` (one per project)
 *   .wippy/dev/control.sock                             the control channel (mode 0600)
 */
import {join, resolve} from 'node:path'

export const DEFAULT_STATE_DIR = join('.wippy', 'dev')

export interface StateLayout {
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
    dir,
    histories: join(dir, 'histories'),
    lockFile: join(dir, 'dev.lock'),
    runIndex: join(dir, 'runs.json'),
    socket: join(dir, 'control.sock'),
  }
}
