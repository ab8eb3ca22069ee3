/**
 * Per-call limits of a program: every entry into Lua (start, step, reset) gets its own fresh
 * wall-time deadline and instruction budget, so idling between calls never counts.
 */
import {describe, expect, it} from 'vitest'

import {runtime, spec} from './helpers.js'

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

describe('step limits', () => {
  it('a pooled program idle for longer than stepMs resets and starts again without a TimeLimit', async () => {
    // Given a program whose loop leaves the count hook at a different phase after each call
    const stepMs = 20
    const p = runtime.createProgram(
      spec('return function(n) local x = 0 for i = 1, n do x = x + i end return x end', {limits: {stepMs}}),
    )
    try {
      for (let round = 0; round < 60; round++) {
        const outcome = p.start([round * 17])
        expect(outcome.status, JSON.stringify(outcome)).toBe('done')
        // When it idles past the wall-time limit, then is reset (a hook tick may land in W.reset)
        await sleep(stepMs + 5)
        expect(() => p.reset({round}, `{functions|0x${round}}`)).not.toThrow()
        // Then it stays reusable
        expect(p.reusable).toBe(true)
      }
    } finally {
      p.close()
    }
  })
})

describe('library calls over a caller-chosen range', () => {
  const failsWithin = async (body: string, limits: {instructions?: number; stepMs?: number}, ms: number) => {
    const t0 = Date.now()
    const p = runtime.createProgram(spec(`return function() ${body} end`, {limits}))
    try {
      const outcome = p.start([])
      expect(Date.now() - t0).toBeLessThan(ms)
      return outcome
    } finally {
      p.close()
    }
  }

  it.each([
    ['table.move({}, 1, 1e9, 1)', 'table.move({}, 1, 1e9, 1)'],
    ['table.move backwards over an overlap', 'local t = {} table.move(t, 1, 1e9, 2)'],
    ['table.move into another table', 'table.move({}, 1, 1e12, 1, {})'],
    ['table.insert under a huge __len', 'table.insert(setmetatable({}, {__len = function() return 1e12 end}), 1, "x")'],
    ['table.remove under a huge __len', 'table.remove(setmetatable({}, {__len = function() return 1e12 end}), 1)'],
  ])('stops %s with the instruction budget', async (_name, body) => {
    const outcome = await failsWithin(body, {instructions: 5_000_000}, 3000)
    expect(outcome.status === 'failed' && outcome.error).toMatchObject({kind: 'InstructionLimit'})
  })

  it('answers string.rep("", 1e15) at once and stops a loop of it with the time limit', async () => {
    const once = await failsWithin('return #string.rep("", 1e15) + #(""):rep(1e15, "")', {}, 2000)
    expect(once).toMatchObject({result: 0, status: 'done'})
    const loop = await failsWithin('local s = ("a"):rep(1e6) while true do s:upper() end', {stepMs: 200}, 3000)
    expect(loop.status === 'failed' && loop.error).toMatchObject({kind: 'TimeLimit'})
    expect(loop.status === 'failed' && loop.error.message).toMatch(/ran for more than 200 ms without waiting/)
  })

  it("keeps the natives' results and argument errors", async () => {
    const p = runtime.createProgram(
      spec(`return function()
        local big = {} for i = 1, 10000 do big[i] = i end
        local moved = table.move(big, 1, 10000, 3)
        local copy = table.move(big, 1, 10000, 1, {}) -- big now holds 1, 2, 1, 2, 3, ...
        local m = setmetatable({}, {__len = function(t) return rawlen(t) end})
        for i = 1, 5000 do m[i] = i end
        table.insert(m, 1, 0)
        local removed = table.remove(m, 1)
        local ok, err = pcall(table.move, {}, 1, "x", 1)
        return {moved[1], moved[3], moved[10002], #copy, copy[10000], m[1], #m, removed, ok, err, ("ab"):rep(3, "-")}
      end`),
    )
    try {
      const outcome = p.start([])
      expect(outcome).toMatchObject({
        result: [
          1,
          1,
          10000,
          10000,
          9998,
          1,
          5000,
          0,
          false,
          expect.stringMatching(/bad argument #3 to 'move'/),
          'ab-ab-ab',
        ],
        status: 'done',
      })
    } finally {
      p.close()
    }
  })
})
