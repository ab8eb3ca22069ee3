/**
 * Fuzz: registry YAML mutated from the real templates (byte flips, truncations, deleted and
 * duplicated lines, wrong types, tabs, binary) → `loadRegistry` never throws anything but a
 * WippyError, and every problem it reports has a WIPPY_* code, a message and a hint.
 */
import fc from 'fast-check'
import {cp, mkdtemp, readFile, rm, writeFile} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join, relative} from 'node:path'
import {readdirSync} from 'node:fs'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {WippyError} from '../../src/errors.js'
import {loadRegistry} from '../../src/registry/index.js'
import {sharedLuaRuntime} from '../../src/lua/vm/runtime.js'
import {REPO} from '../helpers/dev-server.js'
import {RUNS, WIPPY_CODE, budget, mutation, params} from './arbitraries.js'

const TEMPLATES = ['approval', 'orders', 'service']

interface Target {
  original: string
  /** Project-relative path of the file being mutated. */
  rel: string
  root: string
}

let work: string
const targets: Target[] = []

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'wippy-fuzz-reg-'))
  for (const name of TEMPLATES) {
    const root = join(work, name)
    await cp(join(REPO, 'templates', name), root, {recursive: true})
    const yamls = readdirSync(join(root, 'src'), {recursive: true, encoding: 'utf8'}).filter((f) =>
      f.endsWith('_index.yaml'),
    )
    const files = [...yamls.map((f) => join('src', f)), 'wippy.lock']
    for (const rel of files) targets.push({original: await readFile(join(root, rel), 'utf8'), rel, root})
  }
})

afterAll(async () => {
  await rm(work, {force: true, recursive: true})
})

describe('fuzz: registry YAML', () => {
  it(
    `loads ${RUNS} mutated template files with coded, hinted problems and no stray throws`,
    async () => {
      const runtime = await sharedLuaRuntime()
      const checkLua = (text: string, chunk: string) => {
        const p = runtime.checkSyntax(text, chunk)
        return (
          p && {
            code: 'WIPPY_LUA_SYNTAX' as const,
            file: chunk,
            hint: 'Fix the syntax.',
            line: p.line ?? 1,
            column: p.column ?? 1,
            message: p.message,
            severity: 'error' as const,
          }
        )
      }
      expect(targets.length).toBeGreaterThan(10)
      await fc.assert(
        fc.asyncProperty(fc.nat(), mutation, async (which, mutate) => {
          const target = targets[which % targets.length]!
          const path = join(target.root, target.rel)
          // Given a template file damaged by one to three mutations
          await writeFile(path, mutate(target.original), 'latin1')
          try {
            // When the registry is loaded
            let problems
            try {
              problems = (await loadRegistry(target.root, {checkLua})).problems
            } catch (error) {
              // Then a throw is only ever a WippyError with a code and a hint
              expect(error, `${relative(work, path)}: ${(error as Error).stack}`).toBeInstanceOf(WippyError)
              expect((error as WippyError).code).toMatch(WIPPY_CODE)
              expect((error as WippyError).hint).toBeTruthy()
              return
            }
            // And every problem is coded, worded and hinted
            for (const p of problems) {
              expect(p.code, JSON.stringify(p)).toMatch(WIPPY_CODE)
              expect(p.message, JSON.stringify(p)).toBeTruthy()
              expect(p.hint, JSON.stringify(p)).toBeTruthy()
              expect(['error', 'warning']).toContain(p.severity)
            }
          } finally {
            await writeFile(path, target.original)
          }
        }),
        params(),
      )
    },
    budget(RUNS, 60),
  )
})
