import {readFile, writeFile} from 'node:fs/promises'
import {join} from 'node:path'

import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {registrySchema, registrySchemaText} from '../../src/schema/index.js'
import {ensureBuilt, tempDir, wippy} from '../init/helpers.js'

/** `wippy schema` through the built CLI, as a child process. */
let work: {cleanup: () => Promise<void>; dir: string}
beforeAll(async () => {
  await ensureBuilt()
  work = await tempDir()
}, 120_000)
afterAll(async () => work.cleanup())

describe('wippy schema', () => {
  it('prints the registry schema on stdout', async () => {
    const run = await wippy(['schema'], work.dir)
    expect(run.exitCode, run.stderr).toBe(0)
    expect(`${run.stdout}\n`).toBe(registrySchemaText())
  })

  it('returns the same schema with --json', async () => {
    const run = await wippy(['schema', '--json'], work.dir)
    expect(run.exitCode, run.stderr).toBe(0)
    expect(JSON.parse(run.stdout)).toEqual(registrySchema())
  })

  it('writes --output, then leaves an up-to-date file alone', async () => {
    const first = await wippy(['schema', '--output', 'schema/registry.schema.json'], work.dir)
    expect(first.exitCode, first.stderr).toBe(0)
    expect(first.stderr).toContain('Wrote ')
    expect(await readFile(join(work.dir, 'schema', 'registry.schema.json'), 'utf8')).toBe(registrySchemaText())

    const second = await wippy(['schema', '-o', 'schema/registry.schema.json', '--json'], work.dir)
    expect(JSON.parse(second.stdout)).toEqual({changed: false, file: join(work.dir, 'schema', 'registry.schema.json')})
  })

  it('fails with WIPPY_SCHEMA_WRITE and a hint when the path is not writable', async () => {
    // Given a plain file where the output folder should be
    await writeFile(join(work.dir, 'blocker'), 'x')
    const run = await wippy(['schema', '--output', 'blocker/registry.schema.json'], work.dir)
    expect(run.exitCode).toBe(1)
    expect(run.stderr).toContain('WIPPY_SCHEMA_WRITE')
    expect(run.stderr).toMatch(/Can't write the schema to .*blocker/)
    expect(run.stderr).not.toMatch(/^\s+at /m)
  })
})
