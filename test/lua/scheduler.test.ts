import {describe, expect, it} from 'vitest'
import type {LuaCommand} from '../../src/lua/types.js'
import {resultOf, run, runtime, spec} from './helpers.js'

const echoCall = (cmd: LuaCommand) => ({
  kind: 'result' as const,
  tag: cmd.tag,
  value: `r:${String(cmd.args[0] ?? cmd.op)}`,
})

describe('scheduler, channels and coroutines', () => {
  it('runs host calls from coroutine.spawn threads and joins them through a channel', async () => {
    const {commands, outcome} = await run(
      `local funcs = require("funcs")
       return function()
         local ch = channel.new(2)
         coroutine.spawn(function() ch:send(funcs.call("app:a")) end)
         coroutine.spawn(function() ch:send(funcs.call("app:b")) end)
         local x = ch:receive() local y = ch:receive()
         return x .. "," .. y
       end`,
      echoCall,
    )
    expect(resultOf(outcome)).toBe('r:app:a,r:app:b')
    expect(commands.map((c) => c.args[0])).toEqual(['app:a', 'app:b'])
  })

  it('issues commands from concurrent threads in the same step', () => {
    const p = runtime.createProgram(
      spec(`local funcs = require("funcs")
        return function()
          local done = channel.new()
          for i = 1, 3 do coroutine.spawn(function() funcs.call("app:f" .. i) done:send(i) end) end
          local s = 0 for i = 1, 3 do s = s + done:receive() end return s end`),
    )
    const first = p.start([])
    expect(first.commands.map((c) => c.args[0])).toEqual(['app:f1', 'app:f2', 'app:f3'])
    const next = p.step(first.commands.map((c) => ({kind: 'result', tag: c.tag, value: 1})))
    expect(resultOf(next)).toBe(6)
    p.close()
  })

  it('runs host calls inside channel.select and picks the ready case', async () => {
    const {outcome} = await run(
      `local time = require("time") local funcs = require("funcs")
       return function()
         local f = funcs.async("app:slow")
         local r = channel.select{ f:response():case_receive(), time.after("1s"):case_receive() }
         if r.channel == f:response() then return "future:" .. r.value:data() end
         return "timeout"
       end`,
      (cmd) => (cmd.op === 'funcs.async' ? {kind: 'result', tag: cmd.tag, value: 'ok'} : undefined),
    )
    expect(resultOf(outcome)).toBe('future:ok')
  })

  it('forwards host calls made inside a user coroutine.wrap and coroutine.resume', async () => {
    const {outcome} = await run(
      `local funcs = require("funcs")
       return function()
         local gen = coroutine.wrap(function() for i = 1, 2 do coroutine.yield(funcs.call("app:g" .. i)) end end)
         local co = coroutine.create(function(a) local v = funcs.call("app:c") coroutine.yield(a .. v) return "end" end)
         local _, c1 = coroutine.resume(co, "x:")
         local _, c2 = coroutine.resume(co)
         return table.concat({gen(), gen(), c1, c2}, "|")
       end`,
      echoCall,
    )
    expect(resultOf(outcome)).toBe('r:app:g1|r:app:g2|x:r:app:c|end')
  })

  it('fails with a Deadlock when every thread waits on a plain channel', async () => {
    const {outcome} = await run('return function() local ch = channel.new() ch:receive() end')
    expect(outcome.status === 'failed' && outcome.error.kind).toBe('Deadlock')
  })

  it('is not deadlocked while waiting on the inbox, and delivers messages to it', () => {
    const p = runtime.createProgram(
      spec(
        'return function() local m = process.inbox():receive() return m:topic() .. ":" .. m:payload():data().n .. ":" .. m:from() .. ":" .. tostring(m.n) end',
        {kind: 'process'},
      ),
    )
    expect(p.start([]).status).toBe('waiting')
    expect(resultOf(p.step([{from: '', kind: 'message', payload: [{n: 5}], topic: 'go'}]))).toBe('go:5::5')
    p.close()
  })

  it('ends other threads when main returns', async () => {
    const {outcome} = await run(
      'return function() coroutine.spawn(function() channel.new():receive() end) return 1 end',
    )
    expect(resultOf(outcome)).toBe(1)
  })

  it('issues the same commands for the same deliveries (determinism)', () => {
    const src = `local funcs = require("funcs")
      return function()
        local t = {zeta = 1, alpha = 2, mid = 3, [10] = 4, [2] = 5}
        local ch = channel.new(10)
        for k in pairs(t) do coroutine.spawn(function() ch:send(funcs.call("app:" .. tostring(k))) end) end
        for i = 1, 5 do ch:receive() end
        return math.random(1, 100)
      end`
    const trace = (): string => {
      const p = runtime.createProgram(spec(src, {seed: 3}))
      const log: unknown[] = []
      let o = p.start([])
      while (o.status === 'waiting') {
        log.push(o.commands.map((c) => [c.op, c.args, c.tag]))
        o = p.step(o.commands.map((c) => ({kind: 'result', tag: c.tag, value: c.tag})))
      }
      log.push(o)
      p.close()
      return JSON.stringify(log)
    }
    const a = trace()
    expect(trace()).toBe(a)
    expect(a).toContain('"app:2"')
  })
})
