import {loadRegistry} from './load.js'
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

/** `src/app/_index.yaml:12:5 error WIPPY_X message` plus an indented hint line. */
export function formatProblem(problem: Problem): string {
  const where = problem.file ? `${problem.file}${problem.line === undefined ? '' : `:${problem.line}:${problem.column ?? 1}`} ` : ''
  const head = `${where}${problem.severity} ${problem.code} ${problem.message}`
  return problem.hint ? `${head}\n    hint: ${problem.hint}` : head
}

/** `2 errors, 1 warning` / `No problems found.` */
export function summarizeLint(result: LintResult): string {
  if (result.problems.length === 0) return 'No problems found.'
  const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`
  return `${plural(result.errors, 'error')}, ${plural(result.warnings, 'warning')}.`
}
