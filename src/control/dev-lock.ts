/**
 * The single-instance lock of `wippy dev`: `<state>/dev.lock` holds the pid and start time of
 * the server that owns the project's state. Created with O_EXCL so two servers starting at once
 * can't both win; a lock whose pid is dead (a SIGKILLed server) is taken over. Offline writers
 * (`wippy signal` without a server) check it too, so they never write under a live engine.
 */
import {mkdirSync, readFileSync, rmSync, writeFileSync} from 'node:fs'

import {stateLayout} from '../engine/state-dir.js'
import {WippyError} from '../errors.js'

/** What the lock file holds. */
export interface DevLockInfo {
  pid: number
  startedAt: number
}

/** A held lock. */
export interface DevLock {
  readonly file: string
  readonly info: DevLockInfo
  /** Removes the lock file if it is still ours. */
  release(): void
}

/**
 * Takes the project's dev lock.
 * @throws WippyError `WIPPY_DEV_ALREADY_RUNNING` when a live process holds it.
 */
export function acquireDevLock(root: string, stateDir?: string): DevLock {
  const layout = stateLayout(root, stateDir)
  mkdirSync(layout.dir, {mode: 0o700, recursive: true})
  const info: DevLockInfo = {pid: process.pid, startedAt: Date.now()}
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      writeFileSync(layout.lockFile, JSON.stringify(info) + '\n', {flag: 'wx', mode: 0o600})
      return {
        file: layout.lockFile,
        info,
        release: () => {
          if (readDevLock(root, stateDir)?.pid === info.pid) rmSync(layout.lockFile, {force: true})
        },
      }
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error
    }
    const holder = readDevLock(root, stateDir)
    if (holder && isAlive(holder.pid)) {
      throw new WippyError('WIPPY_DEV_ALREADY_RUNNING', `\`wippy dev\` already runs in this project (pid ${holder.pid}, started ${new Date(holder.startedAt).toISOString()}).`, {
        details: {...holder},
        hint: `Use that server (its commands work from any terminal), or stop it first: kill ${holder.pid}.`,
      })
    }
    // A dead holder (or an unreadable lock): take it over.
    rmSync(layout.lockFile, {force: true})
  }
  throw new WippyError('WIPPY_DEV_LOCK', `Can't take the dev lock ${layout.lockFile}.`, {hint: 'Another `wippy dev` keeps starting; stop it and try again.'})
}

/** The lock's holder when it is alive; undefined when there is no lock or its process died. */
export function liveDevLock(root: string, stateDir?: string): DevLockInfo | undefined {
  const holder = readDevLock(root, stateDir)
  return holder && isAlive(holder.pid) ? holder : undefined
}

/** The lock file's content, or undefined when there is none (or it is unreadable). */
export function readDevLock(root: string, stateDir?: string): DevLockInfo | undefined {
  try {
    const raw = JSON.parse(readFileSync(stateLayout(root, stateDir).lockFile, 'utf8')) as Partial<DevLockInfo>
    if (typeof raw.pid === 'number' && Number.isInteger(raw.pid) && raw.pid > 0) return {pid: raw.pid, startedAt: Number(raw.startedAt ?? 0)}
  } catch {
    // Missing or half-written: no holder.
  }
  return undefined
}

function isAlive(pid: number): boolean {
  if (pid === process.pid) return true
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    // EPERM: it exists but belongs to someone else, so it is alive.
    return (error as NodeJS.ErrnoException).code === 'EPERM'
  }
}
