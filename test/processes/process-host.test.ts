/**
 * The process host with real Lua processes and real timers: messaging, ordering, lifecycle
 * events, links, cancel/terminate, names, deadlock, mailbox bounds.
 */
import {describe, expect, test} from 'vitest'

import {procProject, startHost, waitFor} from './helpers.js'

const HOST = 'app:processes'
const mod = (body: string): string => `local function main(...)\n${body}\nend\nreturn {main = main}\n`

describe('process host: messaging', () => {
  test('two processes play ping-pong; PIDs are {host|0x0000N}', async () => {
    // Given a pinger that spawns a ponger and bounces a counter 20 times
    const p = procProject({
      pong: mod(`while true do
  local m = process.inbox():receive()
  if m:topic() == "stop" then return "stopped" end
  process.send(m:from(), "pong", m:payload():data() + 1)
end`),
      ping: mod(`local other = process.spawn("app.procs:pong", "${HOST}")
local n = 0
for i = 1, 20 do
  process.send(other, "ping", n)
  n = process.inbox():receive():payload():data()
end
process.send(other, "stop")
return {n = n, me = process.pid(), other = other}`),
    })
    const {host} = await startHost(p)
    // When it runs
    const {pid} = host.spawn({entry: 'app.procs:ping', host: HOST})
    const r = await host.waitForExit(pid)
    // Then the counter made 20 round trips and both PIDs have the platform's shape
    expect(r.value).toEqual({me: '{app:processes|0x00001}', n: 20, other: '{app:processes|0x00002}'})
    await waitFor(() => host.get('{app:processes|0x00002}')?.status === 'exited')
  })

  test('messages from one sender arrive in order, even interleaved with another sender', async () => {
    const p = procProject({
      sink: mod(`local got = {a = {}, b = {}}
for i = 1, 200 do
  local m = process.inbox():receive()
  local t = got[m:topic()]
  t[#t + 1] = m:payload():data()
end
return got`),
      source: mod(`local dest, topic = ...
for i = 1, 100 do process.send(dest, topic, i) end
return true`),
    })
    const {host} = await startHost(p)
    const sink = host.spawn({entry: 'app.procs:sink', host: HOST}).pid
    host.spawn({args: [sink, 'a'], entry: 'app.procs:source', host: HOST})
    host.spawn({args: [sink, 'b'], entry: 'app.procs:source', host: HOST})
    const r = (await host.waitForExit(sink)).value as {a: number[]; b: number[]}
    const seq = Array.from({length: 100}, (_, i) => i + 1)
    expect(r.a).toEqual(seq)
    expect(r.b).toEqual(seq)
  })

  test('listen(topic) takes its topic; the rest goes to inbox(); with_message and with_context reach the child', async () => {
    const p = procProject({
      child: mod(`local ctx = require("ctx")
local jobs = process.listen("job")
local job = jobs:receive()
local other = process.inbox():receive()
return {job = job, other = other:topic(), from = other:from(), tenant = ctx.get("tenant")}`),
      parent: mod(`return process.with_context({tenant = "acme"})
  :with_message("hello", "hi")
  :with_message("job", {id = 7})
  :exec("app.procs:child", "${HOST}")`),
    })
    const {host} = await startHost(p)
    const {pid} = host.spawn({entry: 'app.procs:parent', host: HOST})
    expect((await host.waitForExit(pid)).value).toEqual({from: pid, job: {id: 7}, other: 'hello', tenant: 'acme'})
  })

  test('reserved @ topics are refused; unknown PIDs and unknown names are NotFound', async () => {
    const p = procProject({
      probe: mod(`local ok1, e1 = process.send(process.pid(), "@pid/inbox", 1)
local ok2, e2 = process.send("{app:processes|0xfffff}", "x", 1)
local ok3, e3 = process.send("nobody", "x", 1)
return {e1 = tostring(e1), ok2 = ok2, e2 = e2 and e2:kind(), e2m = tostring(e2), e3 = e3 and e3:kind()}`),
    })
    const {host} = await startHost(p)
    const {pid} = host.spawn({entry: 'app.procs:probe', host: HOST})
    const rr = await host.waitForExit(pid)
    const r = rr.value as Record<string, unknown>
    expect(r.e1).toMatch(/reserved/)
    // the platform's local send fails for a PID that is not running
    expect(r.ok2).toBeUndefined()
    expect(r.e2).toBe('NotFound')
    expect(r.e2m).toMatch(/not found/)
    expect(r.e3).toBe('NotFound')
    expect(await host.send(pid, '@x', [])).toMatchObject({kind: 'Invalid'})
  })

  test('a full mailbox (queue_size) refuses more messages', async () => {
    const p = procProject(
      {idle: mod(`return process.inbox():receive():payload():data()`)},
      `  - name: tiny
    kind: process.host
    host: {queue_size: 2}
`,
    )
    const {host} = await startHost(p)
    const {pid} = host.spawn({entry: 'app.procs:idle', host: 'app.procs:tiny'})
    // Three sends before the receiver gets a turn: the third does not fit
    const results = [await host.send(pid, 't', [1]), await host.send(pid, 't', [2]), await host.send(pid, 't', [3])]
    expect(results.slice(0, 2)).toEqual([undefined, undefined])
    expect(results[2]).toMatchObject({kind: 'Unavailable', message: expect.stringContaining('queue_size 2')})
    expect((await host.waitForExit(pid)).value).toBe(1)
  })
})

describe('process host: lifecycle', () => {
  test('a monitor gets EXIT with the value, or with the error', async () => {
    const p = procProject({
      good: mod(`return {ok = true}`),
      bad: mod(`error(errors.new({message = "boom", kind = "Internal"}))`),
      watcher: mod(`local a = process.spawn_monitored("app.procs:good", "${HOST}")
local b = process.spawn_monitored("app.procs:bad", "${HOST}")
local ev = process.events()
local out = {}
for i = 1, 2 do
  local e = ev:receive()
  out[e.from == a and "good" or "bad"] = {kind = e.kind, value = e.result.value, err = e.result.error and e.result.error:message()}
end
return out`),
    })
    const {host} = await startHost(p)
    const {pid} = host.spawn({entry: 'app.procs:watcher', host: HOST})
    const rr = await host.waitForExit(pid)
    const r = rr.value as Record<string, {err?: string; kind: string; value?: unknown}>
    expect(r.good).toEqual({kind: 'pid.exit', value: {ok: true}})
    expect(r.bad?.kind).toBe('pid.exit')
    expect(r.bad?.err).toMatch(/boom/)
  })

  test("a linked child's crash kills the parent; with trap_links it gets LINK_DOWN instead", async () => {
    const p = procProject({
      crash: mod(`local time = require("time")
time.sleep("5ms")
error("child crashed")`),
      fine: mod(`return 1`),
      parent: mod(`local trap = ...
if trap then process.set_options({trap_links = true}) end
process.spawn_linked("app.procs:fine", "${HOST}")
process.spawn_linked("app.procs:crash", "${HOST}")
local e = process.events():receive()
return {kind = e.kind, from = e.from}`),
    })
    const {host} = await startHost(p)
    const killed = host.spawn({args: [false], entry: 'app.procs:parent', host: HOST}).pid
    const r1 = await host.waitForExit(killed)
    expect(r1.error?.message).toMatch(/linked process \{app:processes\|0x0000[23]\} failed: .*child crashed/)
    const trapping = host.spawn({args: [true], entry: 'app.procs:parent', host: HOST}).pid
    const r2 = await host.waitForExit(trapping)
    expect(r2.value).toMatchObject({kind: 'pid.link.down'})
    expect(host.get(trapping)?.status).toBe('exited')
  })

  test('cancel delivers CANCEL with the reason; terminate ends with "process terminated"', async () => {
    const p = procProject({
      polite: mod(`local e = process.events():receive()
return {kind = e.kind, reason = e.reason}`),
      stubborn: mod(`local time = require("time")
while true do time.sleep("1s") end`),
      boss: mod(`local a = process.spawn_monitored("app.procs:polite", "${HOST}")
local b = process.spawn_monitored("app.procs:stubborn", "${HOST}")
process.cancel(a, "time to go")
process.terminate(b)
local ev, out = process.events(), {}
for i = 1, 2 do
  local e = ev:receive()
  if e.from == a then out.polite = e.result.value else out.stubborn = e.result.error:message() end
end
return out`),
    })
    const {host} = await startHost(p)
    const {pid} = host.spawn({entry: 'app.procs:boss', host: HOST})
    expect((await host.waitForExit(pid)).value).toEqual({
      polite: {kind: 'pid.cancel', reason: 'time to go'},
      stubborn: 'process terminated',
    })
  })

  test('names: register, lookup, send by name, with_name, duplicates refused, freed on exit', async () => {
    const p = procProject({
      named: mod(`local m = process.inbox():receive()
return m:payload():data()`),
      main: mod(`local reg = process.registry
local ok = reg.register("me")
local mine = reg.lookup("me")
local pid = process.with_options({}):with_name("worker"):spawn_monitored("app.procs:named", "${HOST}")
local dup, dup_err = process.with_options({}):with_name("worker"):spawn("app.procs:named", "${HOST}")
local found = reg.lookup("worker")
process.send("worker", "job", "via name")
local e = process.events():receive()
local gone, gone_err = reg.lookup("worker")
local un = reg.unregister("me")
return {ok = ok, mine = mine == process.pid(), found = found == pid, dup_err = dup_err:kind(),
  result = e.result.value, gone = gone, gone_err = gone_err:kind(), un = un}`),
    })
    const {host} = await startHost(p)
    const {pid} = host.spawn({entry: 'app.procs:main', host: HOST})
    expect((await host.waitForExit(pid)).value).toEqual({
      dup_err: 'AlreadyExists',
      found: true,
      gone_err: 'NotFound',
      mine: true,
      ok: true,
      result: 'via name',
      un: true,
    })
  })

  test('every thread blocked on local channels fails the process with a deadlock', async () => {
    const p = procProject({
      stuck: mod(`local ch = channel.new()
coroutine.spawn(function() ch:receive() end)
ch:receive()
return "unreachable"`),
    })
    const {host} = await startHost(p)
    const {pid} = host.spawn({entry: 'app.procs:stuck', host: HOST})
    const r = await host.waitForExit(pid)
    expect(r.error).toMatchObject({kind: 'Deadlock'})
    expect(host.get(pid)).toMatchObject({status: 'failed'})
  })

  test('ps shows what a process waits on; when main returns its other coroutines end', async () => {
    const p = procProject({
      sleeper: mod(`local time = require("time")
coroutine.spawn(function() while true do time.sleep("10ms") end end)
time.sleep("150ms")
return "woke"`),
    })
    const {host} = await startHost(p)
    const {pid} = host.spawn({entry: 'app.procs:sleeper', host: HOST})
    await waitFor(() => host.get(pid)?.waiting?.startsWith('sleeping') === true)
    expect(host.list().map((s) => s.pid)).toContain(pid)
    expect((await host.waitForExit(pid)).value).toBe('woke')
    expect(host.list()).toEqual([])
    expect(host.list({all: true})[0]).toMatchObject({kind: 'process', pid, status: 'exited'})
  })

  test("after unmonitor and unlink a child's crash neither notifies nor kills; onChange reports starts and ends", async () => {
    const p = procProject({
      crash: mod(`require("time").sleep("5ms")\nerror("late")`),
      parent: mod(`local time = require("time")
local a = process.spawn_monitored("app.procs:crash", "${HOST}")
local b = process.spawn_linked("app.procs:crash", "${HOST}")
process.unmonitor(a)
process.unlink(b)
local r = channel.select({process.events():case_receive(), time.after("60ms"):case_receive()})
return r.channel == process.events() and "event" or "quiet"`),
    })
    const changes: Array<{pid: string; status: string}> = []
    const {host} = await startHost(p, {onChange: (s) => changes.push({pid: s.pid, status: s.status})})
    const {pid} = host.spawn({entry: 'app.procs:parent', host: HOST})
    expect((await host.waitForExit(pid)).value).toBe('quiet')
    expect(changes.filter((c) => c.pid === pid).map((c) => c.status)).toEqual(['running', 'exited'])
    expect(changes.filter((c) => c.status === 'failed')).toHaveLength(2)
  })
})
