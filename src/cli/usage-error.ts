/**
 * oclif's parse errors, rewritten as one WIPPY_USAGE error each: the message says what is
 * wrong with the command line (which argument or flag), the hint says where the usage is.
 * oclif builds its messages as "headline:\n  detail\nSee more help with --help", so splitting
 * at the first newline (as we used to) put the detail into the hint and left "Missing
 * required flag at" reading like a sentence fragment. The parse error classes are matched by
 * name: oclif does not export them all, and their fields differ.
 */
import {Errors} from '@oclif/core'

import {WippyError} from '../errors.js'

interface ParseErrorFields {
  readonly args?: ReadonlyArray<{description?: string; name?: string} | string>
  readonly flags?: readonly string[]
}

// eslint-disable-next-line no-control-regex
const ANSI = /\u001B\[[0-9;]*m/g

/** A usage error for `commandId` (oclif's `a:b` form) from an oclif CLIError. */
export function usageErrorFromOclif(
  error: Errors.CLIError & ParseErrorFields,
  commandId: string | undefined,
): WippyError {
  const command = commandId ? `wippy ${commandId.replaceAll(':', ' ')}` : 'wippy'
  const hint = `See the usage with \`${command} --help\`.`
  const text = error.message.replace(ANSI, '').replace(/\n?See more help with --help\s*$/, '')
  const usage = (message: string, details?: Record<string, unknown>): WippyError =>
    new WippyError('WIPPY_USAGE', message, {hint, kind: 'usage', ...(details ? {details} : {})})

  switch (error.constructor.name) {
    case 'RequiredArgsError': {
      const args = (error.args ?? []).map((a) => (typeof a === 'string' ? {name: a} : a))
      const names = args.map((a) => (a.name ?? '').toUpperCase()).filter(Boolean)
      const what = args
        .map((a) => `${(a.name ?? '').toUpperCase()}${a.description ? `: ${a.description.replace(/\.$/, '')}` : ''}`)
        .join('; ')
      return usage(`Missing the required argument${names.length === 1 ? '' : 's'} ${what}.`, {missingArgs: names})
    }
    case 'UnexpectedArgsError':
      return usage(
        `${command} takes no more arguments; got ${(error.args ?? []).map((a) => JSON.stringify(a)).join(', ')}.`,
      )
    case 'NonExistentFlagsError':
      return usage(`${command} has no flag ${(error.flags ?? []).join(', ')}.`)
    default:
      break
  }
  // "The following error occurred:\n  Missing required flag at" → one line per reason.
  const reasons = text
    .replace(/^The following errors? occurred:\s*/, '')
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean)
    .map((reason) => {
      const missing = /^Missing required flag (\S+)$/.exec(reason)
      if (missing) return `Missing the required flag --${missing[1]}`
      return reason
    })
  // "Parsing --at\n\tExpected an integer but received: abc" → "Can't parse --at: Expected …".
  const parsing = /^Parsing (--\S+)$/.exec(reasons[0] ?? '')
  if (parsing && reasons.length > 1)
    return usage(`Can't parse ${parsing[1]}: ${reasons.slice(1).join(' ')}.`.replace(/\.\.$/, '.'))
  const message = reasons.join('; ') || 'The command line is not valid.'
  return usage(/[.!?]$/.test(message) ? message : `${message}.`)
}
