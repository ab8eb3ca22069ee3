import {describe, expect, it} from 'vitest'
import {resultOf, run, runtime, spec} from './helpers.js'

const value = async (body: string): Promise<unknown> => resultOf((await run(`return function() ${body} end`)).outcome)

describe('sandbox', () => {
  it.each([
    ['io', 'return io == nil'],
    ['os.execute', 'return os.execute == nil and os.getenv == nil and os.exit == nil'],
    ['load', 'return load == nil'],
    ['loadstring', 'return loadstring == nil'],
    ['dofile/loadfile', 'return dofile == nil and loadfile == nil'],
    ['debug', 'return debug == nil'],
    ['string.dump', 'return string.dump == nil'],
    ['collectgarbage', 'return collectgarbage == nil'],
    ['package', 'return package == nil'],
    ['string metatable', "return getmetatable('') == 'locked'"],
    [
      'string metatable __index tampering',
      "local ok = pcall(function() getmetatable('').__index = {} end) return not ok and ('x'):upper() == 'X'",
    ],
  ])('refuses %s', async (_name, body) => {
    expect(await value(body)).toBe(true)
  })

  it('refuses require of files and unknown or unlisted modules', async () => {
    for (const name of ['os', 'io', './secret', '/etc/passwd', 'sql', 'debug']) {
      const {outcome} = await run(`return function() return require(${JSON.stringify(name)}) end`, undefined, {
        modules: [],
      })
      expect(outcome.status).toBe('failed')
    }
    const {outcome} = await run('return function() return require("time") end', undefined, {modules: []})
    expect(outcome.status === 'failed' && outcome.error.message).toMatch(
      /not allowed here: add it to the entry's modules/,
    )
  })

  it('stops a runaway loop with an instruction budget error', async () => {
    const {outcome} = await run(
      'return function() while true do pcall(function() while true do end end) end end',
      undefined,
      {
        limits: {instructions: 2_000_000},
      },
    )
    expect(outcome.status).toBe('failed')
    expect(outcome.status === 'failed' && outcome.error).toMatchObject({kind: 'InstructionLimit'})
  })

  it('stops long work inside library calls (which the instruction count misses) with a time limit', async () => {
    // Each upper() of 1 MB is ~1 ms of C and a handful of Lua instructions
    const t0 = Date.now()
    const {outcome} = await run(
      'return function() local s = string.rep("a", 1000000) for i = 1, 1e7 do s:upper() end end',
      undefined,
      {
        limits: {stepMs: 300},
      },
    )
    expect(outcome.status === 'failed' && outcome.error).toMatchObject({kind: 'TimeLimit'})
    expect(Date.now() - t0).toBeLessThan(5000)
  })

  it('stops a memory bomb with a memory limit error', async () => {
    const {outcome} = await run(
      'return function() local t = {} for i = 1, 1e9 do t[i] = string.rep("x", 1000) .. i end end',
      undefined,
      {limits: {memoryBytes: 8 * 1024 * 1024}},
    )
    expect(outcome.status === 'failed' && outcome.error).toMatchObject({kind: 'MemoryLimit'})
  })

  it('iterates pairs in a stable sorted order across VMs', () => {
    const src = `return function()
      local t = {} for i = 1, 40 do t["k" .. i] = i end t[3] = true t[1] = true
      local keys = {} for k in pairs(t) do keys[#keys + 1] = tostring(k) end
      local n = {} local k = next(t) while k ~= nil do n[#n + 1] = tostring(k) k = next(t, k) end
      return table.concat(keys, ","), table.concat(n, ",") end`
    const orders = new Set<string>()
    for (let i = 0; i < 5; i++) {
      const p = runtime.createProgram(spec(src))
      const o = p.start([])
      p.close()
      orders.add(JSON.stringify(resultOf(o)))
    }
    expect(orders.size).toBe(1)
    expect([...orders][0]).toMatch(/^"1,3,k1,k10,k11/)
  })

  it('seeds math.random from the spec', async () => {
    const src = 'return function() return {math.random(1, 1000), math.random(1, 1000), math.random()} end'
    const a = resultOf((await run(src, undefined, {seed: 7})).outcome)
    const b = resultOf((await run(src, undefined, {seed: 7})).outcome)
    const c = resultOf((await run(src, undefined, {seed: 8})).outcome)
    expect(a).toEqual(b)
    expect(a).not.toEqual(c)
  })

  it('formats os.date in UTC from the host clock', async () => {
    const {commands, outcome} = await run(
      'return function() return os.date("%Y-%m-%d %H:%M", 0), os.date("%H") end',
      (cmd) => ({
        kind: 'result',
        tag: cmd.tag,
        value: 3_600_000_000_000n,
      }),
    )
    expect(resultOf(outcome)).toBe('1970-01-01 00:00')
    expect(commands.map((c) => c.op)).toEqual(['time.now'])
  })
})
