import {readdirSync, readFileSync} from 'node:fs'
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'
import {stripTypes} from '../../src/lua/dialect/strip-types.js'
import {checkLuaSyntax} from '../../src/lua/check-syntax.js'
import {run} from './helpers.js'

const FIXTURES = join(import.meta.dirname, '../fixtures/lua')

describe('dialect: type stripping', () => {
  it('keeps every line of the corpus, and every column outside runtime type aliases', () => {
    for (const name of readdirSync(FIXTURES).filter((f) => f.endsWith('.lua'))) {
      const src = readFileSync(join(FIXTURES, name), 'utf8')
      const out = stripTypes(src)
      // a non-generic `type T = ...` becomes a (longer) runtime declaration on the same lines
      if (!/^\s*(export\s+)?type\s+\w+\s*=/m.test(src)) expect(out.length).toBe(src.length)
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
    expect(out).toContain('local Status = __wippy_type("Status", [==["pending" | "paid" | "failed"]==])')
    expect(out).toContain('local Pair = __wippy_type("Pair", [==[{key: K, value: V}]==], {"K", "V"})')
    expect(out).not.toMatch(/\bexport\b/)
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
    expect(outcome.status === 'failed' && outcome.error.message).toMatch(
      /^src\/app\/test\.lua:1: unexpected symbol near '='/,
    )
  })

  it('makes plain type aliases runtime values whose :is(v) checks shape, literals and constraints', async () => {
    // Given aliases for records, literals, unions, maps, arrays and constrained strings
    const {outcome} = await run(`type ID = string @min_len(3)
type UserID = ID
type Role = "admin" | "user"
type Point = {x: number, y: number, label?: string}
type Scores = {[string]: number @min(0) @max(100)}
type Tags = readonly {string}
type Box<T> = {value: T}
type StrBox = Box<string>
type Email = string @pattern("^.+@.+\\\\..+$")
local sample: {name: string, age: number} = {name = "Ada", age = 3}
type Sample = typeof(sample)
type Check = (number) -> boolean
return function()
  local function msg(ok, err) return ok ~= nil and "ok" or tostring(err) end
  return {msg(Point:is({x = 1, y = 2})), msg(Point:is({x = 1})), msg(UserID:is("a")), msg(Role:is("root")),
    msg(Scores:is({a = 101})), msg(Tags:is({"a", 1})), msg(Role:is("admin")), msg(Scores:is({a = -1})),
    msg(StrBox:is({value = 1})), msg(StrBox:is({value = "x"})), msg(Email:is("a@b.c")), msg(Email:is("ab.c")), type(Point:is({x = 1})),
    msg(Sample:is({name = 1, age = 2})), msg(Sample:is(sample)), msg(Check:is(print)), msg(Check:is(1))}
end`)
    // Then valid values come back and every failure names what is wrong
    expect(outcome.status === 'done' && outcome.result).toEqual([
      'ok',
      'Point: y: missing required field y',
      'UserID: length 1 is less than min_len 3',
      'Role: expected "admin" | "user", got "root"',
      'Scores: a: value 101 is above the maximum 100',
      'Tags: [2]: expected string, got number',
      'ok',
      'Scores: a: value -1 is below the minimum 0',
      'StrBox: value: expected string, got number',
      'ok',
      'ok',
      'Email: value does not match the pattern ^.+@.+\\\\..+$',
      'nil',
      'Sample: name: expected string, got number',
      'ok',
      'ok',
      'Check: expected function, got number',
    ])
  })
})
