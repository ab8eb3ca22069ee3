/**
 * The `wippy test` service in-process, on the fixture projects under
 * test/fixtures/test-projects: the real registry loader, the real engine and Lua VM.
 */
import {existsSync, mkdtempSync, readdirSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {fileURLToPath} from 'node:url'
import {describe, expect, test} from 'vitest'

import {WippyError} from '../../src/errors.js'
import {renderSummary, totalsLine} from '../../src/testing/reporters.js'
import {type TestResult, runTests} from '../../src/testing/run-tests.js'

const FIXTURES = fileURLToPath(new URL('../fixtures/test-projects/', import.meta.url))
const MIXED = join(FIXTURES, 'mixed')
const PASSING = join(FIXTURES, 'passing')

function byId(tests: TestResult[]): Record<string, TestResult> {
  return Object.fromEntries(tests.map((t) => [t.id.split(':')[1], t]))
}

describe('wippy test (service)', () => {
  test('classifies passing, failing, raising, timing-out and skipped tests', async () => {
    // Given the mixed fixture (one test of each kind, plus a non-test function)
    const report = await runTests({env: {}, root: MIXED})
    const t = byId(report.tests)

    // Then only meta.type: test entries ran, suites in name order
    expect(report.tests.map((r) => r.id)).toEqual([
      'app.tests:adds',
      'app.tests:raises',
      'app.tests:wrong_sum', // math, by ID
      'app.tests:hangs',
      'app.tests:later', // slow
      'app.tests:day_long_workflow', // workflows
    ])
    expect(t.adds).toMatchObject({description: 'two plus two is four', status: 'passed', suite: 'math'})
    // `return false, "msg"` fails with the message, without a traceback
    expect(t.wrong_sum).toMatchObject({failure: {message: 'expected 5, got 4', reason: 'returned'}, status: 'failed'})
    expect(t.wrong_sum!.failure!.traceback).toBeUndefined()
    // A Lua error fails with file:line and a traceback naming the caller's line
    expect(t.raises).toMatchObject({
      failure: {file: 'src/tests/raises.lua', line: 3, reason: 'error'},
      status: 'failed',
    })
    expect(t.raises!.failure!.message).toContain('n is too large')
    expect(t.raises!.failure!.traceback).toContain('src/tests/raises.lua:8')
    // meta.timeout: 300ms cuts a 1h sleep short
    expect(t.hangs).toMatchObject({failure: {reason: 'timeout'}, status: 'failed'})
    expect(t.hangs!.durationMs).toBeGreaterThanOrEqual(290)
    expect(t.hangs!.durationMs).toBeLessThan(3000)
    expect(t.later).toMatchObject({skipReason: 'waiting for the refund API', status: 'skipped'})
    expect(report).toMatchObject({failed: 3, notRun: [{count: 1, kind: 'http.service'}], passed: 2, skipped: 1})
  })

  test('a workflow sleeping 24h, spawned by a test, finishes in under a second of wall time', async () => {
    // Given a test that process.exec's a workflow doing time.sleep("24h") and checks it slept 24h
    const t0 = performance.now()
    const report = await runTests({env: {}, patterns: ['day_long'], root: PASSING})
    // Then it passes (the workflow clock jumped), fast
    expect(report.tests).toEqual([expect.objectContaining({id: 'app.tests:day_long_workflow', status: 'passed'})])
    expect(report.tests[0]!.durationMs).toBeLessThan(1000)
    expect(performance.now() - t0).toBeLessThan(5000)
  })

  test('--state-dir keeps the workflow history; the default throw-away dir is removed', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'wippy-test-state-'))
    try {
      const kept = await runTests({env: {}, patterns: ['day_long'], root: PASSING, stateDir: dir})
      expect(kept.stateDir).toBe(dir)
      // The workflow's history is there: one JSONL file
      expect(readdirSync(join(dir, 'histories')).filter((f) => f.endsWith('.jsonl'))).toHaveLength(1)
      const thrown = await runTests({env: {}, patterns: ['adds'], root: PASSING})
      expect(thrown.stateDir).toBeUndefined()
      expect(existsSync(join(PASSING, '.wippy'))).toBe(false)
    } finally {
      rmSync(dir, {force: true, recursive: true})
    }
  })

  test('bail stops after the first failure and reports the rest as skipped', async () => {
    const report = await runTests({bail: true, env: {}, root: MIXED, suites: ['math']})
    expect(report.tests.map((r) => [r.id, r.status])).toEqual([
      ['app.tests:adds', 'passed'],
      ['app.tests:raises', 'failed'],
      ['app.tests:wrong_sum', 'skipped'],
    ])
    expect(report.tests[2]!.skipReason).toContain('--bail')
  })

  test('a filter that matches nothing is a WIPPY_TESTS_NOT_FOUND error listing the suites', async () => {
    const error = await runTests({env: {}, patterns: ['no_such_test'], root: MIXED}).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(WippyError)
    expect(error).toMatchObject({code: 'WIPPY_TESTS_NOT_FOUND'})
    expect((error as WippyError).hint).toContain('math, slow, workflows')
  })

  test('the summary ends with the plain "N passed, N failed" line, with skipped only when some were', () => {
    const report = {durationMs: 12, failed: 1, notRun: [], passed: 2, skipped: 0, tests: []}
    expect(totalsLine(report)).toBe('2 passed, 1 failed')
    expect(totalsLine({...report, skipped: 3})).toBe('2 passed, 1 failed, 3 skipped')
    expect(renderSummary(report).trimEnd().split('\n').at(-1)).toBe('2 passed, 1 failed')
  })
})
