/**
 * `--state-dir` / WIPPY_STATE_DIR never take over a folder that is not wippy's: the project
 * root, the home folder, shared folders like /tmp, folders with other files, and open folders
 * someone else made are refused with WIPPY_STATE_DIR_UNSAFE, their mode untouched; a path that
 * does not exist is created 0700. Through the built CLI (`wippy dev`).
 */
import {chmod, mkdir, mkdtemp, readdir, rm, stat, writeFile} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {afterEach, beforeEach, describe, expect, it} from 'vitest'

import {prepareStateDir, stateLayout} from '../../src/engine/state-dir.js'
import {HistoryStore} from '../../src/history/store.js'
import {runCli} from '../helpers/cli.js'
import {makeProject, startDev} from '../helpers/dev-server.js'

let root: string
let scratch: string
beforeEach(async () => {
  root = await makeProject('templates/approval')
  await chmod(root, 0o755)
  scratch = await mkdtemp(join(tmpdir(), 'wippy-statedir-'))
})
afterEach(async () => {
  await rm(root, {force: true, recursive: true})
  await rm(scratch, {force: true, recursive: true})
})

const modeOf = async (path: string) => (await stat(path)).mode & 0o7777
const dev = (args: string[], env: Record<string, string> = {}) =>
  runCli(['dev', '--no-tui', '--no-watch', ...args], {cwd: root, env, timeout: 30_000})

describe('the state dir', () => {
  it('refuses the project root, home, shared, foreign and open folders, leaving their modes alone', async () => {
    const home = join(scratch, 'home')
    const shared = join(scratch, 'shared')
    const foreign = join(scratch, 'foreign')
    const open = join(scratch, 'open')
    for (const dir of [home, shared, foreign, open]) await mkdir(dir)
    await chmod(home, 0o755)
    await chmod(shared, 0o1777)
    await chmod(foreign, 0o700)
    await writeFile(join(foreign, 'notes.txt'), 'mine\n')
    await chmod(open, 0o755)

    const [dot, inHome, inShared, inForeign, inOpen] = await Promise.all([
      dev(['--state-dir', '.']),
      dev(['--state-dir', home], {HOME: home}),
      dev([], {WIPPY_STATE_DIR: shared}),
      dev(['--state-dir', foreign]),
      dev(['--state-dir', open]),
    ])
    const expectRefused = (result: {exitCode: number; stderr: string}, why: string | RegExp) => {
      expect(result.exitCode, result.stderr).toBe(1)
      expect(result.stderr).toContain('WIPPY_STATE_DIR_UNSAFE')
      expect(result.stderr).toMatch(why)
      expect(result.stderr).toContain('Hint: ')
      expect(result.stderr).not.toMatch(/\n\s+at /)
    }
    expectRefused(dot, 'is the project root')
    expectRefused(inHome, 'is your home folder')
    expectRefused(inShared, 'is a shared folder')
    expectRefused(inForeign, "holds files that are not wippy's (notes.txt)")
    expectRefused(inOpen, /has mode 0755.*does not change the mode of a folder it did not create/)

    expect(await modeOf(root)).toBe(0o755)
    expect(await modeOf(home)).toBe(0o755)
    expect(await modeOf(shared)).toBe(0o1777)
    expect(await modeOf(open)).toBe(0o755)
    // Nothing of wippy's was written into any of them
    expect(
      (await readdir(root)).filter((n) => ['runs.json', 'histories', 'dev.lock', 'control.sock'].includes(n)),
    ).toEqual([])
    expect(await readdir(shared)).toEqual([])
    expect(await readdir(open)).toEqual([])
    expect(await readdir(foreign)).toEqual(['notes.txt'])
  }, 60_000)

  it('creates a state dir that does not exist yet with mode 0700, and serves from it', async () => {
    const fresh = join(scratch, 'state', 'proj')
    const server = await startDev({args: ['--no-watch', '--state-dir', fresh], root})
    expect(await modeOf(fresh)).toBe(0o700)
    expect(server.output()).toContain(`state in ${fresh}`)
  }, 60_000)

  it("accepts a state dir holding only wippy's files, and closes it to 0700 when it serves from it", () => {
    // Given a state dir a history store made with the default mode (as older wippy and tests do)
    const layout = stateLayout(root)
    return (async () => {
      const store = new HistoryStore(layout.histories)
      await store.close()
      await mkdir(layout.histories, {recursive: true})
      await chmod(layout.dir, 0o755)
      // Offline commands read and append without changing it; the dev server closes it
      expect(prepareStateDir(root, undefined, {create: false}).dir).toBe(layout.dir)
      expect(await modeOf(layout.dir)).toBe(0o755)
      prepareStateDir(root, undefined, {create: true})
      expect(await modeOf(layout.dir)).toBe(0o700)
    })()
  })
})
