/**
 * Functions as the platform's test app uses them against plain processes: a function has a
 * PID processes can reply to, can register a name for itself, keeps get/set_options local,
 * unmonitors, and `funcs.call` runs a `process.lua` on its `meta.default_host`.
 */
import {readFileSync} from 'node:fs'
import {join} from 'node:path'

import {expect, test} from 'vitest'

import {programSpecOf} from '../../src/engine/code-catalog.js'
import {FunctionHost} from '../../src/hosts/functions/index.js'
import {FunctionCalls} from '../../src/hosts/processes/index.js'
import {loadRegistry} from '../../src/registry/index.js'
import {onCleanup, procProject, startHost} from './helpers.js'

const HOST = 'app:processes'
const mod = (body: string): string => `local function main(...)\n${body}\nend\nreturn {main = main}\n`

async function setup(fnBody: string, procs: Record<string, string>) {
  const p = procProject(
    procs,
    `  - name: fn
    kind: function.lua
    source: file://fn.lua
    method: main
    modules: [funcs, time, security, ctx]
`,
  )
  // give every process entry a default_host, as the platform's app does
  p.write(
    'src/procs/_index.yaml',
    readFileSync(join(p.root, 'src/procs/_index.yaml'), 'utf8')
      .replaceAll('    kind: process.lua\n', `    kind: process.lua\n    meta: {default_host: ${HOST}}\n`)
      .replaceAll(
        'modules: [time, logger, uuid, env, ctx, funcs]',
        'modules: [time, logger, uuid, env, ctx, funcs, security]',
      ),
  )
  p.write('src/procs/fn.lua', mod(fnBody))
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
  return {functions, host}
}

test('a process replies to a function PID; the function registers a name for itself; sends to ended PIDs are NotFound', async () => {
  // Given an echo process that replies to whoever sent the message
  const {functions} = await setup(
    `local time = require("time")
local pid = process.spawn_monitored("app.procs:echo", "${HOST}")
process.send(pid, "ping", {reply_to = process.pid(), n = 7})
local reply = process.inbox():receive()
local exit = process.events():receive()
local ok, err = process.send(pid, "late", 1)
local reg_ok = process.registry.register("me")
local who = process.registry.lookup("me")
return {n = reply:payload():data().n, from = reply:from() == pid, exit = exit.from == pid, ok = ok,
  err = err:kind(), found = tostring(err):find("not found") ~= nil, reg = reg_ok, me = who == process.pid(),
  pidlike = process.pid():match("^{.+|.+}$") ~= nil, id = process.id()}`,
    {
      echo: mod(
        `local m = process.inbox():receive()\nprocess.send(m:payload():data().reply_to, "pong", m:payload():data())`,
      ),
    },
  )
  // When the function runs
  const r = await functions.call('app.procs:fn', [])
  // Then the reply reached its inbox, and the ended echo is NotFound for sends
  expect(r.value).toEqual({
    err: 'NotFound',
    exit: true,
    found: true,
    from: true,
    id: 'app.procs:fn',
    me: true,
    n: 7,
    pidlike: true,
    reg: true,
  })
})

test('funcs.call and funcs.async run a process.lua on its default_host and return its result or error', async () => {
  const {functions} = await setup(
    `local funcs = require("funcs")
local v = funcs.call("app.procs:double", 21)
local _, err = funcs.call("app.procs:boom")
local f = funcs.async("app.procs:double", 4)
local p = f:response():receive()
local _, missing = funcs.call("app.procs:nothing")
return {v = v, err = tostring(err):find("kaboom") ~= nil, async = p:data(), missing = missing:kind()}`,
    {boom: mod(`error("kaboom")`), double: mod(`local x = ...\nreturn x * 2`)},
  )
  const r = await functions.call('app.procs:fn', [])
  expect(r.value).toEqual({async: 8, err: true, missing: 'NotFound', v: 42})
})

test('a function keeps its own process options, unmonitors, and listen() gives one channel per topic', async () => {
  const {functions} = await setup(
    `local time = require("time")
local before = process.get_options().trap_links
local ok = process.set_options({trap_links = true})
local _, bad = process.set_options({nope = 1})
local pid = process.spawn_monitored("app.procs:short", "${HOST}")
process.unmonitor(pid)
local got = channel.select{process.events():case_receive(), time.after("100ms"):case_receive()}
return {before = before, ok = ok, after = process.get_options().trap_links, bad = bad:kind(),
  quiet = got.channel ~= process.events(), same = process.listen("t") == process.listen("t"),
  other = process.listen("t") ~= process.listen("u")}`,
    {short: mod(`return 1`)},
  )
  const r = await functions.call('app.procs:fn', [])
  expect(r.value).toEqual({after: true, bad: 'Invalid', before: false, ok: true, other: true, quiet: true, same: true})
})

test('an actor and a scope given with with_actor/with_scope reach the child and its own children', async () => {
  // Given a function that spawns a child with an actor and a scope; the child spawns a grandchild plainly
  const {functions} = await setup(
    `local security, ctx = require("security"), require("ctx")
local actor = security.new_actor("ada", {role = "admin"})
local scope = security.new_scope({"app:read"})
local pid = process.with_context({}):with_actor(actor):with_scope(scope):spawn_monitored("app.procs:child", "${HOST}")
local exit = process.events():receive()
return {result = exit.result.value, mine = security.actor() == nil, hidden = ctx.all().__wippy_actor == nil,
  id = actor:id(), n = #scope:policies()}`,
    {
      child: mod(`local security = require("security")
local me = security.actor()
process.spawn_monitored("app.procs:grandchild", "${HOST}")
local exit = process.events():receive()
return {id = me:id(), role = me:meta().role, policy = security.scope():policies()[1], grand = exit.result.value}`),
      grandchild: mod(`local security = require("security")\nreturn security.actor():id()`),
    },
  )
  // When it runs, then the child sees both and the grandchild inherits the actor
  const r = await functions.call('app.procs:fn', [])
  expect(r.value).toEqual({
    hidden: true,
    id: 'ada',
    mine: true,
    n: 1,
    result: {grand: 'ada', id: 'ada', policy: 'app:read', role: 'admin'},
  })
})
