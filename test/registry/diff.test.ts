import {cpSync, mkdtempSync, rmSync, writeFileSync, readFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {fileURLToPath} from 'node:url'
import {afterEach, describe, expect, it} from 'vitest'

import {assertNoErrors, diffRegistries, loadRegistry} from '../../src/registry/index.js'
import {WippyError} from '../../src/errors.js'

const VALID = fileURLToPath(new URL('../fixtures/projects/valid/', import.meta.url))
const dirs: string[] = []
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, {recursive: true, force: true})
})

function copyOfValid(): string {
  const root = mkdtempSync(join(tmpdir(), 'wippy-diff-'))
  dirs.push(root)
  cpSync(VALID, root, {recursive: true})
  return root
}

describe('diffRegistries', () => {
  it('sees no change between two loads of the same project', async () => {
    const root = copyOfValid()
    expect(diffRegistries(await loadRegistry(root), await loadRegistry(root))).toEqual({
      added: [],
      removed: [],
      changed: [],
    })
  })

  it('reports a Lua edit as a change of the entry that reads the file', async () => {
    // Given a loaded project
    const root = copyOfValid()
    const before = await loadRegistry(root)
    // When payment.lua changes and a new entry is added while another is removed
    const lua = join(root, 'src/app/workflows/payment.lua')
    writeFileSync(lua, readFileSync(lua, 'utf8').replace('"24h"', '"1h"'))
    const api = join(root, 'src/app/api/_index.yaml')
    writeFileSync(api, readFileSync(api, 'utf8').replace('name: refund', 'name: refund_v2'))
    const after = await loadRegistry(root)
    // Then the diff names exactly those entries
    expect(diffRegistries(before, after)).toEqual({
      added: ['app.api:refund_v2'],
      removed: ['app.api:refund'],
      changed: ['app.workflows:payment'],
    })
  })

  it('reports a meta-only edit as a change', async () => {
    const root = copyOfValid()
    const before = await loadRegistry(root)
    const file = join(root, 'src/app/api/_index.yaml')
    writeFileSync(file, readFileSync(file, 'utf8').replace('owner: payments', 'owner: billing'))
    const after = await loadRegistry(root)
    expect(diffRegistries(before, after).changed).toEqual([
      'app.api:charge_card',
      'app.api:check_status',
      'app.api:refund',
    ])
  })
})

describe('assertNoErrors', () => {
  it('throws the first error with its position and a count of the rest', async () => {
    const root = fileURLToPath(new URL('../fixtures/projects/broken-module-not-workflow-safe/', import.meta.url))
    const registry = await loadRegistry(root)
    let thrown: unknown
    try {
      assertNoErrors(registry)
    } catch (error) {
      thrown = error
    }
    expect(thrown).toBeInstanceOf(WippyError)
    expect(thrown).toMatchObject({
      code: 'WIPPY_MODULE_NOT_WORKFLOW_SAFE',
      file: 'src/app/_index.yaml',
      line: 7,
      column: 28,
    })
    expect((thrown as WippyError).message).toContain('and 1 more error')
  })
})
