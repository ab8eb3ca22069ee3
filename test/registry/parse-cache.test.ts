import {cpSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {fileURLToPath} from 'node:url'
import {afterEach, describe, expect, it} from 'vitest'

import {loadRegistry} from '../../src/registry/index.js'
import {parseCachePath} from '../../src/registry/parse-cache.js'

const PROJECTS = fileURLToPath(new URL('../fixtures/projects/', import.meta.url))
const dirs: string[] = []
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, {recursive: true, force: true})
})
function temp(prefix: string): string {
  const d = mkdtempSync(join(tmpdir(), prefix))
  dirs.push(d)
  return d
}
function copyOf(fixture: string): string {
  const root = temp('wippy-cache-proj-')
  cpSync(join(PROJECTS, fixture), root, {recursive: true})
  return root
}
/** Entries and problems without functions, for comparing two loads. */
const snapshot = async (root: string, cacheDir?: string) => {
  const r = await loadRegistry(root, cacheDir === undefined ? {} : {cacheDir})
  return {entries: [...r.entries.values()], problems: r.problems, srcDirs: r.srcDirs}
}

describe('the parse cache', () => {
  it('gives the same registry as an uncached load, on the first and the second run', async () => {
    const root = copyOf('valid')
    const cacheDir = temp('wippy-cache-')
    const uncached = await snapshot(root)
    expect(await snapshot(root, cacheDir)).toEqual(uncached)
    expect(readdirSync(join(cacheDir, 'registry'))).toHaveLength(1)
    expect(await snapshot(root, cacheDir)).toEqual(uncached)
  })

  it('still locates field problems precisely when entries come from the cache', async () => {
    // Given a project with a schema error, loaded once to fill the cache
    const root = copyOf('broken-entry-invalid')
    const cacheDir = temp('wippy-cache-')
    const first = await snapshot(root, cacheDir)
    // When it is loaded again from the cache
    const second = await snapshot(root, cacheDir)
    // Then the problems carry the same line:column (the file is re-parsed for positions)
    expect(second.problems).toEqual(first.problems)
    expect(second.problems[0]).toMatchObject({line: 6, column: 16})
  })

  it('notices an edited file', async () => {
    const root = copyOf('valid')
    const cacheDir = temp('wippy-cache-')
    await snapshot(root, cacheDir)
    const file = join(root, 'src/app/_index.yaml')
    writeFileSync(file, readFileSync(file, 'utf8').replace('task_queue: orders', 'task_queue: payments'))
    const after = await loadRegistry(root, {cacheDir})
    expect(after.entries.get('app:temporal_worker')?.data.task_queue).toBe('payments')
  })

  it('ignores a corrupt cache file', async () => {
    const root = copyOf('valid')
    const cacheDir = temp('wippy-cache-')
    await snapshot(root, cacheDir)
    writeFileSync(parseCachePath(cacheDir, root), '{"version": 1, "files": ')
    expect(await snapshot(root, cacheDir)).toEqual(await snapshot(root))
  })

  it('re-reads Lua sources every time (they are not cached)', async () => {
    const root = copyOf('valid')
    const cacheDir = temp('wippy-cache-')
    await snapshot(root, cacheDir)
    writeFileSync(join(root, 'src/app/api/refund.lua'), 'return {main = function() return "v2" end}\n')
    const after = await loadRegistry(root, {cacheDir})
    expect(after.entries.get('app.api:refund')?.data.source).toContain('"v2"')
  })

  it('does not let remembered schema results hide a new error', async () => {
    const root = copyOf('valid')
    const cacheDir = temp('wippy-cache-')
    expect((await loadRegistry(root, {cacheDir})).problems).toEqual([])
    const file = join(root, 'src/app/_index.yaml')
    writeFileSync(file, readFileSync(file, 'utf8').replace('workers: 4', 'workers: many'))
    const after = await loadRegistry(`${root}/`, {cacheDir})
    expect(after.problems).toMatchObject([
      {code: 'WIPPY_ENTRY_INVALID', file: 'src/app/_index.yaml', line: 22, entryId: 'app:processes'},
    ])
  })
})
