// Lua runtime benchmarks. Run after `npm run build`: node bench/lua-bench.mjs
// Prints medians: warm VM create, host round trip, function call through the pool, fib(27) ratio.
import {LuaRuntime} from '../dist/lua/vm/runtime.js'
import {FunctionHost} from '../dist/hosts/functions/index.js'
import {figure, formatFigure, isMain, median} from './lib.mjs'

const spec = (text, extra = {}) => ({
  kind: 'function',
  modules: ['funcs', 'time'],
  source: {chunkName: 'bench.lua', entryId: 'bench:x', text},
  ...extra,
})
export async function run() {
  const rt = await LuaRuntime.load()

  // 1. warm VM create (prelude + entry loaded, not started)
  for (let i = 0; i < 30; i++) rt.createProgram(spec('return function() end')).close()
  const creates = []
  for (let i = 0; i < 200; i++) {
    const t = performance.now()
    const p = rt.createProgram(spec('return function(a) return a end'))
    creates.push(performance.now() - t)
    p.close()
  }

  // 2. host round trip: one funcs.call answered synchronously, per call
  const N = 5000
  const rtt = []
  for (let r = 0; r < 5; r++) {
    const p = rt.createProgram(
      spec(
        `local funcs = require("funcs") return function(n) local s = 0 for i = 1, n do s = s + funcs.call("a:b", i) end return s end`,
      ),
    )
    const t = performance.now()
    let o = p.start([N])
    while (o.status === 'waiting') o = p.step([{kind: 'result', tag: o.commands[0].tag, value: 1}])
    rtt.push(((performance.now() - t) * 1000) / N)
    p.close()
  }

  // 3. a trivial function call through the pool
  const host = await FunctionHost.create({runtime: rt, resolveFunction: () => spec('return function(a) return a end')})
  for (let i = 0; i < 50; i++) await host.call('bench:x', [i])
  const calls = []
  for (let i = 0; i < 300; i++) {
    const t = performance.now()
    await host.call('bench:x', [i])
    calls.push(performance.now() - t)
  }
  host.close()

  // 4. fib(27): Lua vs plain JS
  const fibLua = []
  for (let r = 0; r < 5; r++) {
    const p = rt.createProgram(
      spec(
        'local function fib(n) if n < 2 then return n end return fib(n-1) + fib(n-2) end return function() return fib(27) end',
      ),
    )
    const t = performance.now()
    p.start([])
    fibLua.push(performance.now() - t)
    p.close()
  }
  const fib = (n) => (n < 2 ? n : fib(n - 1) + fib(n - 2))
  const fibJs = []
  for (let r = 0; r < 5; r++) {
    const t = performance.now()
    fib(27)
    fibJs.push(performance.now() - t)
  }

  return [
    figure('lua: warm VM create', 'ms', creates, {op: '<=', value: 1}),
    figure('lua: host round trip', 'µs', rtt, {op: '<=', value: 30}),
    figure('lua: trivial function call through the pool', 'ms', calls, {op: '<=', value: 0.2}),
    figure('lua: fib(27) in Lua', 'ms', fibLua),
    figure('lua: fib(27) in plain JS', 'ms', fibJs),
    figure('lua: fib(27) Lua / JS ratio', 'x', [median(fibLua) / median(fibJs)]),
  ]
}

if (isMain(import.meta.url)) for (const f of await run()) console.log(formatFigure(f))
