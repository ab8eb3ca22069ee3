/**
 * Commands a process runs live: timers, the clock, UUIDs, logs, env, funcs.call through a
 * FunctionGateway backed by the real function host; plus reloads of plain processes and
 * the ps table.
 */
import {describe, expect, test} from 'vitest'

import {programSpecOf} from '../../src/engine/code-catalog.js'
import {FunctionHost} from '../../src/hosts/functions/index.js'
import {FunctionCalls, ServiceSupervisor, processTable} from '../../src/hosts/processes/index.js'
import {loadRegistry} from '../../src/registry/index.js'
import {onCleanup, procProject, startHost, waitFor} from './helpers.js'

const HOST = 'app:processes'
const mod = (body: string): string => `local function main(...)\n${body}\nend\nreturn {main = main}\n`

describe('live commands in processes', () => {
  test('sleep, timers, now, uuid, logger, env and funcs.call work as in the function host', async () => {
    const p = procProject(
      {
        worker:
          mod(`local time, uuid, logger, env, funcs = require("time"), require("uuid"), require("logger"), require("env"), require("funcs")
local t0 = time.now()
time.sleep("20ms")
local timer = time.after("10ms")
timer:receive()
local elapsed = time.now():sub(t0):milliseconds()
logger:info("hello from a process", {n = 1})
local sum, err = funcs.call("app.procs:add", 2, 3)
local missing, merr = funcs.call("app.procs:nope")
return {elapsed = elapsed, id = #uuid.v4(), region = env.get("REGION"), sum = sum, serr = err and err:message(), merr = merr and merr:kind()}`),
      },
      `  - name: add
    kind: function.lua
    source: file://add.lua
    method: main
`,
    )
    p.write('src/procs/add.lua', 'return {main = function(a, b) return a + b end}\n')
    const registry = await loadRegistry(p.root, {env: {}})
    const functions = await FunctionHost.create({
      resolveFunction: (id) => {
        const e = registry.entries.get(id)
        return e?.kind === 'function.lua' ? programSpecOf(registry, e, 'function') : undefined
      },
    })
    onCleanup(() => functions.close())
    const {host, logs} = await startHost(p, {
      env: (k) => (k === 'REGION' ? 'eu' : undefined),
      functions: {call: (e, a, o) => functions.call(e, a, o)},
    })
    const {pid} = host.spawn({entry: 'app.procs:worker', host: HOST})
    const r = (await host.waitForExit(pid)).value as Record<string, unknown>
    expect(r).toMatchObject({id: 36, merr: 'NotFound', region: 'eu', sum: 5})
    expect(r.serr).toBeUndefined()
    expect(r.elapsed).toBeGreaterThanOrEqual(29)
    expect(logs).toContainEqual({level: 'info', message: 'hello from a process', pid})
  })

  test('process.exec returns the child result or its error', async () => {
    const p = procProject({
      child: mod(`local x = ...\nif x < 0 then error("negative") end\nreturn x * 2`),
      parent: mod(`local a = process.exec("app.procs:child", "${HOST}", 21)
local b, err = process.exec("app.procs:child", "${HOST}", -1)
local c, cerr = process.exec("app.procs:missing", "${HOST}")
return {a = a, b = b, err = err and err:message(), cerr = cerr and cerr:kind()}`),
    })
    const {host} = await startHost(p)
    const {pid} = host.spawn({entry: 'app.procs:parent', host: HOST})
    const r = (await host.waitForExit(pid)).value as Record<string, unknown>
    expect(r).toMatchObject({a: 42, cerr: 'NotFound'})
    expect(r.err).toMatch(/negative/)
  })
})

describe('process calls from functions', () => {
  test('a function sends to a named process, execs one, monitors one; link is refused', async () => {
    const p = procProject(
      {
        doubler: mod(`local x = ...\nreturn x * 2`),
        mailbox: mod(`local m = process.inbox():receive()\nreturn {topic = m:topic(), data = m:payload():data()}`),
      },
      `  - name: notify
    kind: function.lua
    source: file://notify.lua
    method: main
`,
    )
    p.write(
      'src/procs/notify.lua',
      `return {main = function()
  local ok, err = process.send("mailbox", "note", "from a function")
  local doubled = process.exec("app.procs:doubler", "app:processes", 21)
  local pid = process.spawn_monitored("app.procs:doubler", "app:processes", 5)
  local exit = process.events():receive()
  local _, lerr = process.spawn_linked("app.procs:doubler", "app:processes", 1)
  return {ok = ok, doubled = doubled, exit = exit.result.value, from = exit.from == pid, lerr = lerr and lerr:kind()}
end}
`,
    )
    const registry = await loadRegistry(p.root, {env: {}})
    let gateway: FunctionCalls | undefined
    const functions = await FunctionHost.create({
      processes: {execute: (cmd, caller) => gateway!.execute(cmd, caller)},
      resolveFunction: (id) => {
        const e = registry.entries.get(id)
        return e?.kind === 'function.lua' ? programSpecOf(registry, e, 'function') : undefined
      },
    })
    onCleanup(() => functions.close())
    const {host, node} = await startHost(p)
    gateway = new FunctionCalls(node)
    const owns = (dest: string): boolean => node.resolve(dest)?.kind === 'process'
    const mailbox = host.spawn({entry: 'app.procs:mailbox', host: HOST, name: 'mailbox'}).pid
    const r = await functions.call('app.procs:notify', [])
    expect(r.value).toEqual({doubled: 42, exit: 10, from: true, lerr: 'Invalid', ok: true})
    expect([owns(mailbox), owns('nobody'), owns('{c@w|wf}')]).toEqual([true, false, false])
    expect((await host.waitForExit(mailbox)).value).toEqual({data: 'from a function', topic: 'note'})
  })
})

describe('reloads and the ps table', () => {
  test('a reload restarts plain processes of a changed entry with the same args and name', async () => {
    const p = procProject({v: mod(`local tag = ...\nlocal e = process.events():receive()\nreturn "v1:" .. tag`)})
    const fixture = await startHost(p)
    const sup = new ServiceSupervisor({host: fixture.host, registry: fixture.registry})
    const {pid} = fixture.host.spawn({args: ['x'], entry: 'app.procs:v', host: HOST, name: 'keeper'})
    p.write('src/procs/v.lua', mod(`local tag = ...\nlocal e = process.events():receive()\nreturn "v2:" .. tag`))
    fixture.registry = await loadRegistry(p.root, {env: {}})
    const report = await sup.applyRegistry(fixture.registry)
    const moved = report.processes[0]!
    expect(moved).toMatchObject({entry: 'app.procs:v', from: pid})
    expect(fixture.host.lookup('keeper')).toBe(moved.to)
    expect(fixture.host.get(pid)).toMatchObject({status: 'failed'})
    await fixture.host.cancel('keeper', 'bye')
    expect((await fixture.host.waitForExit(moved.to!)).value).toBe('v2:x')
  })

  test('ps lists services with restarts and last error, and plain processes with what they wait on', async () => {
    const p = procProject(
      {
        crash: mod(`error("broken at start")`),
        idle: mod(`return process.inbox():receive()`),
      },
      `  - name: broken
    kind: process.service
    process: crash
    host: app:processes
    lifecycle: {auto_start: true, restart: {initial_delay: 5ms, max_attempts: 1}}
`,
    )
    const fixture = await startHost(p)
    const sup = new ServiceSupervisor({host: fixture.host, registry: fixture.registry, stopGraceMs: 50})
    onCleanup(() => sup.stopAll())
    await sup.start()
    const idle = fixture.host.spawn({entry: 'app.procs:idle', host: HOST}).pid
    await waitFor(() => sup.get('app.procs:broken')?.gaveUp === true)
    const rows = processTable(fixture.host, sup)
    expect(rows[0]).toMatchObject({
      entry: 'app.procs:crash',
      kind: 'service',
      restarts: 1,
      service: 'app.procs:broken',
      status: 'Failed',
    })
    expect(rows[0]!.lastError).toMatch(/broken at start[\s\S]*crash\.lua/)
    expect(rows[1]).toMatchObject({
      kind: 'process',
      pid: idle,
      status: 'running',
      waiting: 'waiting for a message or event',
    })
  })
})
