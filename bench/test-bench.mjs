// `wippy test` wall time on the platform's own test app (the in-scope suites, see
// docs/conformance.md), median of 3. Needs `npm run build` and a copy of wippyai/runtime's
// `tests/app` named by WIPPY_CONFORMANCE_APP; prints a skip line when it is unset.
//
// The time is the `wippy test` child process only (engine start, registry load and every
// test), measured by scripts/conformance.mjs, which prepares the scratch copy first.
import {execFileSync} from 'node:child_process'
import {dirname, join} from 'node:path'
import {fileURLToPath} from 'node:url'

import {figure, formatFigure, isMain} from './lib.mjs'

const SCRIPT = join(dirname(fileURLToPath(import.meta.url)), '..', 'scripts', 'conformance.mjs')

export async function run({quick = false} = {}) {
  const app = process.env.WIPPY_CONFORMANCE_APP
  if (!app) {
    console.log(
      'wippy test on the platform suites: skipped (set WIPPY_CONFORMANCE_APP to a copy of wippyai/runtime tests/app)',
    )
    return []
  }
  const rounds = quick ? 1 : 3
  const wall = []
  let passed = 0
  let total = 0
  for (let i = 0; i < rounds; i++) {
    const out = JSON.parse(
      execFileSync(process.execPath, [SCRIPT, app, '--json'], {encoding: 'utf8', maxBuffer: 64 * 1024 * 1024}),
    )
    wall.push(out.wallMs)
    passed = out.totals.passed
    total = out.totals.total
  }
  console.log(`wippy test on the platform suites: ${passed}/${total} passed`)
  return [figure('wippy test: wall time on the platform suites in scope', 'ms', wall)]
}

if (isMain(import.meta.url)) {
  for (const f of await run({quick: process.argv.includes('--quick')})) console.log(formatFigure(f))
}
