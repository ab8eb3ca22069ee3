/**
 * The state lock: one writer per state dir. `wippy dev` holds it for its lifetime (its engine
 * appends to the histories); an offline writer (`wippy signal` with no server) holds it for the
 * few milliseconds of one append. Both take the same lock, so offline signals serialise with
 * each other and never write under an engine that is starting.
 *
 * The exclusive token is something the kernel releases when the holder dies, so a dead holder
 * never needs a takeover (a takeover is where lock files race):
 * - Linux: binding the abstract Unix socket `\0wippy-lock-<sha256 of the real state dir>-<uid>`.
 *   bind is atomic (EADDRINUSE while held) and the name vanishes with the process, kill -9 too.
 * - Elsewhere (or with `WIPPY_LOCK_FALLBACK=1`, which the tests use): generation files, see
 *   `lock-generations.ts`.
 *
 * `<state>/dev.lock` (in the 0700 state dir) describes the holder for messages: pid, kind (a dev
 * server or an offline writer) and a random token. The abstract namespace is open to every local
 * user, so a holder proves itself by answering a connection with its token, which only a reader
 * of our 0700 dir can check; a name held by anyone else is reported as squatted, never trusted.
 */
import {randomBytes, createHash} from 'node:crypto'
import {readFileSync, realpathSync, renameSync, rmSync, writeFileSync} from 'node:fs'
import {type Server, connect, createServer} from 'node:net'

import {prepareStateDir, stateLayout} from '../engine/state-dir.js'
import {WippyError} from '../errors.js'
import {acquireGeneration, isProcessAlive} from './lock-generations.js'

/** Who holds a state lock: a `wippy dev` server, or an offline writer doing one append. */
export type LockKind = 'dev' | 'offline'

/** What `dev.lock` holds. */
export interface DevLockInfo {
  kind: LockKind
  pid: number
  startedAt: number
  token: string
}

/** A held lock. */
export interface DevLock {
  readonly file: string
  readonly info: DevLockInfo
  /** Gives the lock up (and removes `dev.lock` if it still describes us); safe to call twice. */
  release(): Promise<void>
}

export interface AcquireOptions {
  kind: LockKind
  stateDir?: string
  /** How long to wait for offline writers to finish before giving up (ms); default 30000 (each takes milliseconds, but a loaded machine and a queue of them add up). */
  waitMs?: number
  /** Use the generation files even where abstract sockets exist (tests of the fallback). */
  fallback?: boolean
}

/** Whether this platform has abstract Unix sockets (Linux only). */
const HAS_ABSTRACT = process.platform === 'linux'

/**
 * Takes the state lock of a project. A short-lived offline holder is waited for; a dev server
 * is not (it holds the lock until it stops).
 * @throws WippyError `WIPPY_DEV_ALREADY_RUNNING` (kind `dev`) or `WIPPY_DEV_STARTING` (kind
 *   `offline`) when a dev server holds it; `WIPPY_STATE_BUSY` when an offline writer keeps it
 *   past `waitMs`; `WIPPY_LOCK_SQUATTED` when someone who can't read our state dir holds the name.
 */
export async function acquireDevLock(root: string, options: AcquireOptions): Promise<DevLock> {
  const layout = prepareStateDir(root, options.stateDir, {create: options.kind === 'dev'})
  const info: DevLockInfo = {
    kind: options.kind,
    pid: process.pid,
    startedAt: Date.now(),
    token: randomBytes(16).toString('hex'),
  }
  const deadline = Date.now() + (options.waitMs ?? 30_000)
  const useFallback = options.fallback === true || process.env.WIPPY_LOCK_FALLBACK === '1' || !HAS_ABSTRACT
  const name = lockName(layout.dir)
  for (let delay = 5, unknown = 0; ; delay = Math.min(delay * 2, 50)) {
    const held = useFallback ? acquireGeneration(layout.dir, info) : await bindAbstract(name, info.token)
    if ('release' in held) {
      writeDescription(layout.lockFile, info)
      let released = false
      return {
        file: layout.lockFile,
        info,
        release: async () => {
          if (released) return
          released = true
          if (readDevLock(root, options.stateDir)?.token === info.token) rmSync(layout.lockFile, {force: true})
          await held.release()
        },
      }
    }
    // Busy: the fallback read its holder; an abstract name's holder is asked (undefined: it just left).
    const holder = useFallback ? held.holder : await identifyHolder(name, layout.lockFile)
    if (holder === 'squatted') throw squatted(name)
    if (holder?.kind === 'dev') throw devHolds(holder, options.kind)
    if (holder === undefined) {
      // Between two states (a holder binding but not yet listening, a generation just taken):
      // look again at once; only a holder we can name is worth waiting for.
      if (++unknown > 200)
        throw new WippyError('WIPPY_DEV_LOCK', `Can't take the state lock of ${layout.dir}.`, {
          hint: 'Other wippy commands keep taking it; stop them and try again.',
        })
      await new Promise((r) => setTimeout(r, 1))
      continue
    }
    if (Date.now() > deadline) {
      throw new WippyError(
        'WIPPY_STATE_BUSY',
        `Another wippy command (pid ${holder.pid}) keeps writing to this project's state.`,
        {
          hint: 'Wait for it to finish and run the command again.',
        },
      )
    }
    // An offline writer (or a holder still writing dev.lock): it is done in milliseconds.
    await new Promise((r) => setTimeout(r, delay))
  }
}

/** `dev.lock`'s content, or undefined when there is none (or it is unreadable). */
export function readDevLock(root: string, stateDir?: string): DevLockInfo | undefined {
  return readDescription(stateLayout(root, stateDir).lockFile)
}

/** The abstract socket name of a state dir: its real path (so two spellings meet) and our uid. */
export function lockName(dir: string): string {
  let real = dir
  try {
    real = realpathSync(dir)
  } catch {
    // Not there yet: the spelled path is all there is.
  }
  const uid = typeof process.getuid === 'function' ? process.getuid() : 0
  return `\0wippy-lock-${createHash('sha256').update(real).digest('hex').slice(0, 32)}-${uid}`
}

type Attempt = {release(): Promise<void> | void} | {holder?: DevLockInfo | undefined}

/** Binds the abstract name; a held name is `{}` (the holder is found by asking it). */
function bindAbstract(name: string, token: string): Promise<Attempt> {
  return new Promise((resolve, reject) => {
    const server: Server = createServer((conn) => {
      conn.on('error', () => conn.destroy())
      conn.end(`${token}\n`)
    })
    server.once('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'EADDRINUSE') resolve({})
      else {
        reject(
          new WippyError(
            'WIPPY_DEV_LOCK',
            `Can't bind the state lock's abstract socket (${error.code ?? error.message}).`,
            {
              cause: error,
              hint: 'This system restricts abstract Unix sockets; set WIPPY_LOCK_FALLBACK=1 for every wippy command of this project to use lock files instead.',
            },
          ),
        )
      }
    })
    server.listen(name, () => {
      // The lock must not keep a finished command alive.
      server.unref()
      resolve({release: () => new Promise<void>((done) => server.close(() => done()))})
    })
  })
}

/**
 * Asks the holder of the abstract name for its token and checks it against `dev.lock` (and
 * that the pid there lives: a token learnt from a killed holder proves nothing). A fresh
 * holder may not have written `dev.lock` yet, so a mismatch is retried for a moment before the
 * name is called squatted. A holder that accepts but stays mute is a live one whose event loop
 * is busy (a long replay) when the pid `dev.lock` names is alive. Undefined: nobody holds it.
 */
async function identifyHolder(name: string, lockFile: string): Promise<DevLockInfo | 'squatted' | undefined> {
  const deadline = Date.now() + 1000
  for (;;) {
    const token = await askToken(name)
    if (token === undefined) return undefined
    const described = readDescription(lockFile)
    const alive = described !== undefined && isProcessAlive(described.pid)
    if (alive && (described.token === token || token === '')) return described
    if (Date.now() > deadline) return 'squatted'
    await new Promise((r) => setTimeout(r, 20))
  }
}

/** The token the name's holder answers with; undefined when nobody listens; '' for a mute holder. */
function askToken(name: string): Promise<string | undefined> {
  return new Promise((resolve) => {
    const conn = connect(name)
    let text = ''
    const timer = setTimeout(() => finish(text.trim()), 500)
    const finish = (value: string | undefined) => {
      clearTimeout(timer)
      conn.destroy()
      resolve(value)
    }
    conn.setEncoding('utf8')
    conn.on('data', (chunk: string) => {
      text += chunk
      if (text.includes('\n') || text.length > 200) finish(text.split('\n')[0]!.trim())
    })
    conn.on('end', () => finish(text.trim()))
    conn.on('error', () => finish(undefined))
  })
}

function writeDescription(file: string, info: DevLockInfo): void {
  const tmp = `${file}.${process.pid}.tmp`
  writeFileSync(tmp, JSON.stringify(info) + '\n', {mode: 0o600})
  renameSync(tmp, file)
}

function readDescription(file: string): DevLockInfo | undefined {
  try {
    const raw = JSON.parse(readFileSync(file, 'utf8')) as Partial<DevLockInfo>
    if (typeof raw.pid === 'number' && Number.isInteger(raw.pid) && raw.pid > 0) {
      return {
        kind: raw.kind === 'offline' ? 'offline' : 'dev',
        pid: raw.pid,
        startedAt: Number(raw.startedAt ?? 0),
        token: String(raw.token ?? ''),
      }
    }
  } catch {
    // Missing or half-written: no description.
  }
  return undefined
}

function devHolds(holder: DevLockInfo, kind: LockKind): WippyError {
  if (kind === 'offline') {
    return new WippyError(
      'WIPPY_DEV_STARTING',
      `\`wippy dev\` (pid ${holder.pid}) owns this project's state but does not answer yet.`,
      {
        details: {...holder},
        hint: 'Wait until it prints its banner, then run the command again.',
      },
    )
  }
  return new WippyError(
    'WIPPY_DEV_ALREADY_RUNNING',
    `\`wippy dev\` already runs in this project (pid ${holder.pid}, started ${new Date(holder.startedAt).toISOString()}).`,
    {
      details: {...holder},
      hint: `Use that server (its commands work from any terminal), or stop it first: kill ${holder.pid}.`,
    },
  )
}

function squatted(name: string): WippyError {
  return new WippyError(
    'WIPPY_LOCK_SQUATTED',
    `Another process holds this project's lock name (@${name.slice(1)}) but can't show the token in its state dir; it may belong to another local user.`,
    {
      details: {name: name.slice(1)},
      hint: `Find it with \`ss -xlp | grep ${name.slice(1)}\` and stop it; wippy will not share a state dir with it.`,
    },
  )
}
