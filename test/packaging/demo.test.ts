import {execa} from 'execa'
import {mkdtemp, rm, stat} from 'node:fs/promises'
import {existsSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {describe, expect, it} from 'vitest'

import {REPO} from '../helpers/dev-server.js'

/**
 * `npm run demo` (scripts/demo.mjs) on a fresh build: no rebuild, no "Next: cd demo / npx wippy
 * dev" (it runs dev itself), no oclif "update available" notice; `npx wippy` works in the demo
 * project because its package.json links this checkout and the demo installed it.
 */
describe('npm run demo', () => {
  it('starts wippy dev without rebuilding a fresh dist and without misleading next steps', async () => {
    const dir = join(await mkdtemp(join(tmpdir(), 'wippy-demo-')), 'demo')
    const manifest = join(REPO, 'oclif.manifest.json')
    const before = (await stat(manifest)).mtimeMs
    const child = execa(process.execPath, [join(REPO, 'scripts', 'demo.mjs'), '--no-tui', '--no-watch'], {
      all: true,
      cwd: REPO,
      // Its own process group: Ctrl-C in a terminal reaches the demo and the `wippy dev` it runs.
      detached: true,
      env: {NO_COLOR: '1', WIPPY_DEMO_DIR: dir},
      reject: false,
      stdin: 'ignore',
    })
    let out = ''
    child.all?.on('data', (c: Buffer) => (out += c.toString()))
    try {
      const deadline = Date.now() + 60_000
      while (!/ready in \d+ ms/.test(out)) {
        if (Date.now() > deadline || child.exitCode !== null) throw new Error(`the demo did not start:\n${out}`)
        await new Promise((r) => setTimeout(r, 50))
      }
      expect(out).toContain('Created ')
      expect(out).not.toMatch(/Next:|npx wippy dev\n|building|rebuilding|update available/)
      expect((await stat(manifest)).mtimeMs, 'the demo rebuilt a fresh dist').toBe(before)
      expect(existsSync(join(dir, 'node_modules', '.bin', 'wippy'))).toBe(true)
    } finally {
      if (child.pid !== undefined) process.kill(-child.pid, 'SIGINT')
      await child
      await rm(join(dir, '..'), {force: true, recursive: true})
    }
  }, 90_000)
})
