// Prints the plain `N passed, N failed` line CI reads, from vitest's JSON report.
import {existsSync, readFileSync} from 'node:fs'

const file = process.argv[2] ?? 'test-results.json'
if (!existsSync(file)) {
  console.log('0 passed, 1 failed')
  process.exit(0)
}
const report = JSON.parse(readFileSync(file, 'utf8'))
const passed = report.numPassedTests ?? 0
// A test file that fails to load has no failed tests but is still a failure. (vitest's
// numFailedTestSuites also counts describe blocks, so it can't be used for this.)
const failed = (report.numFailedTests ?? 0) + countFilesFailedWithoutFailedTests(report)
console.log(`${passed} passed, ${failed} failed`)

function countFilesFailedWithoutFailedTests(r) {
  return (r.testResults ?? []).filter((s) => s.status === 'failed' && !(s.assertionResults ?? []).some((a) => a.status === 'failed')).length
}
