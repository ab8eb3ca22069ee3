import {describe, expect, it} from 'vitest'

import {executeTextCommand} from '../../src/hosts/ops/regexp.js'
import {translateRe2} from '../../src/hosts/ops/re2.js'
import {resultOf, run} from './helpers.js'

/**
 * The `text.regexp` module in the real Lua VM, answered by the real host op. Expected
 * values are Go's `regexp` results for the same calls.
 */
const value = async (src: string) => resultOf((await run(src, executeTextCommand, {modules: ['text']})).outcome)
const lua = (body: string) => `local text = require("text") return function() ${body} end`

describe('text.regexp.compile', () => {
  it('compiles RE2 and keeps the pattern, group count and names', async () => {
    // Given a pattern with Go-style named groups, when compiled, then its metadata is Go's.
    const r = await value(
      lua(`local re, err = text.regexp.compile("(?P<name>[a-z]+)(\\\\d+)(?P<num>x)?")
      return {err == nil, re:string(), re:num_subexp(), re:subexp_names()}`),
    )
    expect(r).toEqual([true, String.raw`(?P<name>[a-z]+)(\d+)(?P<num>x)?`, 3, ['', 'name', '', 'num']])
  })

  it('refuses bad syntax and RE2-unsupported constructs with Invalid, not retryable', async () => {
    const bad = [
      '[invalid',
      '(a',
      'a**',
      String.raw`(a)\1`,
      'a(?=b)',
      'a(?!b)',
      '(?<=a)b',
      '(?<!a)b',
      String.raw`\k<x>`,
      'a{1001}',
      '(?U)a',
    ]
    const r = (await value(
      lua(`local out = {}
      for _, p in ipairs(${JSON.stringify(bad).replace('[', '{').replace(/]$/, '}')}) do
        local re, err = text.regexp.compile(p)
        out[#out + 1] = {re == nil, err:kind(), err:retryable()}
      end
      return out`),
    )) as unknown[]
    expect(r).toEqual(bad.map(() => [true, 'Invalid', false]))
  })
})

describe('regexp methods', () => {
  it('match, find, find_all, submatches and indices follow Go', async () => {
    const r = await value(
      lua(`local re = text.regexp.compile("[0-9]+")
      local g = text.regexp.compile("([a-z]+)@([a-z]+)(!)?")
      local s = "héllo page1 here"
      local p = text.regexp.compile("page\\\\d")
      local idx = p:find_string_index(s)
      return {re:match_string("ab12"), re:match_string("ab"), re:find_string("x12y345"), re:find_string("none") == nil,
        re:find_all_string("a1b22c333"), re:find_all_string("a1b22c333", 2), #re:find_all_string("none"),
        g:find_string_submatch("to a@b now"), g:find_all_string_submatch("a@b c@d!", -1),
        idx[1], idx[2], s:sub(idx[1], idx[2]), p:find_all_string_index("page1 page2"),
        p:find_all_string_index("none") == nil}`),
    )
    expect(r).toEqual([
      true,
      false,
      '12',
      true,
      ['1', '22', '333'],
      ['1', '22'],
      0,
      ['a@b', 'a', 'b', ''],
      [
        ['a@b', 'a', 'b', ''],
        ['c@d!', 'c', 'd', '!'],
      ],
      8,
      12,
      'page1',
      [
        [1, 5],
        [7, 11],
      ],
      true,
    ])
  })

  it('skips an empty match right after a match, like Go', async () => {
    // Go: the empty match at 4 abuts "aaa" and is dropped; the one at the end is kept.
    const r = await value(
      lua(
        `local re = text.regexp.compile("a*") return {re:find_all_string("baaac"), re:replace_all_string("baaac", "-")}`,
      ),
    )
    expect(r).toEqual([['', 'aaa', ''], '-b-c-'])
  })

  it('replace_all_string expands $1, ${name} and $$ as Go does', async () => {
    const r = await value(
      lua(`local re = text.regexp.compile("(?P<k>\\\\w+)=(\\\\w+)")
      return {re:replace_all_string("a=1 b=2", "$2:\${k}"), re:replace_all_string("a=1", "$1x|\${1}x|$$|$9|$"),
        re:replace_all_literal_string("a=1", "$1")}`),
    )
    expect(r).toEqual(['1:a 2:b', '|ax|$||$', '$1'])
  })

  it('split follows Go for n = -1, 0, k and edge cases', async () => {
    const r = await value(
      lua(`local c = text.regexp.compile(",")
      local e = text.regexp.compile("")
      local x = text.regexp.compile("x*")
      return {c:split("a,b,c"), c:split("a,b,c,d", 2), #c:split("a,b", 0), c:split("a,b,", -1), c:split("", -1),
        e:split("abc", -1), x:split("axbxxc", -1), c:split(",a", 1), text.regexp.compile("a*"):split("abaabaccadaaae", 5)}`),
    )
    expect(r).toEqual([
      ['a', 'b', 'c'],
      ['a', 'b,c,d'],
      0,
      ['a', 'b', ''],
      [''],
      ['a', 'b', 'c'],
      ['a', 'b', 'c'],
      [',a'],
      ['', 'b', 'b', 'c', 'cadaaae'],
    ])
  })

  it('keeps Go semantics where JS differs: inline flags, dot, \\s, \\z, POSIX classes, \\Q..\\E, literal braces', async () => {
    const r = await value(
      lua(`local function m(p, s) local re, err = text.regexp.compile(p) assert(re, err) return re:match_string(s) end
      return {m("(?i)^abc$", "ABC"), m("^a.b$", "a\\nb"), m("(?s)^a.b$", "a\\nb"), m("^a.b$", "a\\rb"),
        m("^\\\\s$", "\\v"), m("^[[:alpha:]]+$", "abZ"), m("^\\\\Qa.b\\\\E$", "a.b"), m("^\\\\Qa.b\\\\E$", "axb"),
        m("a\\\\z", "a\\n"), m("^a{,2}$", "a{,2}"), m("^\\\\pL+$", "héllo"), m("^\\\\p{Greek}$", "λ"), m("(?m)^b$", "a\\nb")}`),
    )
    expect(r).toEqual([true, false, true, true, false, true, true, false, false, true, true, true, true])
  })

  it('runs in linear time: a pattern that makes a backtracking engine explode answers at once', async () => {
    // Given ^(a+)+$, exponential on a backtracking RegExp (n = 30 took 16 s there)
    const t0 = Date.now()
    const r = await value(
      lua(`local re = text.regexp.compile("^(a+)+$")
      return {re:match_string(("a"):rep(28) .. "!"), re:match_string(("a"):rep(100000) .. "!"), re:match_string(("a"):rep(1000))}`),
    )
    // Then Go's answers, well within a second
    expect(r).toEqual([false, false, true])
    expect(Date.now() - t0).toBeLessThan(2000)
  })

  it('a method called with "." or a non-string subject is a Lua error', async () => {
    const {outcome} = await run(
      lua(`local re = text.regexp.compile("a") return re.match_string("a")`),
      executeTextCommand,
      {modules: ['text']},
    )
    expect(outcome.status).toBe('failed')
  })
})

describe('translateRe2', () => {
  it('turns leading flags into JS flags and Go named groups into JS ones', () => {
    expect(translateRe2('(?is)(?P<a>x)')).toEqual({flags: 'is', source: '(?<a>x)'})
    expect(translateRe2('a(?i)b')).toHaveProperty('error')
  })
})
