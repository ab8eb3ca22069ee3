/**
 * The one error type of wippy. Every failure a user can fix carries a stable `code`
 * (`WIPPY_*`), a present-tense message, and a hint saying what to do next. Where the
 * cause sits in a file (a YAML entry, a Lua line) it carries `file`/`line`/`column`.
 *
 * - `user`: the user's input or project is wrong. Exit 1, no stack (unless --verbose).
 * - `usage`: the command line is wrong. Exit 2.
 * - `bug`: wippy itself is wrong. Exit 70, always with the stack.
 *
 * @module
 */

/** A stable error code (`WIPPY_PID_UNKNOWN`): scripts and `--json` readers match on it. */
export type WippyErrorCode = `WIPPY_${string}`

/** Who is wrong, which sets the exit code (see the module comment). */
export type WippyErrorKind = 'bug' | 'usage' | 'user'

export interface WippyErrorOptions {
  readonly cause?: unknown
  readonly column?: number
  /** Structured details that `--json` output carries (e.g. expected vs got). */
  readonly details?: Record<string, unknown>
  readonly file?: string
  readonly hint?: string
  readonly kind?: WippyErrorKind
  readonly line?: number
}

/** Thrown when anything the user can act on goes wrong; see the module comment. */
export class WippyError extends Error {
  readonly code: WippyErrorCode
  readonly column?: number
  readonly details?: Record<string, unknown>
  readonly file?: string
  readonly hint?: string
  readonly kind: WippyErrorKind
  readonly line?: number

  constructor(code: WippyErrorCode, message: string, options: WippyErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : {cause: options.cause})
    this.name = 'WippyError'
    this.code = code
    this.kind = options.kind ?? 'user'
    if (options.hint !== undefined) this.hint = options.hint
    if (options.file !== undefined) this.file = options.file
    if (options.line !== undefined) this.line = options.line
    if (options.column !== undefined) this.column = options.column
    if (options.details !== undefined) this.details = options.details
  }

  /** `file:line:column`, or undefined when the error has no location. */
  get location(): string | undefined {
    if (!this.file) return undefined
    let loc = this.file
    if (this.line !== undefined) loc += `:${this.line}`
    if (this.line !== undefined && this.column !== undefined) loc += `:${this.column}`
    return loc
  }

  toJSON(): WippyErrorJson {
    return {
      code: this.code,
      message: this.message,
      ...(this.hint === undefined ? {} : {hint: this.hint}),
      ...(this.file === undefined ? {} : {file: this.file}),
      ...(this.line === undefined ? {} : {line: this.line}),
      ...(this.column === undefined ? {} : {column: this.column}),
      ...(this.details === undefined ? {} : {details: this.details}),
    }
  }
}

/**
 * A command that ran but failed: a call's Lua error, a run that did not complete, lint errors,
 * a replay that diverges, failing tests. `details` carry what it produced (the Lua error's
 * `kind`/`message`/`retryable`, and `result`: the output the command would have printed), so
 * `--json` prints the one error shape, `{error: {code, message, hint?, details}}`, and exits 1,
 * like any other user error (`BaseCommand.catch` is the one place that does both).
 */
export class CommandFailed extends WippyError {
  /** The human output already said it (a test summary): no error banner, exit 1 all the same. */
  readonly reported: boolean
  declare readonly details: Record<string, unknown>

  constructor(
    code: WippyErrorCode,
    message: string,
    options: Omit<WippyErrorOptions, 'kind'> & {details: Record<string, unknown>; reported?: boolean},
  ) {
    super(code, message, {...options, kind: 'user'})
    this.name = 'CommandFailed'
    this.reported = options.reported ?? false
  }
}

export interface WippyErrorJson {
  code: WippyErrorCode
  column?: number
  details?: Record<string, unknown>
  file?: string
  hint?: string
  line?: number
  message: string
}

export function isWippyError(value: unknown): value is WippyError {
  return value instanceof WippyError
}

/** Wraps anything thrown that is not a WippyError as an internal bug. */
export function toWippyError(error: unknown): WippyError {
  if (error instanceof WippyError) return error
  const message = error instanceof Error ? error.message : String(error)
  const wrapped = new WippyError('WIPPY_INTERNAL', `Internal error: ${message}`, {
    cause: error,
    hint: 'This is a bug in wippy. Please report it with the command you ran and the stack below.',
    kind: 'bug',
  })
  if (error instanceof Error && error.stack) wrapped.stack = error.stack
  return wrapped
}

export const EXIT_CODES: Record<WippyErrorKind, number> = {bug: 70, usage: 2, user: 1}
