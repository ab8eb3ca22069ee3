import {Command, Errors, Flags, Interfaces} from '@oclif/core'

import {CommandFailed, EXIT_CODES, WippyError, toWippyError} from '../errors.js'
import {recordToForms} from '../history/value-forms.js'
import {findProjectRoot} from '../project/find-root.js'
import {shownRun} from './ids.js'
import {renderError} from './render-error.js'
import {usageErrorFromOclif} from './usage-error.js'

export type BaseFlags<T extends typeof Command> = Interfaces.InferredFlags<
  (typeof BaseCommand)['baseFlags'] & T['flags']
>

/**
 * The base of every wippy command. It owns the shared flags (`--json`, `--path`,
 * `--verbose`), the project-root lookup and the single error handler: user errors exit 1
 * without a stack, usage errors exit 2, bugs exit 70 with the stack. In `--json` mode an
 * error is printed on stdout as `{"error": {code, message, hint, details, file, line}}`. A command
 * whose work failed (a Lua error, a failed run, lint errors) throws a {@link CommandFailed}
 * carrying what it produced, so that too prints this one shape; no command sets an exit code.
 *
 * Data goes to stdout (`this.log`, or the returned result with `--json`); progress and
 * warnings go to stderr (`this.info`, `this.warnLine`).
 */
export abstract class BaseCommand extends Command {
  static override baseFlags = {
    path: Flags.string({
      char: 'p',
      description:
        'Project root (default: the nearest folder holding wippy.lock, .wippy.yaml or a src/ with an _index.yaml).',
      env: 'WIPPY_PATH',
      helpGroup: 'GLOBAL',
    }),
    verbose: Flags.boolean({
      description: 'Show stack traces and extra diagnostics.',
      env: 'WIPPY_VERBOSE',
      helpGroup: 'GLOBAL',
    }),
  }

  static override enableJsonFlag = true

  /** Resolves the project root from --path / WIPPY_PATH or the current directory. */
  protected projectRoot(pathFlag: string | undefined): string {
    return findProjectRoot(process.cwd(), pathFlag)
  }

  /** --verbose / WIPPY_VERBOSE: show full PIDs, stacks and extra diagnostics. */
  protected verboseEnabled(): boolean {
    return this.argv.includes('--verbose') || process.env.WIPPY_VERBOSE === '1' || process.env.WIPPY_VERBOSE === 'true'
  }

  /** A run as people read it: the workflow ID, plus the full PID with --verbose. */
  protected shown(pid: string): string {
    return shownRun(pid, this.verboseEnabled())
  }

  /** Progress and status for humans: stderr, silent in --json mode. */
  protected info(message: string): void {
    if (!this.jsonEnabled()) process.stderr.write(`${message}\n`)
  }

  /** A warning line on stderr (also in --json mode, where stdout stays machine-readable). */
  protected warnLine(message: string): void {
    process.stderr.write(`warning: ${message}\n`)
  }

  /** `--json` output keeps int64, NaN and ±Infinity values in typed forms (`history/value-forms.ts`), as history lines do. */
  override toSuccessJson(result: unknown): unknown {
    return typeof result === 'object' && result !== null && !Array.isArray(result)
      ? recordToForms(result as Record<string, unknown>)
      : result
  }

  override async catch(error: Error & {exitCode?: number; oclif?: {exit?: number}}): Promise<never> {
    if (error instanceof Errors.ExitError) throw error
    const wippy = fromOclif(error, this.id)
    const verbose = this.verboseEnabled()
    if (this.jsonEnabled()) {
      // Details may hold run values (a failed command's result): typed forms, as on success.
      this.logJson(recordToForms({error: wippy.toJSON()}))
      if (wippy.kind === 'bug' || verbose) process.stderr.write(`${wippy.stack ?? ''}\n`)
    } else if (!(wippy instanceof CommandFailed && wippy.reported)) {
      process.stderr.write(renderError(wippy, {verbose}))
    }
    const exit = EXIT_CODES[wippy.kind]
    const done = new Error(wippy.message) as Error & {oclif: {exit: number}; skipOclifErrorHandling: boolean}
    done.oclif = {exit}
    done.skipOclifErrorHandling = true
    throw done
  }
}

/** oclif's parse errors become usage errors; anything else non-Wippy is a bug. */
function fromOclif(error: Error & {oclif?: {exit?: number}}, commandId: string | undefined): WippyError {
  if (error instanceof WippyError) return error
  if (error instanceof Errors.CLIError) return usageErrorFromOclif(error, commandId)
  return toWippyError(error)
}
