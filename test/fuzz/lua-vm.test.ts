/**
 * Fuzz: Lua sources (syntax errors, runtime errors, token soup, binary) → the real VM.
 * `checkSyntax` answers with a positioned problem or nothing; `createProgram(...).start([])`
 * gives an outcome (a `failed` one carries a message) and never throws a JS exception; and
 * the shared VM still runs a known program correctly after every case.
 */
import fc from 'fast-check'
import {describe, expect, it} from 'vitest'

import type {LuaProgramSpec, StepOutcome} from '../../src/lua/types.js'
import {sharedLuaRuntime} from '../../src/lua/vm/runtime.js'
import {RUNS, budget, luaRuntimeError, luaSource, params} from './arbitraries.js'

const runtime = await sharedLuaRuntime()

const spec = (text: string): LuaProgramSpec => ({
  kind: 'function',
  // Small limits so runaway soup ends fast; the limits themselves are under test in test/security.
  limits: {instructions: 200_000, memoryBytes: 16 * 1024 * 1024},
  modules: ['time', 'funcs', 'json', 'uuid', 'ctx', 'logger', 'env', 'workflow'],
  source: {chunkName: 'src/app/fuzz.lua', entryId: 'app:fuzz', text},
})

/** Runs one source to its first outcome; a throw from createProgram is reported as such. */
function runOnce(text: string): {outcome?: StepOutcome; thrown?: unknown} {
  let program
  try {
    program = runtime.createProgram(spec(text))
  } catch (thrown) {
    return {thrown}
  }
  try {
    return {outcome: program.start([])}
  } catch (thrown) {
    return {thrown}
  } finally {
    program.close()
  }
}

/** The VM still works: a known program gives its known answer. */
function expectHealthy(): void {
  const {outcome} = runOnce(
    'return function() local t = {} for i = 1, 10 do t[i] = i * i end return table.concat(t, ",") end',
  )
  expect(outcome).toMatchObject({result: '1,4,9,16,25,36,49,64,81,100', status: 'done'})
}

describe('fuzz: Lua VM', () => {
  it(
    `checks the syntax of ${RUNS} random sources without throwing; problems carry a line`,
    () => {
      fc.assert(
        fc.property(luaSource, (text) => {
          const problem = runtime.checkSyntax(text, 'src/app/fuzz.lua')
          if (problem) {
            expect(problem.message, text).toBeTruthy()
            expect(problem.line, `${text} → ${problem.message}`).toBeGreaterThanOrEqual(1)
          }
        }),
        params(),
      )
      expect(runtime.checkSyntax('return function() return 1 end', 'ok.lua')).toBeUndefined()
    },
    budget(RUNS, 20),
  )

  it(
    `runs ${RUNS} random sources to an outcome (never a JS throw) and keeps the VM working`,
    () => {
      const seen = {done: 0, failed: 0, waiting: 0}
      fc.assert(
        fc.property(fc.oneof(luaSource, luaRuntimeError, luaRuntimeError), (text) => {
          // When a random source is loaded and started
          const {outcome, thrown} = runOnce(text)
          // Then no JS exception escapes, and a failure says what went wrong
          expect(thrown, `threw for ${JSON.stringify(text)}: ${(thrown as Error)?.stack}`).toBeUndefined()
          seen[outcome!.status]++
          if (outcome!.status === 'failed') {
            expect(typeof outcome!.error.message, text).toBe('string')
            expect(outcome!.error.message.length, text).toBeGreaterThan(0)
          }
          // And the shared VM answers the next program correctly
          expectHealthy()
        }),
        params(),
      )
      // The family exercised both outcomes (otherwise the arbitraries are broken).
      expect(seen.failed).toBeGreaterThan(0)
      expect(seen.done).toBeGreaterThan(0)
    },
    budget(RUNS, 40),
  )

  it(
    'gives runtime errors a file and line of the user code',
    () => {
      let positioned = 0
      fc.assert(
        fc.property(luaRuntimeError, fc.nat({max: 20}), (body, pad) => {
          // Given a runtime error pushed down by `pad` blank lines
          const text = '\n'.repeat(pad) + body
          const {outcome} = runOnce(text)
          if (outcome?.status !== 'failed' || /limit|budget/i.test(outcome.error.message)) return
          // Then, when it is raised by user code (not the prelude), it is positioned in the user file
          if (outcome.error.file !== 'src/app/fuzz.lua') return
          positioned++
          expect(outcome.error.line, outcome.error.message).toBeGreaterThan(pad)
        }),
        params(Math.max(10, Math.floor(RUNS / 4))),
      )
      expect(positioned).toBeGreaterThan(0)
    },
    budget(RUNS, 20),
  )
})
