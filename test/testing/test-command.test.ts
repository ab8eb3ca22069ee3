/**
 * `wippy test` as a user runs it: the built CLI in a child process (not a TTY, so one line
 * per test), exit codes, the last summary line and the --json shape.
 */
import {fileURLToPath} from 'node:url'
import {join} from 'node:path'
import {describe, expect, test} from 'vitest'

import {runCli} from '../helpers/cli.js'

const FIXTURES = fileURLToPath(new URL('../fixtures/test-projects/', import.meta.url))
const MIXED = join(FIXTURES, 'mixed')
const PASSING = join(FIXTURES, 'passing')

function lastLine(text: string): string {
  return text.trimEnd().split('\n').at(-1) ?? ''
}

describe('wippy test (CLI)', () => {
  test('all passing: exit 0, one line per test, ends with "2 passed, 0 failed"', async () => {
    const r = await runCli(['test', '--path', PASSING])
    expect(r.exitCode).toBe(0)
    expect(r.stdout).toContain('✓ math › app.tests:adds')
    expect(r.stdout).toContain('✓ workflows › app.tests:day_long_workflow')
    expect(lastLine(r.stdout)).toBe('2 passed, 0 failed')
  })

  test('failures: exit 1, failure details with the Lua file:line and traceback, skipped counted', async () => {
    const r = await runCli(['test', '--path', MIXED])
    expect(r.exitCode).toBe(1)
    expect(r.stdout).toContain('✗ math › app.tests:wrong_sum')
    expect(r.stdout).toContain('returned: expected 5, got 4')
    expect(r.stdout).toContain('(src/tests/raises.lua:3)')
    expect(r.stdout).toContain('stack traceback:')
    expect(r.stdout).toContain('timeout: ran past its timeout of 300ms')
    expect(r.stdout).toContain('Loaded but not run (kinds wippy does not run): http.service (1)')
    expect(lastLine(r.stdout)).toBe('2 passed, 3 failed, 1 skipped')
  })

  test('--json returns every test with its status and duration; exit 1 on failures', async () => {
    const r = await runCli(['test', '--path', MIXED, '--json'])
    expect(r.exitCode).toBe(1)
    // A failed run is the one error shape; the report is its details.result
    const out = JSON.parse(r.stdout) as {
      error: {
        code: string
        details: {
          result: {
            tests: Array<Record<string, unknown>>
            passed: number
            failed: number
            skipped: number
            durationMs: number
          }
        }
      }
    }
    expect(out.error.code).toBe('WIPPY_TESTS_FAILED')
    const report = out.error.details.result
    expect(report).toMatchObject({failed: 3, passed: 2, skipped: 1})
    expect(typeof report.durationMs).toBe('number')
    for (const t of report.tests) {
      expect(t).toEqual(
        expect.objectContaining({
          durationMs: expect.any(Number),
          id: expect.any(String),
          status: expect.stringMatching(/^(passed|failed|skipped)$/),
          suite: expect.any(String),
        }),
      )
    }
    expect(report.tests.find((t) => t.id === 'app.tests:raises')).toMatchObject({
      failure: {file: 'src/tests/raises.lua', line: 3, reason: 'error'},
    })
  })

  test('patterns and --suite select tests; --timeout applies; a bad duration is a usage error (exit 2)', async () => {
    const one = await runCli(['test', 'adds', '--path', MIXED])
    expect(one.exitCode).toBe(0)
    expect(lastLine(one.stdout)).toBe('1 passed, 0 failed')
    const suite = await runCli(['test', '--suite', 'workflows', '--path', MIXED, '--timeout', '5s'])
    expect(suite.exitCode).toBe(0)
    expect(lastLine(suite.stdout)).toBe('1 passed, 0 failed')
    const bad = await runCli(['test', '--path', MIXED, '--timeout', '2d'])
    expect(bad.exitCode).toBe(2)
    expect(bad.stderr).toContain('WIPPY_DURATION_INVALID')
  })

  test('no matching test: exit 1 with WIPPY_TESTS_NOT_FOUND', async () => {
    const r = await runCli(['test', 'nothing_here', '--path', MIXED])
    expect(r.exitCode).toBe(1)
    expect(r.stderr).toContain('WIPPY_TESTS_NOT_FOUND')
  })
})
