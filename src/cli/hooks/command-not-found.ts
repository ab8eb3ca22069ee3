/**
 * oclif's `command_not_found` hook: an unknown command fails like every other wippy error,
 * with a code (WIPPY_COMMAND_UNKNOWN), a did-you-mean, exit 2, and the `{error: …}` shape on
 * stdout under `--json`. (@oclif/plugin-not-found gives the did-you-mean but prints oclif's
 * own warning and an interactive prompt, with neither a code nor JSON, so it is not used.)
 *
 * oclif joins the words of an unknown command line with `:` (`wippy spwan app.x:y` arrives as
 * `spwan:app.x:y`), so the typed command is found by trying its first one, two or three words.
 */
import type {Hook} from '@oclif/core'

import {EXIT_CODES, WippyError} from '../../errors.js'
import {closestMatch} from '../../registry/did-you-mean.js'
import {renderError} from '../render-error.js'

const hook: Hook.CommandNotFound = async function (options) {
  const error = unknownCommandError(options.id, options.config.commandIDs)
  if (options.argv?.includes('--json') || process.argv.includes('--json'))
    process.stdout.write(`${JSON.stringify({error: error.toJSON()}, null, 2)}\n`)
  else process.stderr.write(renderError(error))
  const done = new Error(error.message) as Error & {oclif: {exit: number}; skipOclifErrorHandling: boolean}
  done.oclif = {exit: EXIT_CODES.usage}
  done.skipOclifErrorHandling = true
  throw done
}

export default hook

/** The error for an unknown command `id` (oclif's `a:b` form), suggesting the closest of `commandIds`. */
export function unknownCommandError(id: string, commandIds: readonly string[]): WippyError {
  const words = id.split(':')
  const spaced = (ids: string): string => ids.replaceAll(':', ' ')
  for (let n = Math.min(3, words.length); n >= 1; n--) {
    const typed = words.slice(0, n).join(':')
    // A known topic with a mistyped command (`history inspekt`) matches its commands only.
    const match = closestMatch(
      typed,
      commandIds.filter((c) => c.split(':').length === n),
    )
    if (match) {
      return new WippyError(
        'WIPPY_COMMAND_UNKNOWN',
        `"${spaced(typed)}" is not a wippy command. Did you mean "${spaced(match)}"?`,
        {
          details: {command: spaced(typed), suggestion: spaced(match)},
          hint: `Run \`wippy ${spaced(match)} --help\` for its usage, or \`wippy help\` for every command.`,
          kind: 'usage',
        },
      )
    }
  }
  const typed = words[0] ?? id
  return new WippyError('WIPPY_COMMAND_UNKNOWN', `"${typed}" is not a wippy command.`, {
    details: {command: typed},
    hint: 'Run `wippy help` for every command.',
    kind: 'usage',
  })
}
