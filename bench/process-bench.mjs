#!/usr/bin/env node
/**
 * Process host benchmark (issue 6). Run after `npm run build`: `node bench/process-bench.mjs`.
 * Workloads (real Lua processes on one `process.host`):
 * - one process streams 10,000 messages to another (each send is a yielded command) → messages/s;
 * - ping-pong between two processes, 2,000 round trips → messages/s (two per round trip);
 * - spawn + exit of a trivial process, one at a time → µs each.
 */
import {rmSync} from 'node:fs'

import {programSpecOf} from '../dist/engine/code-catalog.js'
import {ProcessHost} from '../dist/hosts/processes/index.js'
import {Node} from '../dist/engine/node.js'
import {loadRegistry} from '../dist/registry/index.js'
import {figure, formatFigure, isMain, tempDir, writeFiles} from './lib.mjs'

const proc = (name) => `  - {name: ${name}, kind: process.lua, source: file://${name}.lua, method: main}\n`
const FILES = {
  'wippy.lock': 'directories:\n  modules: .wippy\n  src: ./src\n',
  'src/_index.yaml': `version: "1.0"
namespace: app
entries:
  - {name: processes, kind: process.host, host: {queue_size: 100000}}
${['sink', 'source', 'pong', 'ping', 'trivial'].map(proc).join('')}`,
  'src/sink.lua': `return {main = function(n)
  local inbox = process.inbox()
  for i = 1, n do inbox:receive() end
  return n
end}
`,
  'src/source.lua': `return {main = function(dest, n)
  for i = 1, n do process.send(dest, "m", i) end
  return true
end}
`,
  'src/pong.lua': `return {main = function()
  local inbox = process.inbox()
  while true do
    local m = inbox:receive()
    if m:topic() == "stop" then return true end
    process.send(m:from(), "pong", m:payload():data())
  end
end}
`,
  'src/ping.lua': `return {main = function(other, n)
  local inbox = process.inbox()
  for i = 1, n do
    process.send(other, "ping", i)
    inbox:receive()
  end
  process.send(other, "stop")
  return n
end}
`,
  'src/trivial.lua': 'return {main = function(x) return x end}\n',
}

async function withHost(fn) {
  const root = tempDir('wippy-process-bench-')
  writeFiles(root, FILES)
  const registry = await loadRegistry(root, {env: {}})
  const host = await ProcessHost.create({
    node: new Node(() => registry),
    registry: () => registry,
    resolveProcess: (id) => {
      const entry = registry.entries.get(id)
      return entry?.kind === 'process.lua' ? programSpecOf(registry, entry, 'process') : undefined
    },
  })
  try {
    return await fn(host)
  } finally {
    host.close()
    rmSync(root, {force: true, recursive: true})
  }
}

const H = 'app:processes'

async function stream(n) {
  return withHost(async (host) => {
    const t0 = performance.now()
    const sink = host.spawn({args: [n], entry: 'app:sink', host: H}).pid
    host.spawn({args: [sink, n], entry: 'app:source', host: H})
    const r = await host.waitForExit(sink)
    if (r.value !== n) throw new Error(`sink got ${JSON.stringify(r)}`)
    return n / ((performance.now() - t0) / 1000)
  })
}

async function pingPong(n) {
  return withHost(async (host) => {
    const t0 = performance.now()
    const pong = host.spawn({entry: 'app:pong', host: H}).pid
    const ping = host.spawn({args: [pong, n], entry: 'app:ping', host: H}).pid
    const r = await host.waitForExit(ping)
    if (r.value !== n) throw new Error(`ping got ${JSON.stringify(r)}`)
    return (2 * n) / ((performance.now() - t0) / 1000)
  })
}

async function spawnExit(n) {
  return withHost(async (host) => {
    const samples = []
    for (let i = 0; i < n; i++) {
      const t0 = performance.now()
      const {pid} = host.spawn({args: [i], entry: 'app:trivial', host: H})
      await host.waitForExit(pid)
      samples.push((performance.now() - t0) * 1000)
    }
    return samples.slice(Math.min(20, n >> 2)) // drop the warm-up
  })
}

export async function run({quick = false} = {}) {
  const rounds = quick ? 1 : 5
  const streamed = []
  const pinged = []
  for (let i = 0; i < rounds; i++) streamed.push(await stream(quick ? 2000 : 10_000))
  for (let i = 0; i < rounds; i++) pinged.push(await pingPong(quick ? 500 : 2000))
  const spawns = await spawnExit(quick ? 100 : 500)
  return [
    figure('processes: messages/s, one process streaming to another', 'msg/s', streamed, {op: '>=', value: 10_000}),
    figure('processes: messages/s, ping-pong between two processes', 'msg/s', pinged, {op: '>=', value: 8000}),
    figure('processes: spawn + exit of a trivial process', 'µs', spawns, {op: '<=', value: 2000}),
  ]
}

if (isMain(import.meta.url)) {
  for (const f of await run({quick: process.argv.includes('--quick')})) console.log(formatFigure(f))
}
