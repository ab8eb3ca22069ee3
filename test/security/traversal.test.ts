/**
 * Path traversal: `file://` references that climb out of the project (`../`, absolute,
 * symlinks to files or directories outside) are refused by the registry loader and their
 * target is never read; `--path` to a place that is not a project gives a coded error, never
 * a crash. (test/registry/bad-input.test.ts already covers a symlinked `file://` target and a
 * symlinked YAML file; this adds the other ways out.)
 */
import {mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {dirname, join, relative} from 'node:path'
import {afterEach, describe, expect, it} from 'vitest'

import {loadRegistry} from '../../src/registry/index.js'
import {runCli} from '../helpers/cli.js'

const SECRET = 'TOP-SECRET-OUTSIDE-THE-PROJECT'
const cleanups: string[] = []
afterEach(() => {
  for (const dir of cleanups.splice(0)) rmSync(dir, {force: true, recursive: true})
})

/** A temp dir holding `outside/secret.lua` (and `outside/lib/`) next to a project `proj/`. */
function sandbox(): {outside: string; root: string; write: (rel: string, text: string) => void} {
  const base = mkdtempSync(join(tmpdir(), 'wippy-trav-'))
  cleanups.push(base)
  const outside = join(base, 'outside')
  const root = join(base, 'proj')
  mkdirSync(join(outside, 'lib'), {recursive: true})
  writeFileSync(join(outside, 'secret.lua'), `return {main = function() return "${SECRET}" end}\n`)
  writeFileSync(join(outside, 'lib', 'secret.lua'), `return {main = function() return "${SECRET}" end}\n`)
  const write = (rel: string, text: string) => {
    mkdirSync(dirname(join(root, rel)), {recursive: true})
    writeFileSync(join(root, rel), text)
  }
  write('wippy.lock', 'directories:\n  modules: .wippy\n  src: ./src\nmodules: []\n')
  return {outside, root, write}
}

const entry = (source: string) =>
  `namespace: app\nentries:\n  - name: f\n    kind: function.lua\n    source: ${JSON.stringify(source)}\n    method: main\n`

describe('security: file:// traversal', () => {
  it.each([
    ['../ out of the project', (o: string, r: string) => `file://${relative(join(r, 'src'), join(o, 'secret.lua'))}`],
    ['../ deep, past the filesystem root', () => `file://${'../'.repeat(40)}etc/passwd`],
    ['../ from the source root (file:///)', () => 'file:///../../outside/secret.lua'],
    [
      'an absolute path written as a source-root path',
      (o: string) => `file:///${relative('/', join(o, 'secret.lua'))}/../../../../../../../..${join(o, 'secret.lua')}`,
    ],
    ['an encoded ../ (%2e%2e)', () => 'file://%2e%2e/%2e%2e/outside/secret.lua'],
    ['an empty path', () => 'file://'],
  ])('refuses %s and never reads the target', async (_name, spec) => {
    const {outside, root, write} = sandbox()
    write('src/_index.yaml', entry(spec(outside, root)))
    const registry = await loadRegistry(root)
    const problem = registry.problems.find((p) => p.entryId === 'app:f' || p.file === 'src/_index.yaml')
    expect(problem?.code, JSON.stringify(registry.problems)).toMatch(/^WIPPY_(FILE_ESCAPES_ROOT|SOURCE_MISSING)$/)
    expect(problem?.hint).toBeTruthy()
    expect(JSON.stringify([...registry.entries.values()])).not.toContain(SECRET)
  })

  it('refuses a file reached through a symlinked directory that points outside', async () => {
    const {outside, root, write} = sandbox()
    write('src/_index.yaml', entry('file://lib/secret.lua'))
    symlinkSync(join(outside, 'lib'), join(root, 'src', 'lib'))
    const registry = await loadRegistry(root)
    expect(registry.problems.map((p) => p.code)).toContain('WIPPY_FILE_ESCAPES_ROOT')
    expect(JSON.stringify([...registry.entries.values()])).not.toContain(SECRET)
  })

  it('refuses a symlinked project file that points outside, and a symlink loop, without hanging', async () => {
    const {outside, root, write} = sandbox()
    write(
      'src/_index.yaml',
      entry('file://link.lua') + '  - name: g\n    kind: function.lua\n    source: file://loop.lua\n    method: main\n',
    )
    symlinkSync(join(outside, 'secret.lua'), join(root, 'src', 'link.lua'))
    symlinkSync(join(root, 'src', 'loop.lua'), join(root, 'src', 'loop.lua'))
    const registry = await loadRegistry(root)
    const codes = registry.problems.map((p) => `${p.entryId}:${p.code}`)
    expect(codes).toContain('app:f:WIPPY_FILE_ESCAPES_ROOT')
    expect(codes).toContain('app:g:WIPPY_SOURCE_MISSING')
    expect(JSON.stringify([...registry.entries.values()])).not.toContain(SECRET)
  })
})

describe('security: --path traversal', () => {
  const noStack = (text: string) => expect(text).not.toMatch(/^\s{4}at /m)

  it.each([
    ['a directory that does not exist', (base: string) => join(base, '..', 'no', 'such', 'dir')],
    ['a file, not a directory', () => '/etc/passwd'],
    ['a climb to a file', (base: string) => `${base}/${'../'.repeat(30)}etc/hostname`],
  ])('gives WIPPY_PROJECT_NOT_FOUND for %s', async (_name, path) => {
    const {root} = sandbox()
    for (const command of [['lint'], ['ps'], ['registry', 'list'], ['signal', 'wf-x', 'approve']]) {
      const result = await runCli([...command, '--path', path(root)], {cwd: root})
      expect(result.exitCode, `${command.join(' ')}: ${result.stderr}`).toBe(1)
      expect(result.stderr).toMatch(/Error WIPPY_PROJECT_NOT_FOUND/)
      expect(result.stderr).toMatch(/Hint:/)
      noStack(result.stderr + result.stdout)
    }
  })

  it('fails lint on a directory that is not a project with a coded error, and writes nothing there', async () => {
    const {outside} = sandbox()
    const before = readdirSync(outside).sort()
    const result = await runCli(['lint', '--path', outside])
    expect(result.exitCode).toBe(1)
    expect(result.stdout + result.stderr).toMatch(/WIPPY_PROJECT_NOT_FOUND/)
    noStack(result.stdout + result.stderr)
    expect(readdirSync(outside).sort()).toEqual(before)
  })

  // An explicit --path must hold a project marker: `ps`/`registry list` must not succeed on
  // any directory, and `wippy dev --path <dir>` must not write .wippy/dev/ there.
  it('refuses a directory without wippy.lock or src/ as the project', async () => {
    const {outside} = sandbox()
    const result = await runCli(['ps', '--path', outside])
    expect(result.exitCode).toBe(1)
    expect(result.stderr).toMatch(/WIPPY_PROJECT_NOT_FOUND/)
  })
})
