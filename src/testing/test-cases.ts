/**
 * Test discovery: a test is a `function.lua` entry with `meta.type: test`, grouped by
 * `meta.suite` and described by `meta.description` (the platform's convention). Suites run
 * in name order; inside a suite tests run by `meta.order`, then by ID, as the platform's
 * own runner orders them. Tests without a suite go to "other", last.
 */
import {WippyError} from '../errors.js'
import {type Registry, isRunKind} from '../registry/index.js'
import {parseDurationMs} from '../time/duration.js'

/** The suite name of tests that declare none. */
export const NO_SUITE = 'other'

/** One test entry, as found in the registry. */
export interface TestCase {
  description?: string
  /** YAML file and line of the entry. */
  file: string
  id: string
  line: number
  order: number
  /** Set when `meta.skip` is true or a reason string: the test is reported, not run. */
  skip?: string
  suite: string
  /** `meta.timeout` (Go duration), overriding the run's default. */
  timeoutMs?: number
}

export interface TestSelection {
  /** Substrings of the entry ID (any one matches), like the platform's runner. */
  patterns?: string[]
  /** Only these suites. */
  suites?: string[]
}

/** Every test of the registry that the selection keeps, in run order. */
export function findTests(registry: Registry, selection: TestSelection = {}): TestCase[] {
  const all: TestCase[] = []
  for (const entry of registry.entries.values()) {
    if (entry.kind !== 'function.lua' || entry.meta.type !== 'test') continue
    all.push(testCaseOf(entry.id, entry.meta, entry.file, entry.line))
  }
  const patterns = selection.patterns?.filter((p) => p.length > 0) ?? []
  const suites = selection.suites ?? []
  const kept = all.filter(
    (t) =>
      (patterns.length === 0 || patterns.some((p) => t.id.includes(p))) &&
      (suites.length === 0 || suites.includes(t.suite)),
  )
  if (kept.length === 0) throw noTests(all, selection)
  return kept.sort(compareTests)
}

/** Entries the project declares with kinds wippy loads but does not run, counted by kind. */
export function entriesNotRun(registry: Registry): Array<{count: number; kind: string}> {
  const counts = new Map<string, number>()
  for (const entry of registry.entries.values()) {
    if (!isRunKind(entry.kind)) counts.set(entry.kind, (counts.get(entry.kind) ?? 0) + 1)
  }
  return [...counts].map(([kind, count]) => ({count, kind})).sort((a, b) => a.kind.localeCompare(b.kind))
}

function testCaseOf(id: string, meta: Record<string, unknown>, file: string, line: number): TestCase {
  const suite = typeof meta.suite === 'string' && meta.suite !== '' ? meta.suite : NO_SUITE
  const order = typeof meta.order === 'number' ? meta.order : 0
  const test: TestCase = {file, id, line, order, suite}
  if (typeof meta.description === 'string') test.description = meta.description
  if (meta.skip === true) test.skip = 'skipped'
  else if (typeof meta.skip === 'string' && meta.skip !== '') test.skip = meta.skip
  if (typeof meta.timeout === 'string') {
    const ms = parseDurationMs(meta.timeout)
    if (ms === undefined || ms <= 0) {
      throw new WippyError(
        'WIPPY_TEST_TIMEOUT_INVALID',
        `Test ${id} has the timeout "${meta.timeout}", which is not a duration.`,
        {
          file,
          hint: 'Write meta.timeout as a Go duration: "500ms", "30s", "2m".',
          line,
        },
      )
    }
    test.timeoutMs = ms
  }
  return test
}

function compareTests(a: TestCase, b: TestCase): number {
  if (a.suite !== b.suite) {
    if (a.suite === NO_SUITE) return 1
    if (b.suite === NO_SUITE) return -1
    return a.suite < b.suite ? -1 : 1
  }
  if (a.order !== b.order) return a.order - b.order
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0
}

function noTests(all: TestCase[], selection: TestSelection): WippyError {
  if (all.length === 0) {
    return new WippyError('WIPPY_TESTS_NOT_FOUND', 'The project has no tests.', {
      hint: 'A test is a function.lua entry with `meta: {type: test, suite: <name>}` whose main returns true.',
    })
  }
  const suites = [...new Set(all.map((t) => t.suite))].sort()
  const filter = [
    ...(selection.patterns ?? []).map((p) => `"${p}"`),
    ...(selection.suites ?? []).map((s) => `suite ${s}`),
  ].join(', ')
  return new WippyError('WIPPY_TESTS_NOT_FOUND', `No test matches ${filter}.`, {
    details: {suites},
    hint: `Patterns are substrings of entry IDs; the suites are ${suites.join(', ')}.`,
  })
}
