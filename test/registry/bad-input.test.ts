import {mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {dirname, join} from 'node:path'
import {afterEach, describe, expect, it} from 'vitest'

import {loadRegistry} from '../../src/registry/index.js'
import type {Problem} from '../../src/registry/index.js'

const dirs: string[] = []
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, {recursive: true, force: true})
})

/** Writes a temporary project from a {path: content} map and returns its root. */
function project(files: Record<string, string | Buffer>): string {
  const root = mkdtempSync(join(tmpdir(), 'wippy-reg-'))
  dirs.push(root)
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), {recursive: true})
    writeFileSync(join(root, path), content)
  }
  return root
}

const codes = (problems: Problem[]) => problems.map((p) => p.code)

describe('bad input never throws, and every problem has a position', () => {
  const cases: Array<[string, Record<string, string | Buffer>, string]> = [
    ['malformed YAML', {'src/_index.yaml': 'namespace: app\nentries: [\n  - name: x\n'}, 'WIPPY_YAML_SYNTAX'],
    [
      'tab-indented YAML',
      {'src/_index.yaml': 'namespace: app\nentries:\n\t- name: x\n\t  kind: process.host\n'},
      'WIPPY_YAML_SYNTAX',
    ],
    ['an empty file', {'src/_index.yaml': ''}, 'WIPPY_YAML_EMPTY'],
    [
      'a binary file named .yaml',
      {'src/blob.yaml': Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 0, 0, 0x0d, 0xff, 0xfe, 0])},
      'WIPPY_YAML_SYNTAX',
    ],
    ['a YAML list at the top', {'src/_index.yaml': '- a\n- b\n'}, 'WIPPY_REGISTRY_INVALID'],
    ['a scalar file', {'src/_index.yaml': 'just words\n'}, 'WIPPY_REGISTRY_INVALID'],
    ['duplicate keys', {'src/_index.yaml': 'namespace: app\nnamespace: other\nentries: []\n'}, 'WIPPY_YAML_SYNTAX'],
    ['an entry that is not a map', {'src/_index.yaml': 'namespace: app\nentries:\n  - hello\n'}, 'WIPPY_ENTRY_INVALID'],
    ['an entry without a kind', {'src/_index.yaml': 'namespace: app\nentries:\n  - name: x\n'}, 'WIPPY_ENTRY_INVALID'],
    [
      'an entry without a name',
      {'src/_index.yaml': 'namespace: app\nentries:\n  - kind: process.host\n'},
      'WIPPY_ENTRY_INVALID',
    ],
    ['a bad namespace', {'src/_index.yaml': 'namespace: "app api"\nentries: []\n'}, 'WIPPY_REGISTRY_INVALID'],
    [
      'a missing source file',
      {
        'src/_index.yaml':
          'namespace: app\nentries:\n  - name: f\n    kind: function.lua\n    source: file://nope.lua\n',
      },
      'WIPPY_SOURCE_MISSING',
    ],
    [
      'a source that is a directory',
      {
        'src/_index.yaml': 'namespace: app\nentries:\n  - name: f\n    kind: function.lua\n    source: file://lib\n',
        'src/lib/x.lua': '',
      },
      'WIPPY_SOURCE_MISSING',
    ],
    ['no source dir', {'README.md': 'hi'}, 'WIPPY_SRC_MISSING'],
  ]

  it.each(cases)('%s', async (_name, files, code) => {
    // Given a project with bad input; When it is loaded
    const registry = await loadRegistry(project(files))
    // Then the problem is reported, located, and hinted
    expect(codes(registry.problems)).toContain(code)
    for (const p of registry.problems) {
      expect(p.message.length).toBeGreaterThan(0)
      expect(p.hint?.length ?? 0).toBeGreaterThan(0)
      if (p.code !== 'WIPPY_SRC_MISSING') {
        expect(p.file).toBeTruthy()
        expect(p.line).toBeGreaterThanOrEqual(1)
      }
    }
  })

  it('treats a directory named x.yaml as a directory', async () => {
    const root = project({
      'src/x.yaml/_index.yaml': 'namespace: app\nentries:\n  - name: processes\n    kind: process.host\n',
    })
    const registry = await loadRegistry(root)
    expect(registry.problems).toEqual([])
    expect(registry.entries.get('app:processes')?.file).toBe('src/x.yaml/_index.yaml')
  })

  it('skips node_modules and dot-directories', async () => {
    const root = project({
      'src/_index.yaml': 'namespace: app\nentries:\n  - name: processes\n    kind: process.host\n',
      'src/node_modules/pkg/bad.yaml': '{{{',
      'src/.cache/bad.yaml': '{{{',
    })
    const registry = await loadRegistry(root)
    expect(registry.problems).toEqual([])
    expect(registry.entries.size).toBe(1)
  })

  it('loads a 5 MB YAML file quickly', async () => {
    const lines = ['namespace: big', 'entries:']
    let i = 0
    let size = 0
    while (size < 5 * 1024 * 1024) {
      const entry = `  - name: host_${i}\n    kind: process.host\n    meta: {comment: "${'x'.repeat(120)}"}`
      lines.push(entry)
      size += entry.length + 1
      i++
    }
    const root = project({'src/_index.yaml': `${lines.join('\n')}\n`})
    const started = performance.now()
    const registry = await loadRegistry(root)
    const took = performance.now() - started
    expect(registry.problems).toEqual([])
    expect(registry.entries.size).toBe(i)
    expect(took).toBeLessThan(15_000)
  })

  it('refuses a file:// symlink that points outside the project', async () => {
    const outside = project({'secret.lua': 'return {}'})
    const root = project({
      'src/_index.yaml': 'namespace: app\nentries:\n  - name: f\n    kind: function.lua\n    source: file://link.lua\n',
    })
    symlinkSync(join(outside, 'secret.lua'), join(root, 'src/link.lua'))
    const registry = await loadRegistry(root)
    const problem = registry.problems.find((p) => p.code === 'WIPPY_FILE_ESCAPES_ROOT')
    expect(problem).toMatchObject({file: 'src/_index.yaml', line: 5, column: 13, entryId: 'app:f'})
    expect(registry.entries.get('app:f')?.data.source).toBe('file://link.lua')
  })

  it('refuses a symlinked YAML file that points outside the project', async () => {
    const outside = project({'defs.yaml': 'namespace: evil\nentries: []\n'})
    const root = project({'src/_index.yaml': 'namespace: app\nentries: []\n'})
    symlinkSync(join(outside, 'defs.yaml'), join(root, 'src/defs.yaml'))
    const registry = await loadRegistry(root)
    expect(registry.problems.find((p) => p.code === 'WIPPY_FILE_ESCAPES_ROOT')?.file).toBe('src/defs.yaml')
  })
})

describe('interpolation and layout', () => {
  it('resolves file:/// from the source root and ${env:} from the given env', async () => {
    const root = project({
      'wippy.lock': 'directories:\n  src: ./lua-src\n',
      'lua-src/shared/util.lua': 'return {main = function() return 1 end}',
      'lua-src/app/deep/_index.yaml':
        'namespace: app\nentries:\n  - name: f\n    kind: function.lua\n    source: file:///shared/util.lua\n  - name: c\n    kind: temporal.client\n    address: ${env:TEMPORAL_HOST}:7233\n',
    })
    const registry = await loadRegistry(root, {env: {TEMPORAL_HOST: 'temporal.local'}})
    expect(registry.problems).toEqual([])
    expect(registry.srcDirs).toEqual([join(root, 'lua-src')])
    expect(registry.entries.get('app:f')).toMatchObject({sourceFile: 'lua-src/shared/util.lua'})
    expect(registry.entries.get('app:c')?.data.address).toBe('temporal.local:7233')
  })

  it('supports the single-entry file form', async () => {
    const root = project({
      'src/host.yaml': 'namespace: app\nname: processes\nkind: process.host\nhost:\n  workers: 2\n',
    })
    const registry = await loadRegistry(root)
    expect(registry.problems).toEqual([])
    expect(registry.entries.get('app:processes')).toMatchObject({data: {host: {workers: 2}}, line: 1})
  })

  it('adds the problems of a Lua syntax checker, located in the Lua file', async () => {
    const root = project({
      'src/_index.yaml': 'namespace: app\nentries:\n  - name: f\n    kind: function.lua\n    source: file://f.lua\n',
      'src/f.lua': 'local x = = 1\n',
    })
    const registry = await loadRegistry(root, {
      checkLua: (text, chunk) =>
        text.includes('= =')
          ? {
              severity: 'error',
              code: 'WIPPY_LUA_SYNTAX',
              message: `${chunk}:1: unexpected symbol near '='`,
              hint: 'Fix the Lua syntax.',
              line: 1,
              column: 11,
            }
          : undefined,
    })
    expect(registry.problems).toEqual([
      {
        severity: 'error',
        code: 'WIPPY_LUA_SYNTAX',
        message: "src/f.lua:1: unexpected symbol near '='",
        hint: 'Fix the Lua syntax.',
        line: 1,
        column: 11,
        file: 'src/f.lua',
        entryId: 'app:f',
      },
    ])
  })
})

describe('a Lua checker that crashes', () => {
  it('becomes a warning on that file, and the load goes on', async () => {
    const root = project({
      'src/_index.yaml': 'namespace: app\nentries:\n  - name: f\n    kind: function.lua\n    source: file://f.lua\n',
      'src/f.lua': 'return {}\n',
    })
    const registry = await loadRegistry(root, {
      checkLua: () => {
        throw new TypeError("Cannot read properties of undefined (reading 'kind')")
      },
    })
    expect(registry.problems).toMatchObject([
      {severity: 'warning', code: 'WIPPY_LUA_CHECK_FAILED', file: 'src/f.lua', entryId: 'app:f'},
    ])
    expect(registry.entries.get('app:f')?.data.source).toBe('return {}\n')
  })
})
