/**
 * JSON given on the command line (`wippy signal wf-3f approve '{"approved": true}'`): parsed
 * with a clear error that says where it broke, since shells mangle quotes so easily.
 */
import {WippyError} from '../errors.js'

/**
 * Parses one JSON argument.
 * @throws WippyError `WIPPY_JSON_INVALID` with the position and the text around it.
 */
export function parseJsonArg(text: string, what: string): unknown {
  try {
    return JSON.parse(text)
  } catch (error) {
    const message = (error as Error).message
    const position = /position (\d+)/.exec(message)?.[1]
    const at = position === undefined ? undefined : Number(position)
    const around = at === undefined ? '' : ` near ${JSON.stringify(text.slice(Math.max(0, at - 10), at + 10))}`
    throw new WippyError('WIPPY_JSON_INVALID', `The ${what} is not valid JSON${at === undefined ? '' : ` at position ${at}`}${around}: ${message}.`, {
      details: {...(at === undefined ? {} : {position: at}), text: text.length > 200 ? text.slice(0, 200) + '…' : text},
      hint: `Quote the JSON for your shell, e.g. '{"approved": true}' (single quotes around it, double quotes inside); strings need quotes too: '"text"'.`,
      kind: 'usage',
    })
  }
}
