#!/usr/bin/env node
/**
 * Durable workflow engine benchmark (issue 5). Run after `npm run build`:
 * `node --expose-gc bench/engine-bench.mjs`. Workloads:
 * - 100 concurrent workflows × 10 sequential durable steps (a trivial function each) → steps/s;
 * - one workflow of 1,000 sequential steps → per-step latency p50 (from history timestamps);
 * - replay of 10k- and 100k-event histories → events/s and their time ratio (linear ≈ 10);
 * - RSS of 10,000 workflows idle on a signal (VMs evicted) over the baseline.
 */
import {rmSync} from 'node:fs'

import {Engine} from '../dist/engine/engine.js'
import {figure, formatFigure, isMain, median, tempDir, writeFiles} from './lib.mjs'

const FILES = {
  'wippy.lock': 'directories:\n  modules: .wippy\n  src: ./src\n',
  'src/_index.yaml': `version: "1.0"
namespace: app
entries:
  - {name: client, kind: temporal.client, address: "localhost:7233"}
  - {name: worker, kind: temporal.worker, client: app:client, task_queue: bench}
  - {name: step, kind: function.lua, source: file://step.lua, method: main}
  - {name: steps, kind: workflow.lua, source: file://steps.lua, method: main, modules: [funcs]}
  - {name: waiter, kind: workflow.lua, source: file://waiter.lua, method: main, modules: []}
`,
  'src/step.lua': 'return {main = function(i) return i + 1 end}\n',
  'src/steps.lua': `local funcs = require("funcs")
return {main = function(n)
  local x = 0
  for i = 1, n do x = funcs.call("app:step", x) end
  return x
end}
`,
  'src/waiter.lua': 'return {main = function() local m = process.inbox():receive() return m:topic() end}\n',
}

async function withEngine(fn, options = {}) {
  const root = tempDir('wippy-engine-bench-')
  writeFiles(root, FILES)
  // The engine's speed, not its history cap: the replay figures need runs past 50k events.
  const env = {WIPPY_HISTORY_MAX_BYTES: String(2 ** 31), WIPPY_HISTORY_MAX_EVENTS: String(10_000_000)}
  const engine = await Engine.start({env, root, ...options})
  try {
    return await fn(engine, root)
  } finally {
    await engine.close()
    rmSync(root, {force: true, recursive: true})
  }
}

async function concurrentSteps() {
  return withEngine(async (engine) => {
    const t0 = performance.now()
    const runs = await Promise.all(Array.from({length: 100}, () => engine.spawn({entry: 'app:steps', input: [10]})))
    await Promise.all(runs.map((r) => engine.wait(r.id)))
    return 1000 / ((performance.now() - t0) / 1000)
  })
}

/** Wall time per step of one 1,000-step workflow (history timestamps are whole ms: too coarse). */
async function sequentialStepLatency() {
  return withEngine(async (engine) => {
    const t0 = performance.now()
    const {id} = await engine.spawn({entry: 'app:steps', input: [1000]})
    await engine.wait(id)
    return (performance.now() - t0) / 1000
  })
}

async function replay(eventsWanted) {
  return withEngine(async (engine) => {
    const {id} = await engine.spawn({entry: 'app:steps', input: [Math.floor(eventsWanted / 2)]})
    await engine.wait(id)
    const samples = []
    let total = 0
    for (let i = 0; i < 3; i++) {
      const t0 = performance.now()
      const check = await engine.replayCheck(id)
      samples.push(performance.now() - t0)
      if (!check.ok) throw new Error(`replay failed: ${JSON.stringify(check.divergence)}`)
      total = check.replayedEvents
    }
    return {events: total, ms: median(samples)}
  })
}

async function idleRss(count = 10_000) {
  globalThis.gc?.()
  const before = process.memoryUsage().rss
  return withEngine(
    async (engine) => {
      // Spawned 50 at a time: the wasm memory grows to the peak of live VMs and never shrinks,
      // so a larger burst measures the burst, not what idle workflows hold.
      for (let i = 0; i < count; i += 50) {
        await Promise.all(
          Array.from({length: Math.min(50, count - i)}, () => engine.spawn({entry: 'app:waiter', input: []})),
        )
      }
      // Let every VM be evicted, then measure.
      for (let i = 0; i < 200 && engine.ps({all: true}).some((r) => r.loaded); i++)
        await new Promise((r) => setTimeout(r, 50))
      globalThis.gc?.()
      await new Promise((r) => setTimeout(r, 100))
      globalThis.gc?.()
      return (process.memoryUsage().rss - before) / 1024 / 1024
    },
    {idleEvictMs: 50},
  )
}

export async function run({quick = false} = {}) {
  const rounds = quick ? 1 : 3
  // First, in a process that has run nothing yet: the baseline is the process before any engine.
  const rss = await idleRss(quick ? 1000 : 10_000)
  const steps = []
  const latency = []
  for (let i = 0; i < rounds; i++) steps.push(await concurrentSteps())
  for (let i = 0; i < rounds; i++) latency.push(await sequentialStepLatency())
  const r10 = await replay(10_000)
  const r100 = await replay(quick ? 20_000 : 100_000)
  return [
    figure('engine: durable steps/s, 100 concurrent 10-step workflows', 'steps/s', steps, {op: '>=', value: 10_000}),
    figure('engine: one durable step, sequential 1,000-step workflow (wall time per step)', 'ms', latency, {
      op: '<=',
      value: 0.5,
    }),
    figure(`engine: replay of ${r10.events} events`, 'events/s', [r10.events / (r10.ms / 1000)], {
      op: '>=',
      value: 50_000,
    }),
    figure(`engine: replay of ${r100.events} events`, 'events/s', [r100.events / (r100.ms / 1000)], {
      op: '>=',
      value: 50_000,
    }),
    figure(
      `engine: replay time ratio ${r100.events}/${r10.events} events (linear ≈ ${Math.round(r100.events / r10.events)})`,
      'x',
      [r100.ms / r10.ms],
      {op: '<=', value: 1.3 * (r100.events / r10.events)},
    ),
    figure(`engine: RSS of ${quick ? '1,000' : '10,000'} idle workflows over baseline`, 'MB', [rss], {
      op: '<=',
      value: 50,
    }),
  ]
}

if (isMain(import.meta.url)) {
  for (const f of await run({quick: process.argv.includes('--quick')})) console.log(formatFigure(f))
}
