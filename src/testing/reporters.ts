/**
 * Human output of `wippy test`. Two progress styles over the same hooks: on a terminal a
 * live line per suite (spinner, suite count, overall count) that settles into the suite's
 * result; elsewhere (CI logs, pipes) one plain line per test. Both end with the failures in
 * detail and the summary, whose last line is always the plain `N passed, N failed`
 * (`, N skipped` when some were), so scripts can grep it.
 */
import {formatDurationMs} from '../time/duration.js'
import type {TestReporter, TestResult, TestRunReport} from './run-tests.js'
import type {TestCase} from './test-cases.js'

export interface ReporterOptions {
  color: boolean
  /** Live progress (a terminal) instead of one line per test. */
  live: boolean
  write(text: string): void
}

interface Paint {
  bold(s: string): string
  dim(s: string): string
  green(s: string): string
  red(s: string): string
  yellow(s: string): string
}

const SPINNER = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏']

/** The reporter for human output; see the module comment. */
export function humanReporter(options: ReporterOptions): TestReporter {
  const paint = painter(options.color)
  const {write} = options
  let total = 0
  let done = 0
  let suite:
    | {failed: string[]; name: string; passed: number; run: number; size: number; skipped: number; startedAt: number}
    | undefined
  const suiteSizes = new Map<string, number>()

  const settleSuite = (): void => {
    if (!suite) return
    const ms = performance.now() - suite.startedAt
    const mark = suite.failed.length > 0 ? paint.red('✗') : paint.green('✓')
    const counts = `${suite.passed}/${suite.size} passed${suite.skipped ? `, ${suite.skipped} skipped` : ''}`
    if (options.live) write('\r\u001B[2K')
    write(`${mark} ${paint.bold(suite.name)} ${counts} ${paint.dim(`(${formatDurationMs(ms)})`)}\n`)
    for (const id of suite.failed) write(`    ${paint.red('✗')} ${id}\n`)
    suite = undefined
  }

  return {
    onEnd(report) {
      if (options.live) settleSuite()
      write(renderSummary(report, paint))
    },
    onPlan(tests, notRun) {
      total = tests.length
      for (const t of tests) suiteSizes.set(t.suite, (suiteSizes.get(t.suite) ?? 0) + 1)
      write(
        `Running ${total} test${total === 1 ? '' : 's'} in ${suiteSizes.size} suite${suiteSizes.size === 1 ? '' : 's'}\n`,
      )
      if (notRun.length > 0) {
        const kinds = notRun.map((k) => `${k.kind} (${k.count})`).join(', ')
        write(`${paint.dim(`Loaded but not run (kinds wippy does not run): ${kinds}`)}\n`)
      }
      write('\n')
    },
    onTestEnd(result, test) {
      done++
      if (!options.live) {
        write(`${lineOf(result, test, paint)}\n`)
        return
      }
      if (!suite) return
      suite.run++
      if (result.status === 'passed') suite.passed++
      else if (result.status === 'skipped') suite.skipped++
      else suite.failed.push(test.id)
      if (suite.run === suite.size) settleSuite()
    },
    onTestStart(test) {
      if (!options.live) return
      if (suite?.name !== test.suite) {
        settleSuite()
        suite = {
          failed: [],
          name: test.suite,
          passed: 0,
          run: 0,
          size: suiteSizes.get(test.suite) ?? 0,
          skipped: 0,
          startedAt: performance.now(),
        }
      }
      const spin = SPINNER[done % SPINNER.length]!
      write(
        `\r\u001B[2K${paint.yellow(spin)} ${paint.bold(test.suite)} ${suite.run + 1}/${suite.size} ${paint.dim(test.id)}  ${paint.dim(`[${done}/${total}]`)}`,
      )
    },
  }
}

function lineOf(result: TestResult, test: TestCase, paint: Paint): string {
  const name = `${test.suite} › ${test.id}`
  const took = paint.dim(`(${formatDurationMs(result.durationMs)})`)
  if (result.status === 'passed') return `${paint.green('✓')} ${name} ${took}`
  if (result.status === 'skipped')
    return `${paint.yellow('-')} ${name} ${paint.dim(`skipped: ${result.skipReason ?? ''}`)}`
  return `${paint.red('✗')} ${name} ${took}: ${result.failure?.message ?? ''}`
}

/** The failures in detail, then the totals; the last line is `N passed, N failed[, N skipped]`. */
export function renderSummary(report: TestRunReport, paint: Paint = painter(false)): string {
  const out: string[] = []
  const failed = report.tests.filter((t) => t.status === 'failed')
  if (failed.length > 0) {
    out.push('', paint.bold(paint.red('Failures')))
    for (const t of failed) {
      const f = t.failure!
      const where = f.file ? ` ${paint.dim(`(${f.file}${f.line ? `:${f.line}` : ''})`)}` : ''
      out.push(
        '',
        `${paint.red('✗')} ${paint.bold(t.id)}${t.description ? paint.dim(` — ${t.description}`) : ''}${where}`,
      )
      const label =
        f.reason === 'timeout'
          ? 'timeout'
          : f.reason === 'error'
            ? `raised${f.errorKind ? ` ${f.errorKind}` : ''}`
            : `returned${f.errorKind ? ` ${f.errorKind}` : ''}`
      out.push(`    ${label}: ${f.message}`)
      // Wippy's (value, err) rule: a second return value fails a test even after `true`.
      if (f.reason === 'returned' && !f.errorKind && !f.message.startsWith('returned ')) {
        out.push(
          `    ${paint.dim('(the test returned this text as its second value, the error: any second value fails a test, even after true; return only true to pass)')}`,
        )
      }
      if (f.traceback)
        for (const line of f.traceback.split('\n')) out.push(`    ${paint.dim(line.replace(/^\t/, '  '))}`)
    }
  }
  out.push(
    '',
    paint.dim(
      `${report.tests.length} test${report.tests.length === 1 ? '' : 's'} in ${formatDurationMs(report.durationMs)}`,
    ),
  )
  out.push(totalsLine(report))
  return `${out.join('\n')}\n`
}

/** `N passed, N failed`, plus `, N skipped` when some were. */
export function totalsLine(report: Pick<TestRunReport, 'failed' | 'passed' | 'skipped'>): string {
  return `${report.passed} passed, ${report.failed} failed${report.skipped > 0 ? `, ${report.skipped} skipped` : ''}`
}

function painter(color: boolean): Paint {
  const wrap = (open: number, close: number) => (s: string) => (color ? `\u001B[${open}m${s}\u001B[${close}m` : s)
  return {bold: wrap(1, 22), dim: wrap(2, 22), green: wrap(32, 39), red: wrap(31, 39), yellow: wrap(33, 39)}
}
