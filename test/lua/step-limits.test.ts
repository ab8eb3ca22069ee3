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
    const p = runtime.createProgram(spec('return function(n) local x = 0 for i = 1, n do x = x + i end return x end', {limits: {stepMs}}))
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
