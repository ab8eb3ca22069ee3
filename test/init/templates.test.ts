import {readFile, readdir} from 'node:fs/promises'
import {join} from 'node:path'

import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {TEMPLATES, findTemplatesDir} from '../../src/init/catalog.js'
import {initProject} from '../../src/init/init-project.js'
import {formatProblem, lintProject, loadRegistry} from '../../src/registry/index.js'
import {REPO, tempDir} from './helpers.js'

/**
 * The templates as a user gets them: scaffolded by the init service into a temp dir, then
 * loaded by the real registry loader. (The CLI path is covered in init-command.test.ts.)
 */
const names = TEMPLATES.map((t) => t.name)
let work: {cleanup: () => Promise<void>; dir: string}
const roots = new Map<string, string>()

beforeAll(async () => {
  work = await tempDir()
  for (const name of names) {
    const result = await initProject({cwd: work.dir, dir: name, template: name})
    roots.set(name, result.dir)
  }
})
afterAll(async () => work.cleanup())

function root(name: string): string {
  const dir = roots.get(name)
  if (!dir) throw new Error(`template ${name} was not scaffolded`)
  return dir
}

describe('the template catalog', () => {
  it('finds templates/ at the package root from src/init', () => {
    expect(findTemplatesDir()).toBe(join(REPO, 'templates'))
  })

  it('has a folder for every template and a template for every folder', async () => {
    const folders = (await readdir(join(REPO, 'templates'), {withFileTypes: true}))
      .filter((e) => e.isDirectory())
      .map((e) => e.name)
    expect(folders.sort()).toEqual([...names].sort())
  })

  it('stores .gitignore as _gitignore, because npm never packs .gitignore files', async () => {
    for (const name of names) {
      const files = await readdir(join(REPO, 'templates', name))
      expect(files).toContain('_gitignore')
      expect(files).not.toContain('.gitignore')
    }
  })
})

describe.each(names)('the %s template', (name) => {
  it('lints clean with the registry loader', async () => {
    const result = await lintProject(root(name))
    expect(result.problems.map((p) => formatProblem(p))).toEqual([])
  })

  it('exports the method every Lua entry names', async () => {
    // Wippy runs the chunk, then calls `returned_table[method]`; a typo there only
    // shows at run time, so check that each method is in the file's `return {...}`.
    const registry = await loadRegistry(root(name))
    const lua = [...registry.entries.values()].filter((e) => e.kind.endsWith('.lua'))
    expect(lua.length).toBeGreaterThan(0)
    for (const entry of lua) {
      const source = String(entry.data.source)
      const exported = /return\s*\{([^}]*)\}\s*$/.exec(source.trim())?.[1] ?? ''
      const keys = [...exported.matchAll(/(\w+)\s*=/g)].map((m) => m[1])
      expect(keys, `${entry.id} (${entry.sourceFile})`).toContain(String(entry.data.method ?? 'main'))
    }
  })

  it('has a README whose wippy commands name real entries', async () => {
    const readme = await readFile(join(root(name), 'README.md'), 'utf8')
    const registry = await loadRegistry(root(name))
    const commands = [...readme.matchAll(/^npx wippy (.+)$/gm)].map((m) => m[1] ?? '')
    expect(commands).toContain('dev')
    expect(commands).toContain('ps')

    for (const cmd of commands) {
      // Every command is one of those the dev server provides, spelled as in the docs.
      expect(cmd).toMatch(
        /^(dev|ps|spawn \S+ '.*'|signal <id> \w+ '.*'|time skip <id> --to-next-timer|cancel <id>|history inspect <id>)$/,
      )
      const spawn = /^spawn (\S+) '(.*)'$/.exec(cmd)
      if (spawn) {
        // The spawned entry is a workflow of this project and its input is valid JSON.
        expect(registry.entries.get(spawn[1] ?? '')?.kind, cmd).toBe('workflow.lua')
        expect(() => JSON.parse(spawn[2] ?? '')).not.toThrow()
      }
      const signal = /^signal <id> \w+ '(.*)'$/.exec(cmd)
      if (signal) expect(() => JSON.parse(signal[1] ?? '')).not.toThrow()
    }
  })

  it('suggests a first command that the README also lists', async () => {
    const readme = await readFile(join(root(name), 'README.md'), 'utf8')
    const info = TEMPLATES.find((t) => t.name === name)
    expect(readme).toContain(info?.tryCommand)
  })
})

describe('the orders template', () => {
  it('holds every pattern of the workflows guide', async () => {
    const registry = await loadRegistry(root('orders'))
    const kinds = new Map([...registry.entries.values()].map((e) => [e.id, e.kind]))
    expect(kinds.get('app:temporal_client')).toBe('temporal.client')
    expect(kinds.get('app:temporal_worker')).toBe('temporal.worker')
    expect(kinds.get('app:processes')).toBe('process.host')
    expect(kinds.get('app:metrics_service')).toBe('process.service')
    for (const wf of ['order_saga', 'payment', 'approval', 'order_batch']) {
      expect(kinds.get(`app.workflows:${wf}`)).toBe('workflow.lua')
    }
    const source = (id: string) => String(registry.entries.get(id)?.data.source)
    // The waits listen for a cancel too (a CANCEL event on process.events())
    expect(source('app.workflows:payment')).toContain('time.after("24h")')
    expect(source('app.workflows:payment')).toContain('process.event.CANCEL')
    expect(source('app.workflows:approval')).toContain('channel.select({inbox:case_receive(), events:case_receive()})')
    expect(source('app.workflows:approval')).toContain('process.event.CANCEL')
    expect(source('app.workflows:order_batch')).toContain('process.spawn("app.workflows:order_saga"')
    expect(source('app.workflows:order_batch')).toContain('process.event.EXIT')
    expect(source('app:metrics_reporter')).toContain('process.event.CANCEL')

    const service = registry.entries.get('app:metrics_service')?.data as {
      lifecycle: {auto_start: boolean; restart: Record<string, unknown>}
    }
    expect(service.lifecycle.auto_start).toBe(true)
    expect(service.lifecycle.restart).toEqual({initial_delay: '1s', max_attempts: 5})
  })

  it('lets every saga step be made to fail through fail_at', async () => {
    const registry = await loadRegistry(root('orders'))
    const source = (id: string) => String(registry.entries.get(id)?.data.source)
    expect(source('app.inventory:reserve')).toContain('fail_at == "inventory"')
    expect(source('app.payments:charge')).toContain('fail_at == "payment"')
    expect(source('app.shipping:create')).toContain('fail_at == "shipping"')
    expect(source('app.payments:check_status')).toContain('fail_at == "settlement"')
  })
})
