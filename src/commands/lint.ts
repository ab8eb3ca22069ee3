import {readFileSync} from 'node:fs'

import {Flags} from '@oclif/core'

import {userCacheDir} from '../project/cache-dir.js'
import {BaseCommand} from '../cli/base-command.js'
import {CommandFailed} from '../errors.js'
// Specific modules, not registry/index.js: the index also loads zod, which lint only needs
// when some entry is not already known valid.
import {formatProblem, lintProject, projectLineReader, strictLint, summarizeLint} from '../registry/lint.js'
import type {LintResult} from '../registry/lint.js'

export default class Lint extends BaseCommand {
  static override description =
    'Checks YAML syntax, entry schemas, references, Lua syntax and workflow-safe modules, and warns (WIPPY_PARITY_*) where the local engine would behave differently from the Wippy platform on Temporal. Reports every problem with file:line:column, a code and a hint.'

  static override summary = 'Check the project registry.'

  static override examples = [
    '<%= config.bin %> lint',
    '<%= config.bin %> lint --json',
    '<%= config.bin %> lint --path ./my-app',
    '<%= config.bin %> lint --strict',
  ]

  static override flags = {
    strict: Flags.boolean({
      default: false,
      description:
        'Treat the Temporal-parity warnings (WIPPY_PARITY_*) as errors and exit 1 on any, for CI: where a run here would differ from one on the platform.',
    }),
  }

  async run(): Promise<LintResult> {
    const {flags} = await this.parse(Lint)
    const root = this.projectRoot(flags.path)
    const loaded = await lintProject(root, {
      env: process.env,
      cacheDir: userCacheDir(process.env),
      // The Lua VM loads only when some source has not passed the check before.
      loadLuaChecker: async () => (await import('../lua/check-syntax.js')).checkLuaSyntax,
    })
    const result = flags.strict ? strictLint(loaded) : loaded
    if (!this.jsonEnabled()) {
      const sourceLine = projectLineReader(root, (path) => readFileSync(path, 'utf8'))
      for (const problem of result.problems) this.log(formatProblem(problem, sourceLine))
      this.log(summarizeLint(result))
    }
    if (result.errors > 0) {
      const promoted = result.errors - loaded.errors
      const strictNote = promoted > 0 ? ` (${promoted} of them Temporal-parity warnings, errors under --strict)` : ''
      // --json: the problems are `error.details.result.problems`.
      throw new CommandFailed(
        'WIPPY_LINT_FAILED',
        `Lint found ${result.errors} error${result.errors === 1 ? '' : 's'}${strictNote}.`,
        {
          details: {result},
          hint: this.jsonEnabled()
            ? 'Fix the errors in `details.result.problems`, then run `wippy lint` again.'
            : 'Fix the errors listed above, then run `wippy lint` again.',
        },
      )
    }
    return result
  }
}
