/**
 * The control socket of a running `wippy dev` refuses other users: the socket file is 0600
 * in a 0700 state dir, `control.json` is 0600, and when the tests run as root a real
 * connection attempt as `nobody` (via `runuser` or `setpriv`) gets EACCES, even with every
 * directory on the way opened up, while the owner connects fine.
 */
import {execa} from 'execa'
import {existsSync} from 'node:fs'
import {chmod, stat} from 'node:fs/promises'
import {dirname} from 'node:path'
import {describe, expect, it} from 'vitest'

import {controlInfoFile, resolveSocketPath} from '../../src/control/address.js'
import {stateLayout} from '../../src/engine/state-dir.js'
import {startDev} from '../helpers/dev-server.js'

const isRoot = typeof process.getuid === 'function' && process.getuid() === 0
const RUNUSER = ['/usr/sbin/runuser', '/sbin/runuser', '/usr/bin/runuser'].find(existsSync)
const SETPRIV = ['/usr/bin/setpriv', '/bin/setpriv'].find(existsSync)

/** A one-line Node program that connects to the socket and prints `connected` or the error code. */
const CONNECT = `const s = require('net').connect(process.argv[1]); s.on('connect', () => { console.log('connected'); s.destroy() }); s.on('error', (e) => console.log(e.code))`

/** Runs the connect probe as uid/gid 65534 (nobody), or undefined when no tool can switch. */
async function connectAsNobody(socket: string): Promise<string | undefined> {
  const node = process.execPath
  const command = RUNUSER
    ? [RUNUSER, '-u', 'nobody', '--', node, '-e', CONNECT, socket]
    : SETPRIV
      ? [SETPRIV, '--reuid=65534', '--regid=65534', '--clear-groups', node, '-e', CONNECT, socket]
      : undefined
  if (!command) return undefined
  const result = await execa(command[0]!, command.slice(1), {reject: false, timeout: 10_000})
  return `${result.stdout}${result.stderr}`.trim()
}

/** The mode bits of a path. */
const modeOf = async (path: string) => (await stat(path)).mode & 0o777

describe('security: control socket', () => {
  it('is a 0600 socket in a 0700 dir, with a 0600 control.json', async () => {
    const dev = await startDev({args: ['--no-watch']})
    const socket = resolveSocketPath(dev.root)
    expect((await stat(socket)).isSocket()).toBe(true)
    expect(await modeOf(socket)).toBe(0o600)
    expect(await modeOf(dirname(socket))).toBe(0o700)
    expect(await modeOf(stateLayout(dev.root).dir)).toBe(0o700)
    expect(await modeOf(controlInfoFile(dev.root))).toBe(0o600)
  })

  it.runIf(isRoot && (RUNUSER !== undefined || SETPRIV !== undefined))(
    'refuses a connection from another user (EACCES), even with the directories opened up',
    async () => {
      const dev = await startDev({args: ['--no-watch']})
      const socket = resolveSocketPath(dev.root)
      // Given the owner can connect
      const own = await execa(process.execPath, ['-e', CONNECT, socket], {reject: false})
      expect(own.stdout.trim()).toBe('connected')
      // When nobody tries, it is refused
      expect(await connectAsNobody(socket)).toBe('EACCES')
      // And when every directory on the way is opened to others (a careless umask or a shared
      // parent), the socket's own 0600 mode still refuses
      const dirs: string[] = []
      for (let d = dirname(socket); d !== dirname(dev.root); d = dirname(d)) dirs.push(d)
      const before = await Promise.all(dirs.map(modeOf))
      try {
        await Promise.all(dirs.map((d) => chmod(d, 0o711)))
        expect(await connectAsNobody(socket)).toBe('EACCES')
        // (the probe itself works: with the socket opened too, nobody gets in)
        await chmod(socket, 0o666)
        expect(await connectAsNobody(socket)).toBe('connected')
      } finally {
        await chmod(socket, 0o600)
        await Promise.all(dirs.map((d, i) => chmod(d, before[i]!)))
      }
      // And the server still serves its owner
      expect((await dev.cli(['ps'])).exitCode).toBe(0)
    },
    60_000,
  )
})
