import {existsSync} from 'node:fs'
import {mkdir, readFile, writeFile} from 'node:fs/promises'
import {dirname, join} from 'node:path'
import {fileURLToPath} from 'node:url'

import {afterEach, beforeAll, describe, expect, it} from 'vitest'

import {wippySpecOf} from '../../src/init/wippy-spec.js'
import {ensureBuilt, tempDir, wippy} from './helpers.js'

/**
 * `wippy init` makes a project that pins the wippy that made it (package.json devDependency),
 * says what to run next, and refuses places where no project can live (pseudo filesystems,
 * unwritable paths) with a coded error instead of a stack trace or a hang.
 */
const REPO_ROOT = dirname(dirname(dirname(fileURLToPath(import.meta.url))))

let cleanups: Array<() => Promise<void>> = []
afterEach(async () => {
  await Promise.all(cleanups.map((c) => c()))
  cleanups = []
})
async function workspace(): Promise<string> {
  const t = await tempDir()
  cleanups.push(t.cleanup)
  return t.dir
}
beforeAll(async () => {
  await ensureBuilt()
}, 120_000)

describe('the wippy a new project depends on', () => {
  it('is the tarball npm installed this wippy from (npx --package ./wippy.tgz, or npm install ./wippy.tgz)', async () => {
    // Given the layout npx leaves in its cache: <dir>/package.json names the tarball, <dir>/node_modules/wippy is it
    const dir = await workspace()
    await mkdir(join(dir, 'node_modules', 'wippy'), {recursive: true})
    await writeFile(
      join(dir, 'node_modules', 'wippy', 'package.json'),
      JSON.stringify({name: 'wippy', version: '1.2.3'}),
    )
    await writeFile(join(dir, 'package.json'), JSON.stringify({dependencies: {wippy: 'file:../pack/wippy-1.2.3.tgz'}}))

    // Then the spec is that tarball, as an absolute path
    expect(wippySpecOf(join(dir, 'node_modules', 'wippy'))).toEqual({
      source: 'tarball',
      spec: `file:${join(dirname(dir), 'pack', 'wippy-1.2.3.tgz')}`,
      version: '1.2.3',
    })
  })

  it("is the tarball of a global install, from npm's hidden lockfile", async () => {
    // Given a global prefix: <prefix>/lib/node_modules/wippy, no package.json in <prefix>/lib
    const lib = join(await workspace(), 'lib')
    await mkdir(join(lib, 'node_modules', 'wippy'), {recursive: true})
    await writeFile(
      join(lib, 'node_modules', 'wippy', 'package.json'),
      JSON.stringify({name: 'wippy', version: '1.2.3'}),
    )
    await writeFile(
      join(lib, 'node_modules', '.package-lock.json'),
      JSON.stringify({packages: {'node_modules/wippy': {resolved: 'file:/srv/wippy-1.2.3.tgz', version: '1.2.3'}}}),
    )
    expect(wippySpecOf(join(lib, 'node_modules', 'wippy'))).toEqual({
      source: 'tarball',
      spec: 'file:/srv/wippy-1.2.3.tgz',
      version: '1.2.3',
    })
  })

  it('is the exact version for a registry install, and the checkout path from a checkout', async () => {
    const dir = await workspace()
    await mkdir(join(dir, 'node_modules', 'wippy'), {recursive: true})
    await writeFile(
      join(dir, 'node_modules', 'wippy', 'package.json'),
      JSON.stringify({name: 'wippy', version: '1.2.3'}),
    )
    await writeFile(join(dir, 'package.json'), JSON.stringify({dependencies: {wippy: '^1.2.0'}}))
    expect(wippySpecOf(join(dir, 'node_modules', 'wippy'))).toEqual({
      source: 'registry',
      spec: '1.2.3',
      version: '1.2.3',
    })
    expect(wippySpecOf(REPO_ROOT)).toMatchObject({source: 'checkout', spec: `file:${REPO_ROOT}`})
  })
})

describe('wippy init', () => {
  it('writes a package.json with wippy as a devDependency and scripts, and says to npm install', async () => {
    const cwd = await workspace()

    const run = await wippy(['init', 'My-App', '--template', 'approval'], cwd)

    expect(run.exitCode, run.stderr).toBe(0)
    const pkg = JSON.parse(await readFile(join(cwd, 'My-App', 'package.json'), 'utf8'))
    expect(pkg).toEqual({
      devDependencies: {wippy: `file:${REPO_ROOT}`},
      name: 'my-app',
      private: true,
      scripts: {dev: 'wippy dev', lint: 'wippy lint', test: 'wippy test'},
      version: '0.0.0',
    })
    expect(run.stdout).toContain(`package.json depends on wippy file:${REPO_ROOT} (the checkout this wippy runs from`)
    expect(run.stdout).toMatch(/Next:\n {2}cd My-App\n {2}npm install\n {2}npx wippy dev\n/)
  })

  it('keeps an existing package.json with --force and only sets wippy in devDependencies', async () => {
    const cwd = await workspace()
    await mkdir(join(cwd, 'shop'))
    await writeFile(
      join(cwd, 'shop', 'package.json'),
      JSON.stringify({devDependencies: {typescript: '^5'}, name: 'shop', scripts: {build: 'tsc'}}),
    )

    const run = await wippy(['init', 'shop', '--template', 'service', '--force', '--json'], cwd)

    expect(run.exitCode, run.stderr).toBe(0)
    expect(JSON.parse(await readFile(join(cwd, 'shop', 'package.json'), 'utf8'))).toEqual({
      devDependencies: {typescript: '^5', wippy: `file:${REPO_ROOT}`},
      name: 'shop',
      scripts: {build: 'tsc'},
    })
  })

  it('--install runs npm install, so `npx wippy` in the project is the wippy it pins', async () => {
    const cwd = await workspace()

    const run = await wippy(['init', 'app', '--template', 'approval', '--install', '--json'], cwd)

    expect(run.exitCode, run.stderr).toBe(0)
    const result = JSON.parse(run.stdout) as {installed: boolean; next: string[]}
    expect(result.installed).toBe(true)
    expect(result.next).not.toContain('npm install')
    expect(existsSync(join(cwd, 'app', 'node_modules', '.bin', 'wippy'))).toBe(true)
  }, 60_000)

  it('--no-next-steps prints what was created but not "Next: cd … / npx wippy dev" (the demo runs dev itself)', async () => {
    const cwd = await workspace()
    const run = await wippy(['init', 'demo', '--no-next-steps'], cwd)
    expect(run.exitCode, run.stderr).toBe(0)
    expect(run.stdout).toContain('Created demo from the "orders" template')
    expect(run.stdout).not.toContain('Next:')
  })
})

describe('wippy init where no project can live', () => {
  it.each(['/proc/x', '/sys/x', '/proc/self/x/y'])('refuses %s at once (no hang, no stack)', async (target) => {
    const started = Date.now()
    const run = await wippy(['init', target], await workspace())
    expect(Date.now() - started).toBeLessThan(10_000)
    expect(run.exitCode).toBe(1)
    expect(run.stderr).toMatch(
      /^Error WIPPY_INIT_BAD_LOCATION: Can't create a project in \/(proc|sys)\/.*pseudo filesystem/,
    )
    expect(run.stderr).not.toMatch(/\n\s+at /)
  })

  it("explains a path it can't write to in words (here: under a regular file)", async () => {
    const cwd = await workspace()
    await writeFile(join(cwd, 'file'), 'x')

    const run = await wippy(['init', 'file/app'], cwd)

    expect(run.exitCode).toBe(1)
    expect(run.stderr).toContain(
      `Error WIPPY_INIT_CANT_WRITE: Can't write ${join(cwd, 'file', 'app')}: a part of the path is not a directory.`,
    )
    expect(run.stderr).not.toMatch(/ENOTDIR|\n\s+at /)
  })
})
