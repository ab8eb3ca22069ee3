import {WippyError} from '../errors.js'
import {shortenPids} from './ids.js'

/**
 * Renders an error for humans:
 *
 *   Error WIPPY_YAML_SYNTAX: src/app/_index.yaml:4:3: Can't parse the YAML: ...
 *     Hint: Fix the indentation ...
 */
export function renderError(error: WippyError, options: {verbose?: boolean} = {}): string {
  const where = error.location ? `${error.location}: ` : ''
  // People read workflow IDs; the full PIDs inside engine messages show with --verbose.
  const text = (s: string): string => (options.verbose ? s : shortenPids(s))
  const lines = [`Error ${error.code}: ${where}${text(error.message)}`]
  if (error.hint) lines.push(`  Hint: ${text(error.hint)}`)
  if (error.kind === 'bug' || options.verbose) {
    if (error.stack) lines.push(error.stack)
  }
  return `${lines.join('\n')}\n`
}
