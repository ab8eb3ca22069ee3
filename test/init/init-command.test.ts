import {existsSync} from 'node:fs'
import {mkdir, readFile, readdir, writeFile} from 'node:fs/promises'
import {dirname, join} from 'node:path'
import {fileURLToPath} from 'node:url'

import {afterEach, beforeAll, describe, expect, it} from 'vitest'
import {parse as parseYaml} from 'yaml'

import {BIN, ensureBuilt, tempDir, wippy} from './helpers.js'

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

describe('wippy init <dir> --template NAME', () => {
  it.each(['orders', 'approval', 'service'])('creates a %s project and prints the next commands', async (template) => {
    // Given an empty workspace
    const cwd = await workspace()

    // When the user scaffolds the template
    const run = await wippy(['init', 'my-app', '--template', template], cwd)

    // Then it succeeds and says what it made and what to run next
    expect(run.stderr).toBe('')
    expect(run.exitCode).toBe(0)
    expect(run.stdout).toContain(`Created my-app from the "${template}" template:`)
    expect(run.stdout).toContain('  wippy.lock')
    expect(run.stdout).toMatch(/Next:\n {2}cd my-app\n {2}npm install\n {2}npx wippy dev\n {2}npx wippy (spawn|ps)/)

    // And the project is a Wippy project: lock file, git-ignored state dir, sources
    const root = join(cwd, 'my-app')
    const lock = parseYaml(await readFile(join(root, 'wippy.lock'), 'utf8'))
    expect(lock).toEqual({directories: {modules: '.wippy', src: './src'}, modules: []})
    const gitignore = (await readFile(join(root, '.gitignore'), 'utf8')).split('\n')
    expect(gitignore).toContain('.wippy/dev/')
    expect(gitignore).toContain('node_modules/')
    expect(existsSync(join(root, '_gitignore'))).toBe(false)
    expect(existsSync(join(root, 'README.md'))).toBe(true)
    expect(existsSync(join(root, 'src', '_index.yaml'))).toBe(true)
  })
})

describe('wippy init without --template', () => {
  it('uses the default template (orders) when stdin is not a terminal', async () => {
    // Given no TTY (execa's stdin is ignored) and no --template
    const cwd = await workspace()

    // When
    const run = await wippy(['init', 'shop'], cwd)

    // Then no prompt is shown and the orders template is used
    expect(run.exitCode).toBe(0)
    expect(run.stdout).not.toContain('Which template?')
    expect(run.stdout).toContain('from the "orders" template')
    expect(existsSync(join(cwd, 'shop', 'src', 'workflows', 'order_saga.lua'))).toBe(true)
  })
})

describe('wippy init into an existing directory', () => {
  it('refuses a non-empty directory and writes nothing', async () => {
    // Given a directory holding the user's own file
    const cwd = await workspace()
    await mkdir(join(cwd, 'taken'))
    await writeFile(join(cwd, 'taken', 'notes.txt'), 'mine')

    // When
    const run = await wippy(['init', 'taken'], cwd)

    // Then it fails with a user error naming the problem and the way out
    expect(run.exitCode).toBe(1)
    expect(run.stdout).toBe('')
    expect(run.stderr).toContain('Error WIPPY_INIT_NOT_EMPTY')
    expect(run.stderr).toContain('notes.txt')
    expect(run.stderr).toContain('--force')
    expect(run.stderr).not.toMatch(/\bat .*\.js:\d+/) // no stack trace
    expect(await readdir(join(cwd, 'taken'))).toEqual(['notes.txt'])
  })

  it('treats a directory holding only .git as empty', async () => {
    const cwd = await workspace()
    await mkdir(join(cwd, 'repo', '.git'), {recursive: true})

    const run = await wippy(['init', 'repo', '--template', 'service'], cwd)

    expect(run.exitCode).toBe(0)
    expect(existsSync(join(cwd, 'repo', 'src', 'heartbeat.lua'))).toBe(true)
  })

  it('writes into a non-empty directory with --force, keeping unrelated files', async () => {
    // Given a non-empty directory with a file that the template also has
    const cwd = await workspace()
    await mkdir(join(cwd, 'taken'))
    await writeFile(join(cwd, 'taken', 'notes.txt'), 'mine')
    await writeFile(join(cwd, 'taken', 'README.md'), 'old readme')

    // When
    const run = await wippy(['init', 'taken', '--template', 'approval', '--force'], cwd)

    // Then the template is written over same-named files and the rest is kept
    expect(run.exitCode).toBe(0)
    expect(await readFile(join(cwd, 'taken', 'notes.txt'), 'utf8')).toBe('mine')
    expect(await readFile(join(cwd, 'taken', 'README.md'), 'utf8')).toContain('# Approval')
    expect(existsSync(join(cwd, 'taken', 'src', 'workflows', 'approval.lua'))).toBe(true)
  })

  it('initialises the current directory with "."', async () => {
    const cwd = await workspace()
    const run = await wippy(['init', '.', '--template', 'service', '--json'], cwd)

    expect(run.exitCode).toBe(0)
    const result = JSON.parse(run.stdout) as {next: string[]}
    // no `cd` step when the project is the current directory
    expect(result.next.slice(0, 2)).toEqual(['npm install', 'npx wippy dev'])
  })

  it('refuses a path that is a file', async () => {
    const cwd = await workspace()
    await writeFile(join(cwd, 'app'), 'a file')

    const run = await wippy(['init', 'app'], cwd)

    expect(run.exitCode).toBe(1)
    expect(run.stderr).toContain('Error WIPPY_INIT_NOT_A_DIRECTORY')
  })
})

describe('wippy init with bad input', () => {
  it('rejects an unknown template and lists the valid ones', async () => {
    const cwd = await workspace()

    const run = await wippy(['init', 'my-app', '--template', 'ordres'], cwd)

    expect(run.exitCode).toBe(2)
    expect(run.stderr).toContain('Error WIPPY_TEMPLATE_UNKNOWN')
    expect(run.stderr).toContain('Valid templates: orders, approval, service.')
    expect(existsSync(join(cwd, 'my-app'))).toBe(false)
  })

  it('reports an unknown template as a JSON error with --json', async () => {
    const cwd = await workspace()

    const run = await wippy(['init', 'my-app', '--template', 'nope', '--json'], cwd)

    expect(run.exitCode).toBe(2)
    const out = JSON.parse(run.stdout) as {error: {code: string; details: {valid: string[]}; hint: string}}
    expect(out.error.code).toBe('WIPPY_TEMPLATE_UNKNOWN')
    expect(out.error.details.valid).toEqual(['orders', 'approval', 'service'])
    expect(out.error.hint).toContain('--template orders')
  })

  it('rejects an invalid directory name', async () => {
    const cwd = await workspace()

    const run = await wippy(['init', 'my app!'], cwd)

    expect(run.exitCode).toBe(2)
    expect(run.stderr).toContain('Error WIPPY_INIT_INVALID_DIR')
    expect(run.stderr).toContain('"my app!" is not a valid project directory name')
    expect(existsSync(join(cwd, 'my app!'))).toBe(false)
  })

  it('requires the directory argument', async () => {
    const cwd = await workspace()

    const run = await wippy(['init'], cwd)

    expect(run.exitCode).toBe(2)
    expect(run.stderr).toContain('WIPPY_USAGE')
  })
})

describe('wippy init --json', () => {
  it('returns {dir, template, files, next} and prints nothing else', async () => {
    const cwd = await workspace()

    const run = await wippy(['init', 'svc', '--template', 'service', '--no-install', '--json'], cwd)

    expect(run.exitCode).toBe(0)
    expect(run.stderr).toBe('')
    const result = JSON.parse(run.stdout) as Record<string, unknown>
    expect(result).toEqual({
      dir: join(cwd, 'svc'),
      files: [
        '.gitignore',
        '.luarc.json',
        'README.md',
        'package.json',
        'schema/registry.schema.json',
        'src/_index.yaml',
        'src/heartbeat.lua',
        'src/tests/_index.yaml',
        'src/tests/heartbeat_test.lua',
        ...[
          'base64',
          'channel',
          'crypto',
          'ctx',
          'env',
          'errors',
          'events',
          'funcs',
          'hash',
          'json',
          'logger',
          'process',
          'security',
          'time',
          'uuid',
          'workflow',
        ].map((m) => `types/wippy/${m}.lua`),
        'wippy.lock',
      ],
      installed: false,
      next: ['cd svc', 'npm install', 'npx wippy dev', 'npx wippy ps'],
      template: 'service',
      // Run from this checkout, the project depends on it (see src/init/wippy-spec.ts).
      wippy: {source: 'checkout', spec: `file:${REPO_ROOT}`, version: expect.any(String)},
    })
  })

  it('lists exactly the files written to disk', async () => {
    const cwd = await workspace()

    const run = await wippy(['init', 'shop', '--json'], cwd)

    const result = JSON.parse(run.stdout) as {dir: string; files: string[]; template: string}
    expect(result.template).toBe('orders')
    const onDisk = (await readdir(result.dir, {recursive: true, withFileTypes: true}))
      .filter((e) => e.isFile())
      .map((e) =>
        join(e.parentPath, e.name)
          .slice(result.dir.length + 1)
          .split('\\')
          .join('/'),
      )
      .sort()
    expect(result.files).toEqual(onDisk)
  })
})

describe('wippy init on a terminal', () => {
  // util-linux `script` gives the CLI a real pseudo-terminal without extra packages.
  const hasScript = existsSync('/usr/bin/script')

  it.skipIf(!hasScript)('asks which template to use and takes the answer', async () => {
    // Given a terminal session where the user will answer "2"
    const cwd = await workspace()
    const {execa} = await import('execa')
    const run = await execa('script', ['-qec', `node ${JSON.stringify(BIN)} init picked`, '/dev/null'], {
      cwd,
      env: {NO_COLOR: '1'},
      input: '2\n',
      reject: false,
      timeout: 20_000,
    })

    // Then the picker is shown and the second template is used
    expect(run.exitCode).toBe(0)
    expect(String(run.stdout)).toContain('Which template?')
    expect(String(run.stdout)).toContain('from the "approval" template')
    expect(existsSync(join(cwd, 'picked', 'src', 'workflows', 'approval.lua'))).toBe(true)
  })
})
