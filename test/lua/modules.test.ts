import {describe, expect, it} from 'vitest'
import type {LuaCommand} from '../../src/lua/types.js'
import {resultOf, run} from './helpers.js'

const NOW = 1_735_484_645_123_000_000n // 2024-12-29T15:04:05.123Z
const clock = (cmd: LuaCommand) => ({
  kind: 'result' as const,
  tag: cmd.tag,
  value: cmd.op === 'time.now' ? NOW : undefined,
})
const value = async (src: string, answer = clock) => resultOf((await run(src, answer)).outcome)

describe('time', () => {
  it('returns Time objects with Go-style formatting and arithmetic', async () => {
    expect(
      await value(`local time = require("time") return function()
        local t = time.now()
        local d = time.parse_duration("1h30m")
        return {t:format_rfc3339(), t:format("Mon Jan 2, 2006 3:04PM .000"), t:unix(), t:add("24h"):sub(t):hours(),
          d:seconds(), d:string(), t:year(), t:weekday(), time.SECOND, t:add(d):format(time.DATE_TIME)}
      end`),
    ).toEqual([
      '2024-12-29T15:04:05Z',
      'Sun Dec 29, 2024 3:04PM .123',
      1735484645,
      24,
      5400,
      '1h30m0s',
      2024,
      0,
      1e9,
      '2024-12-29 16:34:05',
    ])
  })

  it('parses layouts and rejects bad durations with Invalid', async () => {
    expect(
      await value(`local time = require("time") return function()
        local t = time.parse(time.RFC3339, "2024-12-29T15:04:05+01:00")
        local _, e1 = time.parse_duration("2d")
        local _, e2 = time.parse("2006-01-02", "nope")
        return {t:unix(), e1:kind(), e2:kind(), time.parse_duration("500ms"):milliseconds()}
      end`),
    ).toEqual([1735481045, 'Invalid', 'Invalid', 500])
  })

  it('sleep and timers carry durationMs', async () => {
    const {commands} = await run(
      `local time = require("time") return function()
        time.sleep("1.5s") time.sleep(250 * time.MILLISECOND)
        local t = time.timer("2s") t:channel():receive() return true end`,
      (cmd) => ({kind: 'result', tag: cmd.tag, value: cmd.op === 'time.timer' ? NOW : undefined}),
    )
    expect(commands.map((c) => [c.op, c.args])).toEqual([
      ['time.sleep', [1500]],
      ['time.sleep', [250]],
      ['time.timer', [2000]],
    ])
  })
})

describe('json, errors, uuid, ctx, env, logger', () => {
  it('json encodes (empty table as []) and decodes with errors as values', async () => {
    expect(
      await value(`local json = require("json") return function()
        local v, err = json.decode('{"a":[1,2,{"b":null}],"s":"x\\\\u00e9"}')
        local _, bad = json.decode("{oops")
        local _, empty = json.decode("  ")
        return {json.encode({}), json.encode({b = 1, a = {true, 1.5}}), v.a[2], v.s, bad:kind(), json.encode(json.decode("{}")), empty:kind()}
      end`),
    ).toEqual(['[]', '{"a":[true,1.5],"b":1}', 2, 'xé', 'Internal', '{}', 'Invalid'])
  })

  it('errors carry kind, message, retryable and wrap', async () => {
    expect(
      await value(`return function()
        local e = errors.new({message = "missing", kind = errors.NOT_FOUND, retryable = false, details = {id = 1}})
        local w = errors.wrap(e, "loading order")
        return {e:kind(), e:message(), e:retryable(), e:details().id, tostring(w), errors.is(w, errors.NOT_FOUND),
          errors.is(w, errors.INVALID), errors.new("plain"):message(), errors.CONFLICT, errors.RATE_LIMITED}
      end`),
    ).toEqual([
      'NotFound',
      'missing',
      false,
      1,
      'loading order: missing',
      true,
      false,
      'plain',
      'Conflict',
      'RateLimited',
    ])
  })

  it('a returned error (object or string) marks the result as failed', async () => {
    const a = (await run('return function() return nil, errors.new({message = "no", kind = "Invalid"}) end')).outcome
    expect(a.status === 'done' && a.error).toMatchObject({kind: 'Invalid', message: 'no'})
    const b = (await run('return function() return 1, "bad" end')).outcome
    expect(b.status === 'done' && b.error).toMatchObject({message: 'bad'})
  })

  it('uuid v4 comes from the host; v5/v3 are pure and deterministic', async () => {
    const {commands, outcome} = await run(
      `local uuid = require("uuid") return function()
        return {uuid.v4(), uuid.v5(uuid.NAMESPACE_DNS, "python.org"), uuid.v3(uuid.NAMESPACE_DNS, "python.org")} end`,
      (cmd) => ({kind: 'result', tag: cmd.tag, value: '00000000-0000-4000-8000-000000000000'}),
    )
    expect(commands.map((c) => c.args)).toEqual([['v4']])
    expect(resultOf(outcome)).toEqual([
      '00000000-0000-4000-8000-000000000000',
      '886313e1-3b8a-5372-9b90-0c9aee199e5d',
      '6fa459ea-ee8a-3ca4-894e-db77e160355e',
    ])
  })

  it('ctx, env and logger', async () => {
    const {commands, outcome} = await run(
      `local ctx = require("ctx") local env = require("env") local logger = require("logger")
       return function()
         logger:named("orders"):with({a = 1}):info("hi", {b = 2})
         print("x", 1)
         return {ctx.get("tenant"), env.get("HOME")}
       end`,
      (cmd) => ({kind: 'result', tag: cmd.tag, value: cmd.op === 'env.get' ? '/home/x' : undefined}),
      {context: {tenant: 't1'}},
    )
    expect(resultOf(outcome)).toEqual(['t1', '/home/x'])
    expect(commands.map((c) => [c.op, c.args])).toEqual([
      ['logger.log', ['info', 'hi', {a: 1, b: 2, logger: 'orders'}]],
      ['logger.log', ['print', 'x\t1']],
      ['env.get', ['HOME']],
    ])
  })
})

describe('funcs and process', () => {
  it('funcs.call validates ids; executors carry options and context', async () => {
    const {commands, outcome} = await run(
      `local funcs = require("funcs") return function()
        local _, e = funcs.call("bare")
        local ex = funcs.new():with_context({trace = "t"}):with_options({timeout = 5000})
        local v = ex:call("app:x", 1)
        local f = funcs.async("app:y")
        local p = f:response():receive()
        return {e:kind(), v, p:data(), f:is_complete(), (f:result()):data()}
      end`,
      (cmd) => ({kind: 'result', tag: cmd.tag, value: `${cmd.op}`}),
    )
    expect(resultOf(outcome)).toEqual(['Invalid', 'funcs.call', 'funcs.async', true, 'funcs.async'])
    expect(commands[0]).toMatchObject({
      op: 'funcs.call',
      args: ['app:x', 1],
      options: {context: {trace: 't'}, timeout: 5000},
    })
  })

  it('process: pid, spawn options, send refusing @ topics, registry', async () => {
    const {commands, outcome} = await run(
      `return function()
        local _, bad = process.send("{x|1}", "@inbox", 1)
        local pid = process.with_context({k = 1}):with_name("w"):with_message("go", 5):spawn_linked_monitored("app:w", "app:host", "arg")
        process.send(pid, "topic", {a = 1})
        return {process.pid(), bad:kind(), pid, process.event.EXIT}
      end`,
      (cmd) => ({kind: 'result', tag: cmd.tag, value: cmd.op === 'process.spawn' ? '{app:host|0x00001}' : true}),
      {pid: '{app:host|0x00000}'},
    )
    expect(resultOf(outcome)).toEqual(['{app:host|0x00000}', 'Invalid', '{app:host|0x00001}', 'pid.exit'])
    expect(commands[0]).toMatchObject({
      op: 'process.spawn',
      args: ['app:w', 'app:host', 'arg'],
      options: {context: {k: 1}, name: 'w', link: true, monitor: true, messages: [{topic: 'go', payload: [5]}]},
    })
    expect(commands[1]).toMatchObject({op: 'process.send', args: ['{app:host|0x00001}', 'topic', {a: 1}]})
  })

  it('workflow.version and info', async () => {
    const {commands, outcome} = await run(
      'local workflow = require("workflow") return function() return {workflow.version("c1", 1, 2), workflow.info().workflow_id} end',
      (cmd) => ({kind: 'result', tag: cmd.tag, value: 2}),
      {kind: 'workflow', workflow: {workflow_id: 'wf-1'}},
    )
    expect(resultOf(outcome)).toEqual([2, 'wf-1'])
    expect(commands[0]).toMatchObject({op: 'workflow.version', args: ['c1', 1, 2]})
  })
})
