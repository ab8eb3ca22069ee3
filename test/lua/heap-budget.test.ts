/**
 * The memory budget of all programs of one runtime (reliability-review finding 7): the
 * per-program cap alone let 36 programs of 55 MB fill the 2 GiB wasm heap. A failure caused
 * by the shared budget is the host's (HostMemoryLimit, retryable), never the program's own
 * MemoryLimit, and a workflow hit by it is parked, not recorded as failed.
 */
import {afterEach, describe, expect, it} from 'vitest'

import {Engine} from '../../src/engine/engine.js'
import {HostLimitError} from '../../src/lua/vm/limits.js'
import {LuaRuntime} from '../../src/lua/vm/runtime.js'
import {writeProject} from '../helpers/project.js'
import {spec} from './helpers.js'

const MB = 1024 * 1024
const cleanups: Array<() => Promise<void> | void> = []
afterEach(async () => {
  for (const f of cleanups.splice(0).reverse()) await f()
})

/** Holds `mb` megabytes, then waits on a timer (so it stays alive). */
const HOG =
  'local time = require("time") return function(mb) local t = {} for i = 1, mb do t[i] = string.rep("x", 1024 * 1024 - 64) .. i end time.sleep("1h") return #t end'

describe('the runtime memory budget', () => {
  it("refuses the program that would pass the shared budget, as the host's retryable failure", async () => {
    // Given a runtime of its own with a 24 MB budget for all its programs
    const rt = await LuaRuntime.load()
    rt.configure({program: {}, totalMemoryBytes: 24 * MB})
    const a = rt.createProgram(spec(HOG))
    const b = rt.createProgram(spec(HOG))
    try {
      // When one program holds 14 MB and another asks for 14 MB more
      expect(a.start([14]).status).toBe('waiting')
      const outcome = b.start([14])
      // Then the second fails with the host's kind, retryable, and says it is the shared budget
      expect(outcome.status === 'failed' && outcome.error).toMatchObject({kind: 'HostMemoryLimit', retryable: true})
      expect(outcome.status === 'failed' && outcome.error.message).toMatch(
        /shared memory budget of 25165824 bytes .*not this program's own cap/,
      )
      expect(rt.memory.used).toBeLessThanOrEqual(24 * MB)
    } finally {
      b.close()
    }
    // And a program that hits its own cap still gets MemoryLimit (not retryable)
    const own = rt.createProgram(spec(HOG, {limits: {memoryBytes: 4 * MB}}))
    const ownOutcome = own.start([8])
    own.close()
    expect(ownOutcome.status === 'failed' && ownOutcome.error).toMatchObject({kind: 'MemoryLimit'})
    expect(ownOutcome.status === 'failed' && ownOutcome.error.retryable).toBeUndefined()
    // And once the budget is full, a new program is refused with a HostLimitError, not "prelude does not compile"
    rt.configure({program: {}, totalMemoryBytes: rt.memory.used + 1024})
    expect(() => rt.createProgram(spec(HOG))).toThrow(HostLimitError)
    expect(() => rt.createProgram(spec(HOG))).toThrow(
      /a new Lua program cannot start: the Lua runtime's shared memory budget/,
    )
    // And closing the holder gives its memory back
    const before = rt.memory.used
    a.close()
    expect(rt.memory.used).toBeLessThan(before - 14 * MB)
    rt.configure({program: {}, totalMemoryBytes: 24 * MB})
    const c = rt.createProgram(spec(HOG))
    expect(c.start([14]).status).toBe('waiting')
    c.close()
    expect(rt.memory.used).toBe(0)
  })

  it('parks a workflow the shared budget stops (history untouched) and an activity gets a retryable error', async () => {
    // Given an engine whose Lua programs share a 40 MB budget
    const p = writeProject({
      'src/hog/_index.yaml': [
        'version: "1.0"',
        'namespace: app.hog',
        'entries:',
        '  - {name: wf, kind: workflow.lua, source: file://wf.lua, method: main, modules: [time]}',
        '  - {name: fn, kind: function.lua, source: file://fn.lua, method: main}',
        '',
      ].join('\n'),
      'src/hog/fn.lua':
        'return {main = function(mb) local t = {} for i = 1, mb do t[i] = string.rep("x", 1024 * 1024 - 64) .. i end return #t end}\n',
      'src/hog/wf.lua': `return {main = (function() ${HOG.replace('return function', 'return function')} end)()}\n`,
    })
    cleanups.push(() => p.remove())
    const engine = await Engine.start({env: {WIPPY_LUA_TOTAL_MEMORY_BYTES: String(40 * MB)}, root: p.root})
    cleanups.push(() => engine.close())
    // When a workflow asks for 60 MB (under its own 64 MB cap, over the shared budget)
    const {id} = await engine.spawn({entry: 'app.hog:wf', input: [60]})
    const deadline = Date.now() + 10_000
    while (engine.ps({all: true}).find((r) => r.id === id)?.status !== 'blocked' && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 20))
    // Then it is blocked, not failed, and its history holds no WorkflowFailed
    expect(engine.ps({all: true}).find((r) => r.id === id)?.status).toBe('blocked')
    const history = await engine.history(id)
    expect(history.events.map((e) => e.type)).not.toContain('WorkflowFailed')
    // And a function call over the budget gets a retryable HostMemoryLimit error
    const call = await engine.call('app.hog:fn', [60])
    expect(call.error).toMatchObject({kind: 'HostMemoryLimit', retryable: true})
    // And a small call still works
    expect(await engine.call('app.hog:fn', [2])).toEqual({value: 2})
  })
})
