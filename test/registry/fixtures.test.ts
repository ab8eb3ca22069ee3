import {readdirSync, readFileSync} from 'node:fs'
import {join} from 'node:path'
import {fileURLToPath} from 'node:url'
import {describe, expect, it} from 'vitest'

import {loadRegistry} from '../../src/registry/index.js'

const PROJECTS = fileURLToPath(new URL('../fixtures/projects/', import.meta.url))

interface Expectation {
  code: string
  severity: 'error' | 'warning'
  file?: string
  line?: number
  column?: number
  message?: string
  hint?: string
  count?: number
  also?: string[]
}

const broken = readdirSync(PROJECTS)
  .filter((d) => d.startsWith('broken-'))
  .sort()

describe('broken fixture projects: one per problem code', () => {
  it('covers every error code the loader emits', () => {
    const expectations = broken.map(
      (d) => JSON.parse(readFileSync(join(PROJECTS, d, 'expect.json'), 'utf8')) as Expectation,
    )
    const codes = new Set(expectations.flatMap((e) => [e.code, ...(e.also ?? [])]))
    for (const code of [
      'WIPPY_YAML_SYNTAX',
      'WIPPY_REGISTRY_NO_NAMESPACE',
      'WIPPY_REGISTRY_INVALID',
      'WIPPY_ENTRY_DUPLICATE',
      'WIPPY_KIND_UNKNOWN',
      'WIPPY_ENTRY_INVALID',
      'WIPPY_SOURCE_MISSING',
      'WIPPY_FILE_ESCAPES_ROOT',
      'WIPPY_REF_UNKNOWN',
      'WIPPY_REF_WRONG_KIND',
      'WIPPY_MODULE_NOT_WORKFLOW_SAFE',
      'WIPPY_ENV_UNSET',
      'WIPPY_LOCK_INVALID',
      'WIPPY_SRC_MISSING',
      'WIPPY_KIND_NOT_RUN',
      'WIPPY_MODULE_UNKNOWN',
      'WIPPY_YAML_EMPTY',
      'WIPPY_REF_NOT_QUALIFIED',
    ]) {
      expect(codes, code).toContain(code)
    }
  })

  it.each(broken)('%s reports its problem with a file and position', async (dir) => {
    // Given a project with one kind of mistake and the expectation written beside it
    const expected = JSON.parse(readFileSync(join(PROJECTS, dir, 'expect.json'), 'utf8')) as Expectation

    // When it is loaded
    const registry = await loadRegistry(join(PROJECTS, dir), {env: {}})

    // Then the problem is reported where the mistake is, with a hint
    const matching = registry.problems.filter((p) => p.code === expected.code)
    expect(matching.length, JSON.stringify(registry.problems, null, 2)).toBe(expected.count ?? matching.length)
    const problem = matching[0]
    expect(problem, JSON.stringify(registry.problems, null, 2)).toBeDefined()
    if (!problem) return
    expect(problem.severity).toBe(expected.severity)
    expect(problem.hint?.length ?? 0).toBeGreaterThan(10)
    if (expected.file) expect(problem.file).toBe(expected.file)
    expect(problem.line).toBeGreaterThanOrEqual(1)
    expect(problem.column).toBeGreaterThanOrEqual(1)
    if (expected.line !== undefined) expect(problem.line).toBe(expected.line)
    if (expected.column !== undefined) expect(problem.column).toBe(expected.column)
    if (expected.message) expect(problem.message).toContain(expected.message)
    if (expected.hint) expect(problem.hint).toContain(expected.hint)
    for (const code of expected.also ?? []) expect(registry.problems.map((p) => p.code)).toContain(code)
    // Warnings-only fixtures have no errors at all; error fixtures have only the expected errors.
    const otherErrors = registry.problems.filter(
      (p) => p.severity === 'error' && p.code !== expected.code && !(expected.also ?? []).includes(p.code),
    )
    expect(otherErrors).toEqual([])
  })
})
