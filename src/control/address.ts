/**
 * Where a project's control socket lives. Normally `<state>/control.sock`; Unix socket paths
 * are limited to ~108 bytes, so a deep project puts it in `$XDG_RUNTIME_DIR/wippy/` (when that is
 * a private dir of ours) or `<tmpdir>/wippy-<uid>/`, as `<sha1 of the state dir>.sock`. That
 * directory is checked like tmux checks its own (`engine/private-dir.ts`): ours, 0700, no symlink.
 * Either way the server writes `<state>/control.json` with the address, and clients read that
 * file first.
 */
import {createHash} from 'node:crypto'
import {readFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {isAbsolute, join} from 'node:path'

import {currentUid, lstatOrUndefined, privateDirProblem} from '../engine/private-dir.js'
import {stateLayout} from '../engine/state-dir.js'

/** Socket paths longer than this go to the temp directory (the OS limit is 104-108 bytes). */
export const MAX_SOCKET_PATH = 100

/** What `<state>/control.json` holds. */
export interface ControlInfo {
  pid: number
  socket: string
  startedAt: number
}

/** The path of `control.json` in a project's state dir. */
export function controlInfoFile(root: string, stateDir?: string): string {
  return join(stateLayout(root, stateDir).dir, 'control.json')
}

/** The socket path a server for this project should listen on. */
export function chooseSocketPath(root: string, stateDir?: string): {dir?: string; socket: string} {
  const layout = stateLayout(root, stateDir)
  if (Buffer.byteLength(layout.socket) <= MAX_SOCKET_PATH) return {socket: layout.socket}
  const dir = fallbackSocketDir()
  const hash = createHash('sha1').update(layout.dir).digest('hex').slice(0, 12)
  return {dir, socket: join(dir, `${hash}.sock`)}
}

/** The info a running (or killed) server left, or undefined when there is none. */
export function readControlInfo(root: string, stateDir?: string): ControlInfo | undefined {
  try {
    const info = JSON.parse(readFileSync(controlInfoFile(root, stateDir), 'utf8')) as Partial<ControlInfo>
    if (typeof info.socket === 'string')
      return {pid: Number(info.pid), socket: info.socket, startedAt: Number(info.startedAt)}
  } catch {
    // No file, or a half-written one: fall back to the default path.
  }
  return undefined
}

/** The socket a client should try: `control.json`'s, else the computed one. */
export function resolveSocketPath(root: string, stateDir?: string): string {
  return readControlInfo(root, stateDir)?.socket ?? chooseSocketPath(root, stateDir).socket
}

/** `$XDG_RUNTIME_DIR/wippy` when the runtime dir is set and private to us (sudo can pass another user's), else `<tmpdir>/wippy-<uid>`. */
function fallbackSocketDir(): string {
  const runtime = process.env.XDG_RUNTIME_DIR
  if (runtime && isAbsolute(runtime)) {
    const stats = lstatOrUndefinedQuiet(runtime)
    if (stats && privateDirProblem(stats) === undefined) return join(runtime, 'wippy')
  }
  return join(tmpdir(), `wippy-${currentUid() ?? 0}`)
}

function lstatOrUndefinedQuiet(path: string) {
  try {
    return lstatOrUndefined(path)
  } catch {
    return undefined
  }
}
