/**
 * `wippy test` as a service: starts a real engine for the run (in a throw-away state dir
 * unless one is given), finds the tests, runs them one at a time and reports each result.
 *
 * A test passes when its `main` returns a truthy value and raises nothing. It fails when it
 * raises (the result carries the Lua file:line and traceback), returns `nil, err`, returns
 * `false[, message]` or runs past its timeout.
 *
 * Clocks: functions (the tests themselves) run on the real clock; workflows they start run on
 * virtual time: when a workflow waits only on timers its clock jumps to the next one, so a
 * `time.sleep("24h")` takes milliseconds while the history still records 24 hours.
 */
import {mkdtemp, rm} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {Engine} from '../engine/engine.js'
import type {LuaErrorValue} from '../lua/types.js'
import {type TestCase, type TestSelection, entriesNotRun, findTests} from './test-cases.js'

/** Default per-test timeout. */
export const DEFAULT_TEST_TIMEOUT_MS = 10_000

export type TestStatus = 'failed' | 'passed' | 'skipped'

/** Why a test failed. */
export interface TestFailure {
  /** The Wippy error kind when the test returned or raised one (`Internal`, `NotFound`...). */
  errorKind?: string
  file?: string
  line?: number
  message: string
  /** `error`: raised; `returned`: returned false or an error; `timeout`: ran too long. */
  reason: 'error' | 'returned' | 'timeout'
  traceback?: string
}

export interface TestResult {
  description?: string
  durationMs: number
  failure?: TestFailure
  id: string
  /** Why it was skipped (meta.skip, or --bail after a failure). */
  skipReason?: string
  status: TestStatus
  suite: string
}

export interface TestRunReport {
  durationMs: number
  failed: number
  /** Entries of kinds wippy loads but does not run (HTTP, SQL...), counted by kind. */
  notRun: Array<{count: number; kind: string}>
  passed: number
  skipped: number
  /** The state dir kept after the run (absent when it was a throw-away one, now removed). */
  stateDir?: string
  tests: TestResult[]
}

/** Progress hooks; every one is optional. */
export interface TestReporter {
  onEnd?(report: TestRunReport): void
  onPlan?(tests: readonly TestCase[], notRun: TestRunReport['notRun']): void
  onTestEnd?(result: TestResult, test: TestCase): void
  onTestStart?(test: TestCase): void
}

export interface RunTestsOptions extends TestSelection {
  /** Stop after the first failure (the rest are reported as skipped). */
  bail?: boolean
  /** Values for `${env:NAME}` and `env.get` (default: process.env). */
  env?: Record<string, string | undefined>
  reporter?: TestReporter
  root: string
  /** Keep state here instead of a throw-away dir in the OS temp dir. */
  stateDir?: string
  /** Default per-test timeout in ms (a test's `meta.timeout` overrides it). */
  timeoutMs?: number
}

/** Runs the project's tests; see the module comment. Throws WippyError when the project does not load. */
export async function runTests(options: RunTestsOptions): Promise<TestRunReport> {
  const t0 = performance.now()
  const throwAway = options.stateDir === undefined
  const stateDir = options.stateDir ?? (await mkdtemp(join(tmpdir(), 'wippy-test-')))
  try {
    const engine = await Engine.start({
      env: options.env ?? process.env,
      root: options.root,
      stateDir,
      virtualTime: true,
    })
    try {
      const tests = findTests(engine.currentRegistry, options)
      const notRun = entriesNotRun(engine.currentRegistry)
      options.reporter?.onPlan?.(tests, notRun)
      const results: TestResult[] = []
      let bailed = false
      for (const test of tests) {
        options.reporter?.onTestStart?.(test)
        const result = bailed
          ? skippedResult(test, 'not run: --bail stopped after a failure')
          : await runOne(engine, test, options.timeoutMs ?? DEFAULT_TEST_TIMEOUT_MS)
        results.push(result)
        options.reporter?.onTestEnd?.(result, test)
        if (result.status === 'failed' && options.bail) bailed = true
      }
      const report: TestRunReport = {
        durationMs: Math.round(performance.now() - t0),
        failed: results.filter((r) => r.status === 'failed').length,
        notRun,
        passed: results.filter((r) => r.status === 'passed').length,
        skipped: results.filter((r) => r.status === 'skipped').length,
        ...(throwAway ? {} : {stateDir}),
        tests: results,
      }
      options.reporter?.onEnd?.(report)
      return report
    } finally {
      await engine.close()
    }
  } finally {
    if (throwAway) await rm(stateDir, {force: true, recursive: true})
  }
}

async function runOne(engine: Engine, test: TestCase, defaultTimeoutMs: number): Promise<TestResult> {
  if (test.skip) return skippedResult(test, test.skip)
  const timeoutMs = test.timeoutMs ?? defaultTimeoutMs
  const started = performance.now()
  let timer: NodeJS.Timeout | undefined
  const timedOut = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), timeoutMs)
  })
  try {
    const outcome = await Promise.race([engine.call(test.id, []), timedOut])
    const durationMs = Math.round(performance.now() - started)
    const base = {
      durationMs,
      id: test.id,
      suite: test.suite,
      ...(test.description ? {description: test.description} : {}),
    }
    if (outcome === 'timeout') {
      return {
        ...base,
        failure: {message: `ran past its timeout of ${formatMs(timeoutMs)}`, reason: 'timeout'},
        status: 'failed',
      }
    }
    const failure = failureOf(outcome)
    return failure ? {...base, failure, status: 'failed'} : {...base, status: 'passed'}
  } finally {
    clearTimeout(timer)
  }
}

/** Classifies what a test's `main` returned; undefined when it passed. */
export function failureOf(outcome: {error?: LuaErrorValue; value?: unknown}): TestFailure | undefined {
  const error = outcome.error as (LuaErrorValue & {file?: string; line?: number; traceback?: string}) | undefined
  if (error) {
    // A raised error carries a traceback; `return nil, err` or `return false, "msg"` does not.
    const raised = typeof error.traceback === 'string'
    return {
      message: error.message,
      reason: raised ? 'error' : 'returned',
      ...(error.kind ? {errorKind: error.kind} : {}),
      ...(error.file ? {file: error.file} : {}),
      ...(error.line ? {line: error.line} : {}),
      ...(raised ? {traceback: error.traceback} : {}),
    }
  }
  const value = outcome.value
  if (value === undefined || value === null || value === false) {
    return {
      message: `returned ${value === false ? 'false' : 'nil'} (a test passes by returning true)`,
      reason: 'returned',
    }
  }
  return undefined
}

function skippedResult(test: TestCase, reason: string): TestResult {
  return {
    durationMs: 0,
    id: test.id,
    skipReason: reason,
    status: 'skipped',
    suite: test.suite,
    ...(test.description ? {description: test.description} : {}),
  }
}

function formatMs(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000}s` : `${ms}ms`
}
