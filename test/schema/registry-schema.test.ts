import {mkdir, mkdtemp, readFile, rm, writeFile} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join, relative} from 'node:path'

import {Ajv} from 'ajv'
import type {ValidateFunction} from 'ajv'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {parse} from 'yaml'

import {TEMPLATES} from '../../src/init/catalog.js'
import {RUN_KINDS, kindSchemas, loadRegistry} from '../../src/registry/index.js'
import {kindDataSchema, registrySchema} from '../../src/schema/index.js'
import {REPO, templateYamlFiles} from './helpers.js'

/**
 * The registry JSON Schema, checked with a real validator (ajv, strict mode, so a keyword
 * typo in the generated schema fails too) against the templates, against broken files, and
 * against the loader itself: for a corpus of entries the schema and `loadRegistry` must agree.
 */

let validate: ValidateFunction
beforeAll(() => {
  validate = new Ajv({allErrors: true, strict: true, strictRequired: false}).compile(registrySchema())
})

function check(doc: unknown): {ok: boolean; errors: string[]} {
  const ok = validate(doc)
  return {ok, errors: (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message ?? ''}`)}
}

describe('the registry schema', () => {
  it("takes each run kind's fields from the zod schema the loader uses", () => {
    const entry = (registrySchema().definitions as Record<string, {oneOf: {properties: Record<string, unknown>}[]}>)
      .entry
    RUN_KINDS.forEach((kind, i) => {
      const fields = kindDataSchema(kind).properties as Record<string, unknown>
      // Every field the zod schema declares is offered for the kind, converted, not copied.
      expect(Object.keys(fields).length).toBeGreaterThan(0)
      for (const [field, schema] of Object.entries(fields))
        expect(entry?.oneOf[i]?.properties[field], `${kind}.${field}`).toEqual(schema)
      expect(kindSchemas[kind]).toBeDefined()
    })
  })

  it.each(TEMPLATES.map((t) => t.name))('validates every YAML file of the %s template', async (name) => {
    const files = await templateYamlFiles(name)
    expect(files.length).toBeGreaterThan(0)
    for (const file of files) {
      const result = check(parse(await readFile(file, 'utf8')))
      expect(result.errors, relative(REPO, file)).toEqual([])
    }
  })

  it('accepts the single-entry form and required fields under an explicit data: map', () => {
    expect(
      check({namespace: 'app', name: 'hello', kind: 'function.lua', source: 'file://hello.lua', method: 'main'}).ok,
    ).toBe(true)
    expect(
      check({
        namespace: 'app',
        entries: [{name: 'svc', kind: 'process.service', data: {process: 'app:p', host: 'app:h'}}],
      }).ok,
    ).toBe(true)
    // Kinds the platform knows but wippy does not run stay open.
    expect(check({namespace: 'app', entries: [{name: 'api', kind: 'http.service', addr: ':8080'}]}).ok).toBe(true)
  })

  it.each([
    [
      'a function without source',
      {namespace: 'app', entries: [{name: 'f', kind: 'function.lua', method: 'main'}]},
      "must have required property 'source'",
    ],
    [
      'an unknown kind',
      {namespace: 'app', entries: [{name: 'f', kind: 'function.lau', source: 'x'}]},
      'must be equal to one of the allowed values',
    ],
    [
      'a bad pool type',
      {namespace: 'app', entries: [{name: 'f', kind: 'function.lua', source: 'x', pool: {type: 'huge'}}]},
      '/entries/0/pool/type must be equal to one of the allowed values',
    ],
    [
      'a service without host',
      {namespace: 'app', entries: [{name: 's', kind: 'process.service', process: 'app:p'}]},
      "must have required property 'host'",
    ],
    [
      'a negative restart count',
      {namespace: 'app', entries: [{name: 'h', kind: 'process.host', lifecycle: {restart: {max_attempts: -1}}}]},
      '/entries/0/lifecycle/restart/max_attempts must be >= 0',
    ],
    [
      'a name with a colon',
      {namespace: 'app', entries: [{name: 'a:b', kind: 'library.lua', source: 'x'}]},
      '/entries/0/name must match pattern',
    ],
    [
      'no namespace',
      {entries: [{name: 'f', kind: 'library.lua', source: 'x'}]},
      "must have required property 'namespace'",
    ],
    ['entries that are not a list', {namespace: 'app', entries: {name: 'f'}}, '/entries must be array'],
    ['a misspelt top-level key', {namespace: 'app', entires: [], entries: []}, 'must NOT have additional properties'],
  ])('rejects %s', (_what, doc, message) => {
    const result = check(doc)
    expect(result.ok).toBe(false)
    expect(result.errors.join('\n')).toContain(message)
  })

  it('rejects a broken template file, read as YAML', async () => {
    // Given the approval workflow's YAML with `source:` deleted and a typo in the modules list type
    const file = join(REPO, 'templates', 'approval', 'src', 'workflows', '_index.yaml')
    const broken = (await readFile(file, 'utf8'))
      .replace(/^\s+source: .*\n/m, '')
      .replace('modules: [funcs]', 'modules: funcs')
    const result = check(parse(broken))
    expect(result.ok).toBe(false)
    expect(result.errors.join('\n')).toContain("must have required property 'source'")
    expect(result.errors.join('\n')).toContain('/entries/0/modules must be array')
  })
})

describe('the schema and the loader agree', () => {
  let root: string
  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'wippy-schema-'))
  })
  afterAll(async () => rm(root, {force: true, recursive: true}))

  // Entries the loader reads without `file://` (source inline) so only the schema matters.
  const corpus: Array<[string, Record<string, unknown>]> = [
    ['function', {name: 'f', kind: 'function.lua', source: 'return {}', method: 'main'}],
    ['function, no source', {name: 'f', kind: 'function.lua', method: 'main'}],
    ['function, pool', {name: 'f', kind: 'function.lua', source: 'return {}', pool: {type: 'static', workers: 2}}],
    ['function, zero workers', {name: 'f', kind: 'function.lua', source: 'return {}', pool: {workers: 0}}],
    ['function, modules not a list', {name: 'f', kind: 'function.lua', source: 'return {}', modules: 'json'}],
    ['service', {name: 's', kind: 'process.service', process: 'app:f', host: 'app:h', lifecycle: {auto_start: true}}],
    ['service in data', {name: 's', kind: 'process.service', data: {process: 'app:f', host: 'app:h'}}],
    ['service, no process', {name: 's', kind: 'process.service', host: 'app:h'}],
    ['service, empty host', {name: 's', kind: 'process.service', process: 'app:f', host: ''}],
    ['host, backoff below 1', {name: 'h', kind: 'process.host', lifecycle: {restart: {backoff_factor: 0.5}}}],
    ['client', {name: 'c', kind: 'temporal.client', address: 'localhost:7233'}],
    ['client, no address', {name: 'c', kind: 'temporal.client'}],
    ['client, bad auth', {name: 'c', kind: 'temporal.client', address: 'x', auth: {type: 'basic'}}],
    ['worker, no queue', {name: 'w', kind: 'temporal.worker', client: 'app:c'}],
    ['unknown kind', {name: 'x', kind: 'function.luaa', source: 'return {}'}],
  ]

  it.each(corpus)('%s', async (_what, entry) => {
    // Given a project with only this entry
    const dir = join(root, String(corpus.findIndex((c) => c[1] === entry)))
    await mkdir(join(dir, 'src'), {recursive: true})
    const doc = {namespace: 'app', entries: [entry]}
    await writeFile(join(dir, 'src', '_index.yaml'), JSON.stringify(doc))
    // When the loader and the schema judge it
    const registry = await loadRegistry(dir)
    const loaderOk = !registry.problems.some(
      (p) =>
        p.severity === 'error' &&
        ['WIPPY_ENTRY_INVALID', 'WIPPY_KIND_UNKNOWN', 'WIPPY_REGISTRY_INVALID'].includes(p.code),
    )
    // Then they agree
    expect(check(doc).ok, JSON.stringify(registry.problems)).toBe(loaderOk)
  })
})
