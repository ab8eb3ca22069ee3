import {existsSync} from 'node:fs'
import {mkdir, mkdtemp, readFile, readdir, realpath, rm} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {dirname, join, resolve} from 'node:path'
import {fileURLToPath} from 'node:url'

import {type ResultPromise, execa} from 'execa'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

/**
 * wippy the way a user gets it, by the road the README gives: `npm pack` the repository, then
 * in an empty folder `npx --package ./wippy-<v>.tgz wippy init app`, then `npm install` in the
 * new project (its package.json names the tarball as a devDependency) and drive the CLI that
 * installed there through `npx wippy`: lint, `wippy test`, `wippy dev --no-tui` and the
 * template README's commands exactly as written until the workflow completes. Every command
 * runs outside the checkout, so nothing can be read from it by accident.
 *
 * The pack runs with --ignore-scripts: `npm test` builds first, and letting prepack rebuild
 * dist/ and oclif.manifest.json here would rewrite them under the other tests running in
 * parallel (and leave the tracked manifest modified).
 */

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..')
const TEMPLATE = 'approval'

let work: string
let tarball: string
let app: string
let version: string
let init: {exitCode: number | undefined; stderr: string; stdout: string}

/** The environment of a user's shell: no wippy variables, no colour, no CI-only npm noise. */
function userEnv(): Record<string, string> {
  return {
    FORCE_COLOR: '0',
    NO_COLOR: '1',
    WIPPY_PATH: '',
    WIPPY_STATE_DIR: '',
    WIPPY_VERBOSE: '',
    npm_config_audit: 'false',
    npm_config_fund: 'false',
    npm_config_update_notifier: 'false',
  }
}

async function sh(command: string, cwd: string, timeout = 60_000) {
  const result = await execa(command, {cwd, env: userEnv(), reject: false, shell: true, stdin: 'ignore', timeout})
  return {exitCode: result.exitCode, stderr: String(result.stderr), stdout: String(result.stdout)}
}

beforeAll(async () => {
  work = await realpath(await mkdtemp(join(tmpdir(), 'wippy-pack-')))
  version = (JSON.parse(await readFile(join(REPO, 'package.json'), 'utf8')) as {version: string}).version
  expect(existsSync(join(REPO, 'dist', 'commands', 'init.js')), 'build first: npm run build').toBe(true)

  // Given the tarball `npm pack` makes
  const packDir = join(work, 'pack')
  await mkdir(packDir)
  const pack = await execa('npm', ['pack', '--ignore-scripts', '--pack-destination', packDir], {
    cwd: REPO,
    env: userEnv(),
    reject: false,
  })
  expect(pack.exitCode, String(pack.stderr)).toBe(0)
  const tgz = (await readdir(packDir)).filter((f) => f.endsWith('.tgz'))
  expect(tgz).toHaveLength(1)
  tarball = join(packDir, tgz[0] ?? '')

  // When a project is made from it as the README says, and its dependencies are installed
  init = await sh(`npx --yes --package "${tarball}" wippy init app --template ${TEMPLATE}`, work, 150_000)
  expect(init.exitCode, `${init.stdout}\n${init.stderr}`).toBe(0)
  app = join(work, 'app')
  const install = await sh('npm install', app, 150_000)
  expect(install.exitCode, install.stderr).toBe(0)
}, 300_000)

afterAll(async () => {
  if (work) await rm(work, {force: true, recursive: true})
})

describe('the packed tarball', () => {
  it('holds the built CLI, the manifest and the templates, and no sources or tests', async () => {
    const list = await execa('tar', ['-tzf', tarball])
    const files = String(list.stdout)
      .split('\n')
      .map((f) => f.replace(/^package\//, ''))
    expect(files).toContain('bin/run.js')
    expect(files).toContain('dist/commands/init.js')
    expect(files).toContain('dist/commands/schema.js')
    expect(files).toContain('oclif.manifest.json')
    expect(files).toContain('LICENSE')
    expect(files).toContain(`templates/${TEMPLATE}/_gitignore`)
    // The editor support init writes into a project ships once, in editor/luals/ (.luarc.json
    // is a dotfile npm must keep); templates hold only their own sources.
    expect(files).toContain('editor/luals/.luarc.json')
    expect(files).toContain('editor/luals/wippy/process.lua')
    expect(files.filter((f) => f.startsWith('templates/') && /\/(types|schema)\/|\.luarc\.json$/.test(f))).toEqual([])
    expect(files.filter((f) => f.startsWith('editor/') && !f.startsWith('editor/luals/'))).toEqual([])
    expect(files.filter((f) => f.startsWith('src/') || f.startsWith('test/'))).toEqual([])
  })

  it('makes a project whose package.json pins this wippy, and `npx wippy` there runs it', async () => {
    // Then the project depends on the tarball it was made from, and init said what to run next
    const pkg = JSON.parse(await readFile(join(app, 'package.json'), 'utf8')) as {
      devDependencies?: Record<string, string>
    }
    expect(pkg.devDependencies?.wippy).toBe(`file:${tarball}`)
    expect(init.stdout).toMatch(/Next:\n  cd app\n  npm install\n  npx wippy dev\n/)

    // And `npx wippy` inside it is the installed copy (not the checkout, not the registry)
    const result = await sh('npx wippy --version', app)
    expect(result.exitCode, result.stderr).toBe(0)
    expect(result.stdout).toContain(`wippy/${version}`)
    expect(existsSync(join(app, 'node_modules', 'wippy', 'dist', 'commands', 'init.js'))).toBe(true)
  })

  it('scaffolds a project that lints clean and carries editor support', async () => {
    const lint = await sh('npx wippy lint', app)
    expect(lint.exitCode, `${lint.stdout}\n${lint.stderr}`).toBe(0)

    expect(existsSync(join(app, '.gitignore'))).toBe(true)
    expect(existsSync(join(app, '.luarc.json'))).toBe(true)
    // The shipped schema is the one the installed CLI prints.
    const printed = await sh('npx wippy schema', app)
    expect(printed.exitCode, printed.stderr).toBe(0)
    expect(await readFile(join(app, 'schema', 'registry.schema.json'), 'utf8')).toBe(`${printed.stdout}\n`) // execa strips the final newline
  })

  it("runs the template's own tests out of the box", async () => {
    const test = await sh('npx wippy test', app)
    expect(test.exitCode, `${test.stdout}\n${test.stderr}`).toBe(0)
    expect(test.stdout).toMatch(/^[1-9]\d* passed, 0 failed$/m)
  })

  it('runs the template README commands against `wippy dev` until the workflow completes', async () => {
    const readme = await readFile(join(app, 'README.md'), 'utf8')
    const commands = [...readme.matchAll(/^(npx wippy .+)$/gm)].map((m) => m[1] ?? '')
    expect(commands[0]).toBe('npx wippy dev')

    // Given the dev server, started as the README says (plain output: no TTY here)
    const dev = startDev(app)
    try {
      await dev.waitFor(/ready in \d+ ms/)

      // When every other README command runs as written, with <id> from spawn's output
      let id: string | undefined
      for (const command of commands.slice(1)) {
        const line = id === undefined ? command : command.replaceAll('<id>', id)
        expect(line, 'a command needs the id before spawn printed one').not.toContain('<id>')
        const result = await sh(line, app)
        expect(result.exitCode, `${line}\n${result.stdout}\n${result.stderr}`).toBe(0)
        if (/^npx wippy spawn /.test(line)) id = result.stdout.trim().split(/\s+/)[0]
      }

      // Then the workflow has completed, both in the server's output and in its history
      expect(id).toBeTruthy()
      await dev.waitFor(new RegExp(`run completed ${id}`))
      const view = await sh(`npx wippy history inspect ${id} --json`, app)
      expect(view.exitCode, view.stderr).toBe(0)
      expect(JSON.parse(view.stdout)).toMatchObject({status: 'completed'})
    } finally {
      await dev.stop()
    }
  }, 90_000)
})

/** `npx wippy dev --no-tui` in its own process group, so stopping it also stops npx's child. */
function startDev(cwd: string) {
  let output = ''
  const child: ResultPromise = execa('npx', ['wippy', 'dev', '--no-tui'], {
    all: true,
    cwd,
    detached: true,
    env: userEnv(),
    reject: false,
    stdin: 'ignore',
  })
  child.all?.setEncoding('utf8')
  child.all?.on('data', (chunk: string) => (output += chunk))
  let exited = false
  void child.then(() => (exited = true))
  return {
    async waitFor(pattern: RegExp, timeoutMs = 30_000): Promise<void> {
      const deadline = Date.now() + timeoutMs
      while (!pattern.test(output)) {
        if (exited) throw new Error(`wippy dev exited before printing ${pattern}:\n${output}`)
        if (Date.now() > deadline) throw new Error(`timed out waiting for ${pattern}:\n${output}`)
        await new Promise((r) => setTimeout(r, 50))
      }
    },
    async stop(): Promise<void> {
      if (!exited && child.pid !== undefined) {
        try {
          process.kill(-child.pid, 'SIGINT')
        } catch {
          // already gone
        }
      }
      const timer = setTimeout(() => {
        if (!exited && child.pid !== undefined) process.kill(-child.pid, 'SIGKILL')
      }, 5_000)
      await child
      clearTimeout(timer)
    },
  }
}
