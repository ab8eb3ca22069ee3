import {appendFileSync, cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {fileURLToPath} from 'node:url'
import {afterEach, describe, expect, it} from 'vitest'

import {runCli} from '../helpers/cli.js'

// These run the built CLI: `npm test` builds first (or run `npm run build`).
const PROJECTS = fileURLToPath(new URL('../fixtures/projects/', import.meta.url))
const dirs: string[] = []
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, {recursive: true, force: true})
})

/** `lint --json` with errors: the one error shape, `WIPPY_LINT_FAILED`, the lint result in `details.result`. */
function failedLint(stdout: string): unknown {
  const out = JSON.parse(stdout) as {error: {code: string; details: {result: unknown}}}
  expect(Object.keys(out)).toEqual(['error'])
  expect(out.error.code).toBe('WIPPY_LINT_FAILED')
  return out.error.details.result
}

describe('wippy lint', () => {
  it('exits 0 and says so on the valid project', async () => {
    const result = await runCli(['lint'], {cwd: join(PROJECTS, 'valid')})
    expect(result).toMatchObject({exitCode: 0, stdout: 'No problems found.\n', stderr: ''})
  })

  it('prints {problems, errors, warnings} with --json', async () => {
    const result = await runCli(['lint', '--json', '--path', join(PROJECTS, 'valid')])
    expect(result.exitCode).toBe(0)
    expect(JSON.parse(result.stdout)).toEqual({problems: [], errors: 0, warnings: 0})
  })

  it('prints each problem located, with its source line and a caret, a hint, a summary, and exits 1 on errors', async () => {
    const result = await runCli(['lint', '-p', join(PROJECTS, 'broken-module-not-workflow-safe')])
    expect(result.exitCode).toBe(1)
    const lines = result.stdout.split('\n')
    expect(lines[0]).toBe(
      'src/app/_index.yaml:7:28 error WIPPY_MODULE_NOT_WORKFLOW_SAFE Workflow app:order lists the module "http_client", which is not deterministic and can\'t run in a workflow.',
    )
    expect(lines[1]).toBe('    7 |     modules: [funcs, time, http_client, logger]')
    expect(lines[2]).toBe(`      | ${' '.repeat(27)}^`)
    expect(lines[3]).toMatch(/^ {4}hint: Move that work into a function\.lua .*funcs\.call/)
    expect(result.stdout).toContain('`print` is always available')
    expect(result.stdout).toContain('2 errors, 0 warnings.')
    expect(result.stderr).toContain('WIPPY_LINT_FAILED')
    expect(result.stderr).not.toMatch(/\n\s+at /)
  })

  it('keeps the problems on stdout in --json mode (in the one error shape) and still exits 1', async () => {
    const result = await runCli(['lint', '--json', '-p', join(PROJECTS, 'broken-duplicate')])
    expect(result.exitCode).toBe(1)
    const json = failedLint(result.stdout) as {
      problems: Array<Record<string, unknown>>
      errors: number
      warnings: number
    }
    expect(json.errors).toBe(1)
    expect(json.problems[0]).toMatchObject({
      severity: 'error',
      code: 'WIPPY_ENTRY_DUPLICATE',
      file: 'src/app/more/_index.yaml',
      line: 6,
      column: 5,
      entryId: 'app:processes',
    })
  })

  it('exits 0 with warnings only', async () => {
    const result = await runCli(['lint', '-p', join(PROJECTS, 'broken-kind-not-run')])
    expect(result.exitCode).toBe(0)
    expect(result.stdout).toContain('warning WIPPY_KIND_NOT_RUN')
    expect(result.stdout).toContain('0 errors, 1 warning.')
  })

  it('reads ${env:} from the environment', async () => {
    const dir = join(PROJECTS, 'broken-env-unset')
    const unset = await runCli(['lint', '--json', '-p', dir])
    expect(unset.exitCode).toBe(1)
    const set = await runCli(['lint', '--json', '-p', dir], {env: {WIPPY_TEST_SURELY_UNSET_ADDRESS: 'localhost:7233'}})
    expect(JSON.parse(set.stdout)).toEqual({problems: [], errors: 0, warnings: 0})
  })

  it('reports every broken fixture without a stack trace', async () => {
    const broken = [
      'broken-yaml-syntax',
      'broken-yaml-tabs',
      'broken-lock-invalid',
      'broken-src-missing',
      'broken-registry-invalid',
    ]
    for (const dir of broken) {
      const result = await runCli(['lint', '-p', join(PROJECTS, dir)])
      expect(result.exitCode, dir).toBe(1)
      expect(`${result.stdout}${result.stderr}`, dir).not.toMatch(/\n\s+at .*\.js/)
      expect(result.stdout, dir).toMatch(/^\S+:\d+:\d+ error WIPPY_/)
    }
  })

  it('handles a binary .yaml, an empty file and a directory named x.yaml in one project', async () => {
    const root = mkdtempSync(join(tmpdir(), 'wippy-lint-'))
    dirs.push(root)
    mkdirSync(join(root, 'src/x.yaml'), {recursive: true})
    writeFileSync(join(root, 'src/blob.yaml'), Buffer.from([0, 1, 2, 255, 0]))
    writeFileSync(join(root, 'src/empty.yml'), '')
    const result = await runCli(['lint', '--json'], {cwd: root})
    expect(result.exitCode).toBe(1)
    const json = failedLint(result.stdout) as {problems: Array<{code: string; file: string}>}
    expect(json.problems.map((p) => `${p.file} ${p.code}`)).toEqual([
      'src/blob.yaml WIPPY_YAML_SYNTAX',
      'src/empty.yml WIPPY_YAML_EMPTY',
    ])
    expect(result.stderr).toBe('')
  })

  it('fails with WIPPY_PROJECT_NOT_FOUND outside a project', async () => {
    const result = await runCli(['lint', '--json', '--path', join(PROJECTS, 'does-not-exist')])
    expect(result.exitCode).toBe(1)
    expect(JSON.parse(result.stdout)).toMatchObject({error: {code: 'WIPPY_PROJECT_NOT_FOUND'}})
  })

  it('reports Lua syntax errors from the real VM, also when the rest comes from the parse cache', async () => {
    // Given a copy of the valid project with a broken Lua file, and a private cache dir
    const root = mkdtempSync(join(tmpdir(), 'wippy-lint-lua-'))
    const cacheDir = mkdtempSync(join(tmpdir(), 'wippy-lint-cache-'))
    dirs.push(root, cacheDir)
    cpSync(join(PROJECTS, 'valid'), root, {recursive: true})
    const env = {WIPPY_CACHE_DIR: cacheDir}
    expect((await runCli(['lint', '--json', '-p', root], {env})).exitCode).toBe(0)
    appendFileSync(join(root, 'src/app/api/refund.lua'), 'local x = = 1\n')
    // When lint runs twice
    for (let run = 0; run < 2; run++) {
      const result = await runCli(['lint', '--json', '-p', root], {env})
      // Then the syntax error is reported in the Lua file, both times
      expect(result.exitCode).toBe(1)
      const json = failedLint(result.stdout) as {problems: Array<Record<string, unknown>>}
      expect(json.problems).toMatchObject([
        {
          code: 'WIPPY_LUA_SYNTAX',
          severity: 'error',
          file: 'src/app/api/refund.lua',
          line: 9,
          entryId: 'app.api:refund',
        },
      ])
    }
  })
})
