/**
 * The state lock where there are no abstract Unix sockets: numbered generation files in
 * `<state>/lock/`. The holder is whoever created the highest generation, which is never removed
 * while it is the highest, so it is a CAS that needs no stale-file removal:
 *
 * - Generation N+1 is created with `link()` of a file already holding our description, which
 *   fails with EEXIST when it exists: for each N exactly one process can create N+1, and its
 *   content is complete from the first moment.
 * - N+1 is only tried after reading N as released or held by a dead pid.
 * - The creator then lists again: a higher generation (it worked from a stale listing) means it
 *   lost. Generations only ever grow, so two creators can't both see themselves on top.
 * - Release rewrites our generation as released (rename over it); the winner of the next one
 *   removes the generations below its predecessor.
 *
 * The residual weakness is the pid check itself: a reused pid looks alive (the lock then waits
 * for it like for a live holder, never two holders), and a zombie is treated as dead.
 */
import {linkSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync, mkdirSync} from 'node:fs'
import {join} from 'node:path'

import type {DevLockInfo} from './dev-lock.js'

/** One attempt: held (release it), or refused with the current holder. */
export type GenerationAttempt = {release(): void} | {holder: DevLockInfo | undefined}

/** Tries once to take the lock in `<stateDir>/lock/`. */
export function acquireGeneration(stateDir: string, info: DevLockInfo): GenerationAttempt {
  const dir = join(stateDir, 'lock')
  mkdirSync(dir, {mode: 0o700, recursive: true})
  const top = highest(dir)
  if (top > 0) {
    const holder = readGeneration(dir, top)
    // A missing file: a newer winner cleaned it up; report busy and let the caller retry.
    if (holder === undefined) return {holder: undefined}
    if (holder !== 'released' && isProcessAlive(holder.pid)) return {holder}
  }
  const mine = top + 1
  const tmp = join(dir, `.${info.token}.tmp`)
  writeFileSync(tmp, JSON.stringify(info) + '\n', {mode: 0o600})
  try {
    linkSync(tmp, join(dir, String(mine)))
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error
    return {holder: undefined}
  } finally {
    rmSync(tmp, {force: true})
  }
  if (highest(dir) !== mine) return {holder: undefined}
  for (const gen of generations(dir)) if (gen < mine - 1) rmSync(join(dir, String(gen)), {force: true})
  return {
    release: () => {
      const done = join(dir, `.${info.token}.released`)
      writeFileSync(done, '"released"\n', {mode: 0o600})
      renameSync(done, join(dir, String(mine)))
    },
  }
}

/** Whether a pid runs; a zombie (killed, not yet reaped) does not. */
export function isProcessAlive(pid: number): boolean {
  if (pid === process.pid) return true
  try {
    process.kill(pid, 0)
  } catch (error) {
    // EPERM: it exists but belongs to someone else, so it is alive.
    return (error as NodeJS.ErrnoException).code === 'EPERM'
  }
  try {
    // /proc/<pid>/stat: "pid (comm) S ..."; comm may hold spaces and parentheses.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z'
  } catch {
    return true
  }
}

function generations(dir: string): number[] {
  return readdirSync(dir)
    .filter((name) => /^[1-9][0-9]*$/.test(name))
    .map(Number)
}

function highest(dir: string): number {
  return Math.max(0, ...generations(dir))
}

function readGeneration(dir: string, gen: number): DevLockInfo | 'released' | undefined {
  try {
    const raw = JSON.parse(readFileSync(join(dir, String(gen)), 'utf8')) as DevLockInfo | 'released'
    return raw
  } catch {
    return undefined
  }
}
