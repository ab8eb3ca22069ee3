#!/usr/bin/env node
/**
 * `wippy dev` benchmark: the built CLI as real child processes, wall-clock times as a developer
 * feels them. Run after `npm run build`: `node bench/dev-bench.mjs [--quick]`.
 *
 * Figures (medians):
 * - file saved → reload done: append to a Lua file, until the `reloaded` line (incl. the 100 ms debounce);
 * - `wippy signal` wall time: from launching the process to its exit with the signal delivered;
 * - `wippy dev` cold start to ready on the templates/orders app: from launch to the `ready in` line;
 * - spawn-to-result of a 10-step workflow on a fresh dev server: from launching `wippy dev` to
 *   `wippy spawn --wait` returning the result;
 * - `history inspect` of a 10k-event run (offline, reading the file): process wall time.
 * - for reference, `wippy --version`: the node + oclif startup every command pays.
 *
 * Wall times include process startup, so run it on an idle machine: on a loaded one every
 * figure but the reload latency grows with the load.
 */
import {spawn as spawnChild, execFile} from 'node:child_process'
import {cpSync, appendFileSync, rmSync} from 'node:fs'
import {join} from 'node:path'
import {fileURLToPath} from 'node:url'

import {writeBigHistory} from './history-bench.mjs'
import {figure, formatFigure, isMain, tempDir, writeFiles} from './lib.mjs'

const REPO = fileURLToPath(new URL('..', import.meta.url))
const BIN = join(REPO, 'bin/run.js')
const ENV = {...process.env, FORCE_COLOR: '0', NO_COLOR: '1'}

function project(template) {
  const root = tempDir('wippy-dev-bench-')
  cpSync(join(REPO, template), root, {recursive: true})
  return root
}

/** Starts `wippy dev --no-tui`; resolves with helpers once `ready in` is printed. */
function startDev(root) {
  const t0 = performance.now()
  const child = spawnChild(process.execPath, [BIN, 'dev', '--no-tui'], {
    cwd: root,
    env: ENV,
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let out = ''
  const waiters = []
  const onData = (chunk) => {
    out += chunk
    for (const w of [...waiters]) if (w.check()) waiters.splice(waiters.indexOf(w), 1)
  }
  child.stdout.setEncoding('utf8').on('data', onData)
  child.stderr.setEncoding('utf8').on('data', onData)
  const exited = new Promise((resolve) => child.once('exit', resolve))
  const waitFor = (re, from = 0, timeoutMs = 20_000) =>
    new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`timed out waiting for ${re}:\n${out}`)), timeoutMs)
      const w = {
        check: () => (re.test(out.slice(from)) ? (clearTimeout(timer), resolve(performance.now()), true) : false),
      }
      if (!w.check()) waiters.push(w)
    })
  const stop = async () => {
    child.kill('SIGTERM')
    await exited
  }
  return waitFor(/ready in \d+ ms/).then((readyAt) => ({
    child,
    length: () => out.length,
    readyMs: readyAt - t0,
    // What the server itself reports: from the session's start (after node, oclif and module loading).
    reportedMs: Number(/ready in (\d+) ms/.exec(out)[1]),
    stop,
    t0,
    waitFor,
  }))
}

function cli(root, args) {
  return new Promise((resolve, reject) => {
    const t0 = performance.now()
    execFile(
      process.execPath,
      [BIN, ...args],
      {cwd: root, env: ENV, maxBuffer: 64 * 1024 * 1024},
      (error, stdout, stderr) => {
        if (error) reject(new Error(`wippy ${args.join(' ')} failed: ${stderr}`))
        else resolve({ms: performance.now() - t0, stdout})
      },
    )
  })
}

async function reloadLatency(n) {
  const root = project('templates/approval')
  const dev = await startDev(root)
  const samples = []
  try {
    for (let i = 0; i < n; i++) {
      const from = dev.length()
      const t0 = performance.now()
      appendFileSync(join(root, 'src/reviews/reviews.lua'), `\n-- edit ${i}\n`)
      samples.push((await dev.waitFor(/reloaded \+\d+ ~\d+ -\d+ in/, from)) - t0)
      await new Promise((r) => setTimeout(r, 50))
    }
  } finally {
    await dev.stop()
    rmSync(root, {force: true, recursive: true})
  }
  return samples
}

async function signalWallTime(n) {
  const root = project('templates/approval')
  const dev = await startDev(root)
  const samples = []
  try {
    for (let i = 0; i < n; i++) {
      await cli(root, ['spawn', 'app.workflows:approval', `{"order_id":"b-${i}","amount":1}`, '--id', `b-${i}`])
      await dev.waitFor(new RegExp(`step b-${i} #3 `))
      samples.push((await cli(root, ['signal', `b-${i}`, 'approve', '{"approved":true}'])).ms)
    }
  } finally {
    await dev.stop()
    rmSync(root, {force: true, recursive: true})
  }
  return samples
}

async function coldStart(n) {
  const root = project('templates/orders')
  const samples = []
  const reported = []
  try {
    for (let i = 0; i < n; i++) {
      const dev = await startDev(root)
      samples.push(dev.readyMs)
      reported.push(dev.reportedMs)
      await dev.stop()
    }
  } finally {
    rmSync(root, {force: true, recursive: true})
  }
  return {reported, samples}
}

const TEN_STEPS = {
  'src/bench/_index.yaml': `version: "1.0"
namespace: app.bench

entries:
  - name: step
    kind: function.lua
    source: file://steps.lua
    method: step
    meta:
      temporal:
        activity:
          worker: app:temporal_worker
  - name: ten
    kind: workflow.lua
    source: file://ten.lua
    method: main
    modules: [funcs]
    meta:
      temporal:
        workflow:
          worker: app:temporal_worker
`,
  'src/bench/steps.lua': `local function step(n)
    return n + 1
end
return {step = step}
`,
  'src/bench/ten.lua': `local funcs = require("funcs")
local function main(n)
    local v = n or 0
    for i = 1, 10 do
        v = funcs.call("app.bench:step", v)
    end
    return v
end
return {main = main}
`,
}

async function spawnToResult(n) {
  const samples = []
  for (let i = 0; i < n; i++) {
    const root = project('templates/approval')
    writeFiles(root, TEN_STEPS)
    const dev = await startDev(root)
    try {
      const {stdout} = await cli(root, ['spawn', 'app.bench:ten', '0', '--wait', '--json'])
      samples.push(performance.now() - dev.t0)
      if (JSON.parse(stdout).result !== 10) throw new Error(`unexpected result: ${stdout}`)
    } finally {
      await dev.stop()
      rmSync(root, {force: true, recursive: true})
    }
  }
  return samples
}

async function inspectBig(n) {
  const root = project('templates/approval')
  await writeBigHistory(root)
  const samples = []
  try {
    for (let i = 0; i < n; i++) samples.push((await cli(root, ['history', 'inspect', 'big'])).ms)
  } finally {
    rmSync(root, {force: true, recursive: true})
  }
  return samples
}

/** `wippy --version`: node + oclif startup, the floor under every command's wall time. */
async function cliFloor(n) {
  const samples = []
  for (let i = 0; i < n; i++) samples.push((await cli(REPO, ['--version'])).ms)
  return samples
}

export async function run({quick = false} = {}) {
  const k = quick ? 3 : 7
  const cold = await coldStart(k)
  return [
    figure('dev: baseline `wippy --version` wall time (node + oclif startup, for reference)', 'ms', await cliFloor(k)),
    figure('dev: file saved → reload done (incl. 100 ms debounce)', 'ms', await reloadLatency(quick ? 5 : 15), {
      op: '<=',
      value: 150,
    }),
    figure('dev: `wippy signal` wall time (launch → delivered)', 'ms', await signalWallTime(k), {op: '<=', value: 300}),
    figure('dev: `wippy dev` cold start, launch → ready (templates/orders)', 'ms', cold.samples, {
      op: '<=',
      value: 500,
    }),
    figure(
      'dev: `wippy dev` session start → ready, as the banner reports it (no node/oclif/module load)',
      'ms',
      cold.reported,
    ),
    figure('dev: launch `wippy dev` → 10-step workflow result', 'ms', await spawnToResult(quick ? 3 : 5), {
      op: '<=',
      value: 1000,
    }),
    figure('dev: `wippy history inspect` of a 10k-event run', 'ms', await inspectBig(k), {op: '<=', value: 300}),
  ]
}

if (isMain(import.meta.url)) {
  for (const f of await run({quick: process.argv.includes('--quick')})) console.log(formatFigure(f))
}
