/**
 * A real small disk for tests: a tmpfs mounted on a directory (needs root), and a way to fill
 * it to the last byte. Tests that need it skip with the reason when mount is not permitted.
 */
import {execFileSync} from 'node:child_process'
import {closeSync, mkdirSync, openSync, rmSync, writeSync} from 'node:fs'
import {join} from 'node:path'

/** Mounts a tmpfs of `size` on `dir`; the reason when this machine does not allow it. */
export function mountTmpfs(dir: string, size = '2m'): string | undefined {
  mkdirSync(dir, {recursive: true})
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${size}`, 'tmpfs', dir], {stdio: 'pipe'})
    return undefined
  } catch (error) {
    return `mount -t tmpfs is not permitted here (${String((error as {stderr?: Buffer}).stderr ?? error).trim()})`
  }
}

/** Writes zeros to `file` until the disk is full; returns the file to remove to free it. */
export function fillDisk(file: string): string {
  const fd = openSync(file, 'w')
  const block = Buffer.alloc(4096)
  try {
    for (;;) writeSync(fd, block)
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOSPC') throw error
    // The last partial block: fill every byte so even a tiny append finds no room.
    for (let n = 2048; n >= 1; n = Math.floor(n / 2)) {
      try {
        for (;;) writeSync(fd, block, 0, n)
      } catch {}
    }
  } finally {
    closeSync(fd)
  }
  return file
}

/** Why a tmpfs can't be mounted here, or undefined when it can (tried once on a scratch dir). */
export function cannotMountTmpfs(): string | undefined {
  const probe = join('/tmp', `wippy-mount-probe-${process.pid}-${Math.random().toString(36).slice(2)}`)
  const reason = mountTmpfs(probe, '64k')
  if (!reason) execFileSync('umount', [probe])
  rmSync(probe, {force: true, recursive: true})
  return reason
}
