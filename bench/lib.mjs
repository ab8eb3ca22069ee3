// Shared helpers for the bench scripts: figures with median/min/max and a goal.
import {mkdirSync, mkdtempSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {dirname, join} from 'node:path'
import {fileURLToPath} from 'node:url'

export const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]

/**
 * A figure: `name`, `unit`, the samples, and a goal `{op: '<=' | '>=', value}`.
 * Returns {name, unit, median, min, max, goal, pass}.
 */
export function figure(name, unit, samples, goal) {
  const m = median(samples)
  const pass = goal ? (goal.op === '<=' ? m <= goal.value : m >= goal.value) : undefined
  return {
    goal,
    max: Math.max(...samples),
    median: m,
    min: Math.min(...samples),
    name,
    pass,
    samples: samples.length,
    unit,
  }
}

const fmt = (n) => (Math.abs(n) >= 100 ? Math.round(n).toLocaleString('en-US') : Number(n.toPrecision(3)).toString())

export function formatFigure(f) {
  const goal = f.goal
    ? ` goal ${f.goal.op === '<=' ? '≤' : '≥'} ${fmt(f.goal.value)} ${f.unit} ${f.pass ? 'PASS' : 'FAIL'}`
    : ''
  return `${f.name}: median ${fmt(f.median)} ${f.unit} (min ${fmt(f.min)}, max ${fmt(f.max)}, n=${f.samples})${goal}`
}

/** True when the module is the script node was started with. */
export function isMain(url) {
  return process.argv[1] && fileURLToPath(url) === process.argv[1]
}

export function writeFiles(root, files) {
  for (const [path, text] of Object.entries(files)) {
    const full = join(root, path)
    mkdirSync(dirname(full), {recursive: true})
    writeFileSync(full, text)
  }
}

export function tempDir(prefix) {
  return mkdtempSync(join(process.env.WIPPY_BENCH_DIR ?? tmpdir(), prefix))
}
