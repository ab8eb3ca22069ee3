/**
 * Where a project's control socket lives. Normally `<state>/control.sock`; Unix socket paths
 * are limited to ~108 bytes, so a deep project puts it in `<tmpdir>/wippy-<uid>/<sha1 of root>.sock`
 * instead (the directory mode 0700). Either way the server writes `<state>/control.json` with the
 * address, and clients read that file first.
 */
import {createHash} from 'node:crypto'
import {readFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

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
  const uid = typeof process.getuid === 'function' ? process.getuid() : 0
  const dir = join(tmpdir(), `wippy-${uid}`)
  const hash = createHash('sha1').update(layout.dir).digest('hex').slice(0, 12)
  return {dir, socket: join(dir, `${hash}.sock`)}
}

/** The info a running (or killed) server left, or undefined when there is none. */
export function readControlInfo(root: string, stateDir?: string): ControlInfo | undefined {
  try {
    const info = JSON.parse(readFileSync(controlInfoFile(root, stateDir), 'utf8')) as Partial<ControlInfo>
    if (typeof info.socket === 'string') return {pid: Number(info.pid), socket: info.socket, startedAt: Number(info.startedAt)}
  } catch {
    // No file, or a half-written one: fall back to the default path.
  }
  return undefined
}

/** The socket a client should try: `control.json`'s, else the computed one. */
export function resolveSocketPath(root: string, stateDir?: string): string {
  return readControlInfo(root, stateDir)?.socket ?? chooseSocketPath(root, stateDir).socket
}
