import {existsSync} from 'node:fs'
import {readFile, readdir} from 'node:fs/promises'
import {dirname, join, relative, resolve} from 'node:path'

import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {TEMPLATES} from '../../src/init/catalog.js'
import {PROJECT_SCHEMA_FILE, readModeline} from '../../src/schema/index.js'
import {ensureBuilt, tempDir, wippy} from '../init/helpers.js'
import {REPO, templateYamlFiles} from './helpers.js'

/**
 * Templates hold only their own sources; `wippy init` writes the editor support from this
 * wippy: the LuaLS stubs and .luarc.json of editor/luals/, and the registry schema exactly as
 * `wippy schema` prints it. So nothing is committed twice and nothing can drift.
 */
const STUBS = join(REPO, 'editor', 'luals', 'wippy')
const GENERATED = ['.luarc.json', 'types', PROJECT_SCHEMA_FILE.split('/')[0]!]

let work: {cleanup: () => Promise<void>; dir: string}
let printed: string
beforeAll(async () => {
  await ensureBuilt()
  work = await tempDir()
  const run = await wippy(['schema'], work.dir)
  expect(run.exitCode, run.stderr).toBe(0)
  printed = `${run.stdout}\n` // execa strips the final newline
}, 120_000)
afterAll(async () => work.cleanup())

describe.each(TEMPLATES.map((t) => t.name))('wippy init --template %s', (name) => {
  const root = join(REPO, 'templates', name)
  let project: string
  beforeAll(async () => {
    const run = await wippy(['init', name, '--template', name, '--no-install', '--json'], work.dir)
    expect(run.exitCode, run.stderr).toBe(0)
    project = join(work.dir, name)
  }, 60_000)

  it('finds no generated copies in the template itself', async () => {
    const entries = await readdir(root)
    for (const generated of GENERATED)
      expect(entries, `templates/${name} commits ${generated}`).not.toContain(generated)
  })

  it('writes the registry schema that `wippy schema` prints', async () => {
    expect((await readFile(join(project, PROJECT_SCHEMA_FILE), 'utf8')) === printed).toBe(true)
  })

  it('writes the LuaLS stubs and .luarc.json of editor/luals', async () => {
    const stubs = (await readdir(STUBS)).sort()
    expect(stubs.length).toBeGreaterThan(10)
    expect((await readdir(join(project, 'types', 'wippy'))).sort()).toEqual(stubs)
    for (const stub of stubs) {
      const same =
        (await readFile(join(project, 'types', 'wippy', stub), 'utf8')) === (await readFile(join(STUBS, stub), 'utf8'))
      expect(same, `types/wippy/${stub} differs from editor/luals/wippy`).toBe(true)
    }
    expect(await readFile(join(project, '.luarc.json'), 'utf8')).toBe(
      await readFile(join(REPO, 'editor', 'luals', '.luarc.json'), 'utf8'),
    )
  })

  it('has a .luarc.json whose library folders exist in the project', async () => {
    const config = JSON.parse(await readFile(join(project, '.luarc.json'), 'utf8')) as Record<string, unknown>
    expect(config['runtime.version']).toBe('Lua 5.4')
    const library = config['workspace.library'] as string[]
    expect(library.length).toBeGreaterThan(0)
    for (const dir of library) expect(existsSync(join(project, dir)), dir).toBe(true)
    // The Wippy globals are declared, so LuaLS does not flag them as undefined.
    expect(config['diagnostics.globals']).toEqual(expect.arrayContaining(['process', 'channel', 'errors']))
  })

  it('points every registry YAML file of the template at the schema init writes', async () => {
    const files = await templateYamlFiles(name)
    expect(files.length).toBeGreaterThan(0)
    for (const file of files) {
      const target = readModeline(await readFile(file, 'utf8'))
      expect(target, `${relative(REPO, file)} has no schema modeline`).toBeDefined()
      expect(resolve(dirname(file), target ?? '')).toBe(join(root, PROJECT_SCHEMA_FILE))
    }
  })
})
