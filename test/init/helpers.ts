import {existsSync} from 'node:fs'
import {mkdtemp, realpath, rm} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {dirname, join, resolve} from 'node:path'
import {fileURLToPath} from 'node:url'

import {execa} from 'execa'

/** The repository root (two levels above test/init/). */
export const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..')
export const BIN = join(REPO, 'bin', 'run.js')

/** Builds the CLI once if `dist/` lacks the init command (`npm test` builds first anyway). */
export async function ensureBuilt(): Promise<void> {
  if (existsSync(join(REPO, 'dist', 'commands', 'init.js'))) return
  await execa('npm', ['run', 'build'], {cwd: REPO})
}

/** Runs the built CLI the way a user does: a child process, no TTY, never throwing. */
export async function wippy(args: string[], cwd: string) {
  const result = await execa('node', [BIN, ...args], {
    cwd,
    env: {NO_COLOR: '1', WIPPY_PATH: '', WIPPY_VERBOSE: ''},
    reject: false,
    stdin: 'ignore',
  })
  return {exitCode: result.exitCode, stderr: String(result.stderr), stdout: String(result.stdout)}
}

/** A fresh temporary directory, removed by the returned cleanup. */
export async function tempDir(): Promise<{dir: string; cleanup: () => Promise<void>}> {
  const dir = await realpath(await mkdtemp(join(tmpdir(), 'wippy-init-')))
  return {cleanup: () => rm(dir, {force: true, recursive: true}), dir}
}
