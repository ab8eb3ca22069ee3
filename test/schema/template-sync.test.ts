import {existsSync} from 'node:fs'
import {readFile, readdir} from 'node:fs/promises'
import {dirname, join, relative, resolve} from 'node:path'

import {describe, expect, it} from 'vitest'

import {TEMPLATES} from '../../src/init/catalog.js'
import {PROJECT_SCHEMA_FILE, readModeline, registrySchemaText} from '../../src/schema/index.js'
import {REPO, templateYamlFiles} from './helpers.js'

/**
 * The editor files each template ships are copies (npm packs each template as a plain
 * folder), so this suite is what keeps them from drifting: the schema must equal a fresh
 * generation, the LuaLS stubs and .luarc.json must equal editor/luals/, and every YAML file
 * must point at the schema. `node editor/sync-templates.mjs` (after `npm run build`) fixes all three.
 */
const FIX = 'Run `npm run build && node editor/sync-templates.mjs` to refresh the templates.'
const STUBS = join(REPO, 'editor', 'luals', 'wippy')

describe.each(TEMPLATES.map((t) => t.name))('the %s template', (name) => {
  const root = join(REPO, 'templates', name)

  it('ships the registry schema as generated now', async () => {
    const shipped = await readFile(join(root, PROJECT_SCHEMA_FILE), 'utf8')
    expect(shipped === registrySchemaText(), `templates/${name}/${PROJECT_SCHEMA_FILE} is stale. ${FIX}`).toBe(true)
  })

  it('points every registry YAML file at that schema on its first line', async () => {
    for (const file of await templateYamlFiles(name)) {
      const target = readModeline(await readFile(file, 'utf8'))
      expect(target, `${relative(REPO, file)} has no schema modeline. ${FIX}`).toBeDefined()
      expect(resolve(dirname(file), target ?? '')).toBe(join(root, PROJECT_SCHEMA_FILE))
    }
  })

  it('ships the LuaLS stubs and .luarc.json of editor/luals', async () => {
    const stubs = (await readdir(STUBS)).sort()
    expect((await readdir(join(root, 'types', 'wippy'))).sort()).toEqual(stubs)
    for (const stub of stubs) {
      const same = (await readFile(join(root, 'types', 'wippy', stub), 'utf8')) === (await readFile(join(STUBS, stub), 'utf8'))
      expect(same, `templates/${name}/types/wippy/${stub} differs from editor/luals/wippy. ${FIX}`).toBe(true)
    }
    expect(await readFile(join(root, '.luarc.json'), 'utf8')).toBe(await readFile(join(REPO, 'editor', 'luals', '.luarc.json'), 'utf8'))
  })

  it('has a .luarc.json whose library folders exist in the project', async () => {
    const config = JSON.parse(await readFile(join(root, '.luarc.json'), 'utf8')) as Record<string, unknown>
    expect(config['runtime.version']).toBe('Lua 5.4')
    const library = config['workspace.library'] as string[]
    expect(library.length).toBeGreaterThan(0)
    for (const dir of library) expect(existsSync(join(root, dir)), dir).toBe(true)
    // The Wippy globals are declared, so LuaLS does not flag them as undefined.
    expect(config['diagnostics.globals']).toEqual(expect.arrayContaining(['process', 'channel', 'errors']))
  })
})
