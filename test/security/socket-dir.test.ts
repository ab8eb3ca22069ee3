/**
 * The fallback socket directory (`$TMPDIR/wippy-<uid>`, used when `<state>/control.sock` is too
 * long) against another local user: a directory they pre-created, or a symlink, is refused with
 * a clear WIPPY_* error and no stack, and the client refuses to talk through a socket that is
 * not ours. Needs root (it adds a throwaway user with `useradd`); skipped otherwise.
 */
import {type ResultPromise, execa} from 'execa'
import {existsSync} from 'node:fs'
import {chmod, cp, mkdir, mkdtemp, readFile, rm, symlink, writeFile} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {chooseSocketPath, controlInfoFile} from '../../src/control/address.js'
import {stateLayout} from '../../src/engine/state-dir.js'
import {runCli} from '../helpers/cli.js'
import {REPO} from '../helpers/dev-server.js'

const isRoot = typeof process.getuid === 'function' && process.getuid() === 0
const canAddUsers = isRoot && existsSync('/usr/sbin/useradd') && existsSync('/usr/sbin/runuser')
const USER = `wlk${process.pid}`.slice(0, 30)

let scratch: string
let root: string
let env: Record<string, string>

beforeAll(async () => {
  if (!canAddUsers) return
  await execa('/usr/sbin/useradd', ['--no-create-home', '--shell', '/usr/sbin/nologin', USER])
  // A shared temp dir like /tmp (sticky, world-writable), so the other user can create in it.
  scratch = await mkdtemp(join(tmpdir(), 'wippy-sockdir-'))
  await chmod(scratch, 0o1777)
  env = {TMPDIR: join(scratch, 'tmp'), XDG_RUNTIME_DIR: ''}
  await mkdir(env.TMPDIR!, {mode: 0o1777})
  await chmod(env.TMPDIR!, 0o1777)
  // A project deep enough that its socket goes to the fallback dir.
  root = join(scratch, 'p'.repeat(60), 'q'.repeat(40))
  await mkdir(root, {recursive: true})
  await cp(join(REPO, 'templates/approval'), root, {recursive: true})
})
afterAll(async () => {
  if (!canAddUsers) return
  await execa('/usr/sbin/userdel', [USER], {reject: false})
  await rm(scratch, {force: true, recursive: true})
})

const asUser = (args: string[]) =>
  execa('/usr/sbin/runuser', ['-u', USER, '--', ...args], {cwd: scratch, reject: false})
const fallbackDir = () => join(env.TMPDIR!, `wippy-${process.getuid!()}`)
const dev = () => runCli(['dev', '--no-tui', '--no-watch'], {cwd: root, env, timeout: 30_000})

describe.runIf(canAddUsers)('security: the fallback socket directory', () => {
  it('uses the fallback dir for this project (the premise of the other cases)', () => {
    const before = process.env.TMPDIR
    process.env.TMPDIR = env.TMPDIR
    try {
      expect(chooseSocketPath(root).dir).toBe(fallbackDir())
    } finally {
      if (before === undefined) delete process.env.TMPDIR
      else process.env.TMPDIR = before
    }
  })

  it('refuses a fallback dir another user pre-created, clearly and without a stack', async () => {
    // Given another local user made the directory first, open to all
    const made = await asUser(['mkdir', '-m', '0777', fallbackDir()])
    expect(made.exitCode, made.stderr).toBe(0)
    try {
      const result = await dev()
      expect(result.exitCode).toBe(1)
      expect(result.stderr).toContain('WIPPY_SOCKET_DIR_UNSAFE')
      expect(result.stderr).toMatch(/belongs to uid \d+, not to you \(uid 0\)/)
      expect(result.stderr).not.toMatch(/\n\s+at /)
    } finally {
      await rm(fallbackDir(), {force: true, recursive: true})
    }
  }, 60_000)

  it('refuses a fallback dir that is a symlink, even to a private dir of ours', async () => {
    const target = await mkdtemp(join(scratch, 'target-'))
    await symlink(target, fallbackDir())
    try {
      const result = await dev()
      expect(result.exitCode).toBe(1)
      expect(result.stderr).toContain('WIPPY_SOCKET_DIR_UNSAFE')
      expect(result.stderr).toContain('is a symbolic link')
      expect(result.stderr).not.toMatch(/\n\s+at /)
    } finally {
      await rm(fallbackDir(), {force: true})
    }
  }, 60_000)

  it('the client refuses to talk through a socket another user listens on', async () => {
    // Given another user listens on a socket in their own dir, and control.json points at it
    const evilDir = join(env.TMPDIR!, `evil-${USER}`)
    const made = await asUser(['mkdir', '-m', '0755', evilDir])
    expect(made.exitCode, made.stderr).toBe(0)
    const socket = join(evilDir, 'x.sock')
    const log = join(evilDir, 'got.log')
    const listener: ResultPromise = execa(
      '/usr/sbin/runuser',
      [
        '-u',
        USER,
        '--',
        process.execPath,
        '-e',
        `const fs=require('fs');require('net').createServer((c)=>{fs.appendFileSync(${JSON.stringify(log)},'connection\\n');c.on('data',(d)=>fs.appendFileSync(${JSON.stringify(log)},d));c.end('{"id":1,"ok":true,"result":[]}\\n')}).listen(${JSON.stringify(socket)},()=>{fs.chmodSync(${JSON.stringify(socket)},0o777);console.log('listening '+process.pid)})`,
      ],
      // Our cwd may be closed to that user; node needs a reachable one.
      {cwd: env.TMPDIR!, reject: false},
    )
    let listenerPid: number | undefined
    try {
      const up = await Promise.race([
        new Promise<string>((resolve) => listener.stdout!.once('data', (d: Buffer) => resolve(String(d)))),
        listener.then((r) => `exited: ${r.stderr}`),
      ])
      expect(up).toMatch(/^listening \d+/)
      listenerPid = Number(up.trim().split(' ')[1])
      await mkdir(stateLayout(root).dir, {mode: 0o700, recursive: true})
      await writeFile(controlInfoFile(root), JSON.stringify({pid: 1, socket, startedAt: Date.now()}) + '\n', {
        mode: 0o600,
      })
      // When we run a command that talks to the dev server
      const result = await runCli(['ps'], {cwd: root, env})
      // Then it refuses, and the impostor saw nothing
      expect(result.exitCode).toBe(1)
      expect(result.stderr).toContain('WIPPY_CONTROL_UNSAFE')
      expect(result.stderr).toMatch(/belongs to uid \d+, not to you/)
      expect(await readFile(log, 'utf8').catch(() => '')).toBe('')
    } finally {
      // runuser does not pass a kill on to its child: kill the listener itself.
      if (listenerPid) process.kill(listenerPid, 'SIGKILL')
      listener.kill('SIGKILL')
      await listener
      await rm(controlInfoFile(root), {force: true})
      await rm(evilDir, {force: true, recursive: true})
    }
  }, 60_000)
})

describe('the fallback socket directory: where it goes', () => {
  it("prefers $XDG_RUNTIME_DIR when it is private to us, and ignores one that is not (sudo can pass another user's)", async () => {
    const base = await mkdtemp(join(tmpdir(), 'wippy-xdg-'))
    const deep = join(base, 'r'.repeat(60), 's'.repeat(40))
    const saved = process.env.XDG_RUNTIME_DIR
    try {
      await chmod(base, 0o700)
      process.env.XDG_RUNTIME_DIR = base
      expect(chooseSocketPath(deep).dir).toBe(join(base, 'wippy'))
      await chmod(base, 0o755)
      expect(chooseSocketPath(deep).dir).toBe(join(tmpdir(), `wippy-${process.getuid?.() ?? 0}`))
    } finally {
      if (saved === undefined) delete process.env.XDG_RUNTIME_DIR
      else process.env.XDG_RUNTIME_DIR = saved
      await rm(base, {force: true, recursive: true})
    }
  })
})

describe.skipIf(canAddUsers)('security: the fallback socket directory (skipped)', () => {
  it.skip('needs root with useradd and runuser, to act as a second local user', () => {})
})
