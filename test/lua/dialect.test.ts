import {readdirSync, readFileSync} from 'node:fs'
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'
import {stripTypes} from '../../src/lua/dialect/strip-types.js'
import {checkLuaSyntax} from '../../src/lua/check-syntax.js'
import {run} from './helpers.js'

const FIXTURES = join(import.meta.dirname, '../fixtures/lua')

describe('dialect: type stripping', () => {
  it('keeps every line and column of the corpus', () => {
    for (const name of readdirSync(FIXTURES).filter((f) => f.endsWith('.lua'))) {
      const src = readFileSync(join(FIXTURES, name), 'utf8')
      const out = stripTypes(src)
      expect(out.length).toBe(src.length)
      expect(out.split('\n').length).toBe(src.split('\n').length)
      expect(checkLuaSyntax(src, `test/fixtures/lua/${name}`)).toBeUndefined()
    }
  })

  it('blanks annotations but never strings, long strings or comments', () => {
    const src = readFileSync(join(FIXTURES, 'annotated.lua'), 'utf8')
    const out = stripTypes(src)
    expect(out).toContain('"a: number -- not a comment :: not a cast"')
    expect(out).toContain('local inside: string = "kept"')
    expect(out).toContain('--[[ local commented: number = 1 ]]')
    expect(out).toContain('local z <const> = 1')
    expect(out).toContain('::again::')
    expect(out).toMatch(/local MAX {9}= 3/)
    expect(out).not.toMatch(/\bexport\b|Status|Pair/)
  })

  it('reports a runtime error on the line of the annotated source', async () => {
    const src = readFileSync(join(FIXTURES, 'annotated.lua'), 'utf8')
    const {outcome} = await run(src)
    expect(outcome.status).toBe('failed')
    if (outcome.status !== 'failed') return
    expect(outcome.error.message).toMatch(/^src\/app\/test\.lua:33: boom at line 32/)
    expect(outcome.error).toMatchObject({file: 'src/app/test.lua', line: 33})
    expect(outcome.error.traceback).toContain('src/app/test.lua:33')
  })

  it('reports syntax errors with file, line and column', async () => {
    const problem = checkLuaSyntax('local a: number = 1\nlocal x = = 2\n', 'src/app/bad.lua')
    expect(problem).toMatchObject({file: 'src/app/bad.lua', line: 2, column: 11, code: 'WIPPY_LUA_SYNTAX'})
    const {outcome} = await run('local x = = 1\nreturn function() end')
    expect(outcome.status === 'failed' && outcome.error).toMatchObject({file: 'src/app/test.lua', line: 1})
    expect(outcome.status === 'failed' && outcome.error.message).toMatch(/^src\/app\/test\.lua:1: unexpected symbol near '='/)
  })
})
