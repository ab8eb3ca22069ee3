/**
 * Lua sandbox escapes, each refused or capped, on the real VM.
 *
 * Already covered in test/lua/sandbox.test.ts (not repeated here): `io`, `os.execute`,
 * `os.getenv`, `os.exit`, `load`, `loadstring`, `dofile`, `loadfile`, `debug`, `string.dump`,
 * `collectgarbage`, `package` (so `package.loadlib`), the locked string metatable and its
 * `__index` tampering, `require` of files (`./secret`, `/etc/passwd`) and unknown/unlisted
 * modules, a runaway loop (instruction budget, even under pcall) and a table memory bomb
 * (memory cap). This file adds the escapes that list misses.
 */
import {describe, expect, it} from 'vitest'

import {resultOf, run, runtime, spec} from '../lua/helpers.js'

const value = async (body: string): Promise<unknown> => resultOf((await run(`return function() ${body} end`)).outcome)
const failure = async (body: string, limits?: {instructions?: number; memoryBytes?: number}) => {
  const {outcome} = await run(`return function() ${body} end`, undefined, limits ? {limits} : {})
  expect(outcome.status, body).toBe('failed')
  return outcome.status === 'failed' ? outcome.error : undefined
}

describe('security: Lua sandbox', () => {
  it.each([
    [
      'rawset on the string metatable',
      'return not pcall(rawset, getmetatable(""), "__index", {}) and ("x"):upper() == "X"',
    ],
    ['setmetatable on a string', 'return not pcall(setmetatable, "", {})'],
    ['package.loadlib (no package table, no global loadlib)', 'return package == nil and rawget(_G, "loadlib") == nil'],
    [
      'the os functions that touch files or the process',
      'return os.remove == nil and os.rename == nil and os.tmpname == nil and os.exit == nil and os.getenv == nil',
    ],
    [
      'globals reached through rawget and _ENV',
      'return rawget(_G, "io") == nil and rawget(_G, "debug") == nil and _ENV.io == nil and _ENV.load == nil',
    ],
    ['Lua 5.1 leftovers', 'return setfenv == nil and getfenv == nil and module == nil and newproxy == nil'],
    [
      'require of a path that climbs out',
      'return not pcall(require, "../../etc/passwd") and not pcall(require, "/etc/passwd")',
    ],
    ['a huge format width', 'return not pcall(string.format, "%99999999d", 1)'],
  ])('refuses %s', async (_name, body) => {
    expect(await value(body)).toBe(true)
  })

  it('keeps one program’s tampering with shared libraries out of the next program', async () => {
    // Given a program that removes string.upper and poisons the string table
    expect(await value('string.upper = nil; string.rep = function() return "pwned" end; return true')).toBe(true)
    // Then a fresh program sees the real library
    expect(await value('return string.upper("a") .. string.rep("b", 2)')).toBe('Abb')
  })

  it('caps deep recursion (a stack overflow error or the memory cap, never a host crash)', async () => {
    const error = await failure('local function f(n) return 1 + f(n + 1) end return f(1)')
    expect(`${error?.kind} ${error?.message}`).toMatch(/stack overflow|MemoryLimit/)
    // And a recursion through coroutines hits Lua's C stack limit
    const co = await failure('local function f() return coroutine.wrap(f)() end return f()')
    expect(co?.message).toMatch(/stack overflow/)
  })

  it('caps a string memory bomb: doubling, string.rep and table.concat', async () => {
    const limits = {memoryBytes: 16 * 1024 * 1024}
    for (const body of [
      'local s = "x" for i = 1, 40 do s = s .. s end return #s',
      'return #("x"):rep(1e9)',
      'local t = {} for i = 1, 1e7 do t[i] = "abcdefgh" end return #table.concat(t)',
    ]) {
      const error = await failure(body, limits)
      expect(`${error?.kind} ${error?.message}`, body).toMatch(/MemoryLimit|too large|not enough memory/)
    }
  })

  it('caps a runaway loop inside a coroutine and inside an error handler', async () => {
    const limits = {instructions: 2_000_000}
    for (const body of [
      'return coroutine.wrap(function() while true do end end)()',
      'return xpcall(function() error("x") end, function() while true do end end)',
      'local t = setmetatable({}, {__index = function(t, k) while true do end end}) return t.x',
    ]) {
      expect(await failure(body, limits), body).toMatchObject({kind: 'InstructionLimit'})
    }
  })

  // Code the VM runs with its hook off is not charged to the budget: these used to hang the host.
  it('caps a looping xpcall handler (called from inside the VM hook once the budget is spent)', async () => {
    const error = await failure('return xpcall(function() error("x") end, function() while true do end end)', {
      instructions: 2_000_000,
    })
    expect(error).toMatchObject({kind: 'InstructionLimit'})
    // And a well-behaved handler still sees the error
    expect(
      await value(
        'local ok, e = xpcall(function() error("x", 0) end, function(e) return "handled " .. e end) return e',
      ),
    ).toBe('handled x')
  })

  it('never runs a __gc finalizer (it would run inside the collector with the hook off)', async () => {
    const body =
      'setmetatable({}, {__gc = function() while true do end end}) for i = 1, 2e5 do local x = {i} end return "done"'
    const {outcome} = await run(`return function() ${body} end`, undefined, {
      limits: {instructions: 50_000_000, memoryBytes: 16 * 1024 * 1024},
    })
    expect(resultOf(outcome)).toBe('done')
    // The metatable keeps its field and setmetatable keeps its checks
    expect(
      await value(
        'local mt = {__gc = print} local t = setmetatable({}, mt) return getmetatable(t) == mt and rawget(mt, "__gc") == print',
      ),
    ).toBe(true)
    expect(await value('return select(2, pcall(setmetatable, setmetatable({}, {__metatable = 1}), {}))')).toBe(
      'cannot change a protected metatable',
    )
  })

  it('ends a program whose __close handler loops while an error unwinds', async () => {
    const body =
      'do local x <close> = setmetatable({}, {__close = function() while true do end end}) error("unwind") end'
    // (a dead coroutine's to-be-closed variables are not closed, or the close is charged)
    expect((await failure(body, {instructions: 2_000_000}))?.message).toMatch(/unwind|instruction budget/)
  })

  it('keeps the shared VM usable after every capped program', async () => {
    await failure('local t = {} for i = 1, 1e9 do t[i] = i end', {memoryBytes: 8 * 1024 * 1024})
    await failure('while true do end', {instructions: 1_000_000})
    const program = runtime.createProgram(spec('return function() return 6 * 7 end'))
    try {
      expect(resultOf(program.start([]))).toBe(42)
    } finally {
      program.close()
    }
  })
})
