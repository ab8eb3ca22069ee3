import {WippyError} from '../errors.js'

/**
 * Renders an error for humans:
 *
 *   Error WIPPY_YAML_SYNTAX: src/app/_index.yaml:4:3: Can't parse the YAML: ...
 *     Hint: Fix the indentation ...
 */
export function renderError(error: WippyError, options: {verbose?: boolean} = {}): string {
  const where = error.location ? `${error.location}: ` : ''
  const lines = [`Error ${error.code}: ${where}${error.message}`]
  if (error.hint) lines.push(`  Hint: ${error.hint}`)
  if (error.kind === 'bug' || options.verbose) {
    if (error.stack) lines.push(error.stack)
  }
  return `${lines.join('\n')}\n`
}
