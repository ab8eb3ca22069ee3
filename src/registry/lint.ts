import {loadRegistry} from './load.js'
import {isParityProblem} from './parity.js'
import type {LoadOptions, Problem} from './types.js'

/** What `wippy lint --json` prints. */
export interface LintResult {
  problems: Problem[]
  errors: number
  warnings: number
}

/** Loads the registry at `root` and returns every problem found, sorted by file and position. */
export async function lintProject(root: string, options: LoadOptions = {}): Promise<LintResult> {
  const registry = await loadRegistry(root, options)
  const errors = registry.problems.filter((p) => p.severity === 'error').length
  return {problems: registry.problems, errors, warnings: registry.problems.length - errors}
}

/**
 * `wippy lint --strict`: the Temporal-parity warnings (`WIPPY_PARITY_*`) become errors, so CI
 * fails where a run here would differ from one on the platform. Other warnings stay warnings.
 */
export function strictLint(result: LintResult): LintResult {
  const problems = result.problems.map((p) => (isParityProblem(p) ? {...p, severity: 'error' as const} : p))
  const errors = problems.filter((p) => p.severity === 'error').length
  return {problems, errors, warnings: problems.length - errors}
}

/** `src/app/_index.yaml:12:5 error WIPPY_X message` plus an indented hint line. */
export function formatProblem(
  problem: Problem,
  sourceLine?: (file: string, line: number) => string | undefined,
): string {
  const where = problem.file
    ? `${problem.file}${problem.line === undefined ? '' : `:${problem.line}:${problem.column ?? 1}`} `
    : ''
  const lines = [`${where}${problem.severity} ${problem.code} ${problem.message}`]
  const text = problem.file && problem.line !== undefined ? sourceLine?.(problem.file, problem.line) : undefined
  if (text !== undefined) {
    // The offending line with a caret under the column, as compilers print it.
    const gutter = String(problem.line)
    lines.push(`    ${gutter} | ${text.replaceAll('\t', ' ')}`)
    if (problem.column !== undefined)
      lines.push(`    ${' '.repeat(gutter.length)} | ${' '.repeat(Math.max(0, problem.column - 1))}^`)
  }
  if (problem.hint) lines.push(`    hint: ${problem.hint}`)
  return lines.join('\n')
}

/** Reads line `line` (1-based) of a project file, for {@link formatProblem}; cached per file. */
export function projectLineReader(
  root: string,
  readText: (path: string) => string,
): (file: string, line: number) => string | undefined {
  const cache = new Map<string, string[] | undefined>()
  return (file, line) => {
    if (!cache.has(file)) {
      try {
        const text = readText(`${root}/${file}`)
        // Binary or huge files are not worth echoing.
        cache.set(file, text.length > 2_000_000 || text.includes('\0') ? undefined : text.split(/\r?\n/))
      } catch {
        cache.set(file, undefined)
      }
    }
    const row = cache.get(file)?.[line - 1]
    return row === undefined || row.length > 300 ? undefined : row
  }
}

/** `2 errors, 1 warning` / `No problems found.` */
export function summarizeLint(result: LintResult): string {
  if (result.problems.length === 0) return 'No problems found.'
  const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`
  return `${plural(result.errors, 'error')}, ${plural(result.warnings, 'warning')}.`
}
