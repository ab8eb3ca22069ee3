import {afterAll, describe, expect, it} from 'vitest'
import {FunctionHost} from '../../src/hosts/functions/index.js'
import type {LuaProgramSpec} from '../../src/lua/types.js'

const entries: Record<string, string> = {
  'app:add': 'return function(a, b) return a + b end',
  'app:sum3': `local funcs = require("funcs")
    return function(a, b, c)
      local ab, err = funcs.call("app:add", a, b)
      if err then return nil, err end
      local f = funcs.async("app:add", ab, c)
      local p = f:response():receive()
      return p:data()
    end`,
  'app:missing_call':
    'local funcs = require("funcs") return function() local v, e = funcs.call("app:nope") return {e:kind(), e:message()} end',
  'app:fail': 'return function() local x = nil return x.y end',
  'app:ctx_env_log': `local ctx = require("ctx") local env = require("env") local logger = require("logger") local time = require("time")
    return {main = function()
      logger:info("hello", {n = 1})
      time.sleep("10ms")
      return {ctx.get("user"), env.get("MODE"), time.now():unix(), process.spawn("app:x", "app:h") == nil}
    end}`,
}
const logs: unknown[] = []
const host = await FunctionHost.create({
  clock: () => 1_700_000_000_000,
  env: {MODE: 'dev'},
  log: (level, message, fields) => logs.push([level, message, fields]),
  resolveFunction: (id): LuaProgramSpec | undefined =>
    entries[id] === undefined
      ? undefined
      : {
          kind: 'function',
          method: id === 'app:ctx_env_log' ? 'main' : undefined,
          modules: ['funcs', 'ctx', 'env', 'logger', 'time'],
          source: {chunkName: `src/${id.slice(4)}.lua`, entryId: id, text: entries[id]!},
        },
})
afterAll(() => host.close())

describe('FunctionHost', () => {
  it('calls a function and nested funcs.call / funcs.async', async () => {
    expect(await host.call('app:add', [2, 3])).toEqual({value: 5})
    expect(await host.call('app:sum3', [1, 2, 3])).toEqual({value: 6})
  })

  it('answers NotFound for unknown ids and Invalid for bare ids', async () => {
    expect((await host.call('app:nope', [])).error).toMatchObject({kind: 'NotFound'})
    expect((await host.call('bare', [])).error).toMatchObject({kind: 'Invalid'})
    expect(await host.call('app:missing_call', [])).toEqual({value: ['NotFound', 'function app:nope not found']})
  })

  it('turns a raised error into an error value with file:line', async () => {
    const r = await host.call('app:fail', [])
    expect(r.error).toMatchObject({kind: 'Internal', file: 'src/fail.lua', line: 1})
    expect(r.error?.message).toMatch(/^src\/fail\.lua:1: attempt to index a nil value/)
  })

  it('serves context, env, logs, real sleeps, the injected clock, and refuses process calls without a gateway', async () => {
    const r = await host.call('app:ctx_env_log', [], {context: {user: 'u1'}})
    expect(r).toEqual({value: ['u1', 'dev', 1_700_000_000, true]})
    expect(logs).toContainEqual(['info', 'hello', {n: 1}])
  })

  it('runs many calls concurrently through the pool', async () => {
    const results = await Promise.all(Array.from({length: 40}, (_, i) => host.call('app:add', [i, 1])))
    expect(results.map((r) => r.value)).toEqual(Array.from({length: 40}, (_, i) => i + 1))
  })
})
