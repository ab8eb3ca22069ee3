#!/usr/bin/env node
/**
 * Registry and CLI start-up benchmark. Run after `npm run build`:
 * `node bench/registry-bench.mjs`. Prints, as medians of RUNS child processes:
 * - `wippy --version` wall time (goal ≤ 150 ms);
 * - `wippy lint --json` on a generated 2,000-entry project (goal ≤ 500 ms): 20 namespaces of
 *   100 function.lua entries, each with its own file:// Lua source, plus a host, a process,
 *   a service, a workflow and the Temporal client/worker.
 * Lint is timed twice: with the parse cache warm (what a repeated `wippy lint` costs: unchanged
 * YAML files are not parsed again) and cold (WIPPY_NO_CACHE=1: every file parsed). The cache
 * lives in a temp dir (WIPPY_CACHE_DIR), never in the user's home.
 * `runRegistryBench()` returns the figures for `bench/run.mjs` to combine.
 */
import {spawnSync} from 'node:child_process'
import {mkdirSync, mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {cpus, loadavg, tmpdir} from 'node:os'
import {join} from 'node:path'
import {fileURLToPath} from 'node:url'

const RUNS = 10
const BIN = fileURLToPath(new URL('../bin/run.js', import.meta.url))

/** Writes a valid project with `count` function.lua entries (plus a few others) under `root`. */
export function generateProject(root, count = 2000) {
  const perNs = 100
  writeFileSync(join(root, 'wippy.lock'), 'directories:\n  modules: .wippy\n  src: ./src\n')
  mkdirSync(join(root, 'src/app'), {recursive: true})
  writeFileSync(
    join(root, 'src/app/_index.yaml'),
    `namespace: app
entries:
  - name: temporal_client
    kind: temporal.client
    address: localhost:7233
  - name: temporal_worker
    kind: temporal.worker
    client: temporal_client
    task_queue: orders
  - name: processes
    kind: process.host
  - name: ticker
    kind: process.lua
    source: file://ticker.lua
  - name: ticker_service
    kind: process.service
    process: ticker
    host: processes
    lifecycle: {auto_start: true, restart: {max_attempts: 3}}
  - name: flow
    kind: workflow.lua
    source: file://flow.lua
    modules: [funcs, time]
    meta: {temporal: {workflow: {worker: temporal_worker}}}
`,
  )
  writeFileSync(
    join(root, 'src/app/ticker.lua'),
    'local function main(): number\n  return 0\nend\nreturn {main = main}\n',
  )
  writeFileSync(
    join(root, 'src/app/flow.lua'),
    'local funcs = require("funcs")\nlocal function main()\n  return funcs.call("gen0:fn0", 1)\nend\nreturn {main = main}\n',
  )
  for (let n = 0; n * perNs < count; n++) {
    const dir = join(root, `src/gen${n}`)
    mkdirSync(dir, {recursive: true})
    const lines = [`version: "1.0"`, `namespace: gen${n}`, 'meta:', '  owner: bench', 'entries:']
    for (let i = n * perNs; i < Math.min(count, (n + 1) * perNs); i++) {
      lines.push(
        `  - name: fn${i}`,
        '    kind: function.lua',
        `    meta: {comment: "Generated function ${i}"}`,
        `    source: file://fn${i}.lua`,
        '    method: main',
        '    modules: [json, time]',
      )
      writeFileSync(
        join(dir, `fn${i}.lua`),
        `local json = require("json")\n\nlocal function main(x: number): string\n  return json.encode({n = ${i}, x = x})\nend\n\nreturn {main = main}\n`,
      )
    }
    writeFileSync(join(dir, '_index.yaml'), `${lines.join('\n')}\n`)
  }
}

/**
 * Runs the CLI once: wall time, plus the child's own CPU time (user + system), reported on
 * fd 3 by a preloaded hook. CPU time barely moves when other work shares the machine, so it
 * is the figure to compare on a busy box.
 */
function time(args, cwd, env = {}) {
  const started = performance.now()
  const result = spawnSync(process.execPath, ['--import', HOOK, BIN, ...args], {
    cwd,
    encoding: 'utf8',
    env: {...process.env, ...env},
    stdio: ['ignore', 'pipe', 'pipe', 'pipe'],
  })
  const ms = performance.now() - started
  let cpu = Number.NaN
  try {
    const usage = JSON.parse(result.output[3])
    cpu = (usage.user + usage.system) / 1000
  } catch {
    // No report (the child crashed): the wall time still counts.
  }
  return {ms, cpu, result}
}

const HOOK = `data:text/javascript,${encodeURIComponent(
  "import {writeSync} from 'node:fs'; process.on('exit', () => { try { writeSync(3, JSON.stringify(process.cpuUsage())) } catch {} })",
)}`

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]

function stats(runs) {
  const wall = runs.map((r) => r.ms)
  return {median: median(wall), min: Math.min(...wall), max: Math.max(...wall), cpu: median(runs.map((r) => r.cpu))}
}

const line = (label, s, goal) =>
  `${label}: median ${Math.round(s.median)} ms (min ${Math.round(s.min)}, max ${Math.round(s.max)}; cpu ${Math.round(s.cpu)} ms) goal ≤ ${goal} ms`

/** Runs both measurements; returns `[{name, median, min, max, goal, ok}]` and prints one line each. */
export function runRegistryBench({runs = RUNS, log = console.log} = {}) {
  const root = mkdtempSync(join(tmpdir(), 'wippy-registry-bench-'))
  const cached = {WIPPY_CACHE_DIR: join(root, '.bench-cache')}
  try {
    generateProject(root, 2000)
    // Warm the OS file cache and the parse cache, and check the project really is clean.
    const warm = time(['lint', '--json'], root, cached)
    const parsed = JSON.parse(warm.result.stdout)
    if (warm.result.status !== 0 || parsed.errors !== 0)
      throw new Error(`generated project does not lint clean: ${warm.result.stdout.slice(0, 500)}`)
    time(['--version'], root)

    const version = stats(Array.from({length: runs}, () => time(['--version'], root)))
    const lint = stats(Array.from({length: runs}, () => time(['lint', '--json'], root, cached)))
    const cold = stats(Array.from({length: runs}, () => time(['lint', '--json'], root, {WIPPY_NO_CACHE: '1'})))
    const results = [
      {name: 'wippy --version', ...version, goal: 150},
      {name: 'lint 2000 entries', ...lint, goal: 500},
      {name: 'lint 2000 entries, no parse cache', ...cold, goal: 1500},
    ].map((r) => ({...r, ok: r.median <= r.goal}))
    for (const r of results) log(line(r.name, r, r.goal))
    log(`(${cpus().length} CPUs, load average ${loadavg()[0].toFixed(1)}: wall times grow when the machine is busy)`)
    return results
  } finally {
    rmSync(root, {recursive: true, force: true})
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) runRegistryBench()
