/**
 * A JSON payload given on the command line: as an argument, `-` for stdin, or `--file`. One
 * reader for `wippy signal` and `wippy update`, so both take a payload the same way.
 */
import {readFile} from 'node:fs/promises'

import {parseJsonArg} from '../control/json-arg.js'
import {WippyError} from '../errors.js'
import {fileReadError} from './file-errors.js'

/** The payload value, or undefined when none was given. */
export async function readPayload(arg: string | undefined, file: string | undefined): Promise<unknown> {
  if (file !== undefined && arg !== undefined) {
    throw new WippyError('WIPPY_USAGE', 'Pass the payload either as an argument or with --file, not both.', {
      hint: 'Drop one of them.',
      kind: 'usage',
    })
  }
  if (file !== undefined) {
    let text: string
    try {
      text = await readFile(file, 'utf8')
    } catch (error) {
      throw fileReadError(file, error, 'the payload file')
    }
    return parseJsonArg(text, `payload in ${file}`)
  }
  if (arg === '-') {
    const chunks: Buffer[] = []
    for await (const chunk of process.stdin) chunks.push(chunk as Buffer)
    return parseJsonArg(Buffer.concat(chunks).toString('utf8'), 'payload from stdin')
  }
  return arg === undefined ? undefined : parseJsonArg(arg, 'payload')
}
