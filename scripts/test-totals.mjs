// Prints the plain `N passed, N failed` line CI reads, from vitest's JSON report plus the checks
// CI ran before the tests: `node scripts/test-totals.mjs test-results.json --check typecheck=0
// --check lint=1` counts each check as one passed (exit status 0) or one failed test.
import {existsSync, readFileSync} from 'node:fs'

const {file, checks} = parseArgs(process.argv.slice(2))
let passed = 0
let failed = 0
for (const [name, status] of checks) {
  if (status === 0) passed++
  else failed++
  console.log(`${name}: ${status === 0 ? 'passed' : `failed (exit status ${status})`}`)
}
if (existsSync(file)) {
  const report = JSON.parse(readFileSync(file, 'utf8'))
  passed += report.numPassedTests ?? 0
  // A test file that fails to load has no failed tests but is still a failure. (vitest's
  // numFailedTestSuites also counts describe blocks, so it can't be used for this.)
  failed += (report.numFailedTests ?? 0) + countFilesFailedWithoutFailedTests(report)
} else {
  // No report: the test run itself failed before vitest could write one.
  failed++
}
console.log(`${passed} passed, ${failed} failed`)

function parseArgs(args) {
  let file = 'test-results.json'
  const checks = []
  for (let i = 0; i < args.length; i++) {
    if (args[i] === '--check') {
      const m = /^([\w:-]+)=(\d+)$/.exec(args[++i] ?? '')
      if (!m) throw new Error(`--check wants name=exit-status, got ${JSON.stringify(args[i])}`)
      checks.push([m[1], Number(m[2])])
    } else file = args[i]
  }
  return {file, checks}
}

function countFilesFailedWithoutFailedTests(r) {
  return (r.testResults ?? []).filter(
    (s) => s.status === 'failed' && !(s.assertionResults ?? []).some((a) => a.status === 'failed'),
  ).length
}
