#!/usr/bin/env node
/**
 * `npm run bench`: every figure the issues define, in one table (median, min, max, goal,
 * pass/fail), also written to bench/results.json so two runs can be compared.
 * Each suite runs in its own child process, so one suite's memory or wasm instance does
 * not skew another's. `--quick` runs fewer repetitions; `--only engine,lua` picks suites.
 * Needs a build (`npm run build`, which `npm run bench` does first).
 */
import {execFileSync} from 'node:child_process'
import {writeFileSync} from 'node:fs'
import {cpus, loadavg} from 'node:os'
import {dirname, join} from 'node:path'
import {fileURLToPath} from 'node:url'

import {formatFigure} from './lib.mjs'

const here = dirname(fileURLToPath(import.meta.url))
const quick = process.argv.includes('--quick')
const only = process.argv
  .find((a) => a.startsWith('--only='))
  ?.slice(7)
  .split(',')
const SUITES = ['registry', 'lua', 'history', 'engine', 'process', 'dev', 'test']

/** Runs one suite in a child and returns its figures (the child prints them as JSON). */
function runSuite(name) {
  const child = `
    const m = await import(${JSON.stringify(join(here, `${name}-bench.mjs`))})
    const figures = m.run ? await m.run({quick: ${quick}}) : (await m.runRegistryBench({log: () => {}})).map((r) => ({name: 'registry: ' + r.name, unit: 'ms', median: r.median, min: r.min, max: r.max, samples: 10, goal: {op: '<=', value: r.goal}, pass: r.ok}))
    process.stdout.write('\\n@@FIGURES@@' + JSON.stringify(figures) + '\\n')
  `
  const out = execFileSync(process.execPath, ['--expose-gc', '--input-type=module', '-e', child], {
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  const line = out.split('\n').find((l) => l.startsWith('@@FIGURES@@'))
  return JSON.parse(line.slice('@@FIGURES@@'.length))
}

const started = Date.now()
const all = []
for (const suite of SUITES.filter((s) => !only || only.includes(s))) {
  process.stderr.write(`bench: ${suite}...\n`)
  try {
    const figures = runSuite(suite)
    for (const f of figures) console.log(formatFigure(f))
    all.push(...figures.map((f) => ({suite, ...f})))
  } catch (error) {
    console.log(`${suite}: failed to run (${error.message.split('\n')[0]})`)
    all.push({error: error.message.split('\n')[0], suite})
  }
}
const withGoal = all.filter((f) => f.goal)
const passed = withGoal.filter((f) => f.pass).length
console.log(
  `\n${passed} of ${withGoal.length} goals met; ${cpus().length} CPUs, load average ${loadavg()[0].toFixed(1)}; ${Math.round((Date.now() - started) / 1000)} s`,
)
writeFileSync(
  join(here, 'results.json'),
  `${JSON.stringify({at: new Date().toISOString(), cpus: cpus().length, figures: all, load: loadavg()[0], node: process.version, quick}, null, 2)}\n`,
)
console.log('written to bench/results.json')
