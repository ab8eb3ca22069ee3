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
    // Node 20 gives a position for some errors only; find it ourselves otherwise.
    const given = /position (\d+)/.exec(message)?.[1]
    const at = given === undefined ? jsonErrorOffset(text) : Number(given)
    const around = JSON.stringify(text.slice(Math.max(0, at - 10), at + 10))
    throw new WippyError('WIPPY_JSON_INVALID', `The ${what} is not valid JSON at position ${at} (near ${around}): ${message}.`, {
      details: {position: at, text: text.length > 200 ? text.slice(0, 200) + '…' : text},
      hint: `Quote the JSON for your shell, e.g. '{"approved": true}' (single quotes around it, double quotes inside); strings need quotes too: '"text"'.`,
      kind: 'usage',
    })
  }
}

/**
 * The offset of the first character that makes `text` invalid JSON: a small recursive-descent
 * scan (values, objects, arrays, strings, numbers, literals). Only called on text JSON.parse refused.
 */
export function jsonErrorOffset(text: string): number {
  let i = 0
  const fail = (): never => {
    throw i
  }
  const ws = () => {
    while (i < text.length && ' \t\n\r'.includes(text[i]!)) i++
  }
  const literal = (word: string) => {
    for (const ch of word) {
      if (text[i] !== ch) fail()
      i++
    }
  }
  const string = () => {
    i++
    while (i < text.length && text[i] !== '"') {
      if (text.charCodeAt(i) < 0x20) fail()
      i += text[i] === '\\' ? 2 : 1
    }
    if (i >= text.length) fail()
    i++
  }
  const number = () => {
    const m = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(text.slice(i))
    if (!m || m[0] === '' || m[0] === '-') fail()
    i += m![0].length
  }
  const value = (): void => {
    ws()
    const ch = text[i]
    if (ch === '{') {
      i++
      ws()
      if (text[i] === '}') return void i++
      for (;;) {
        ws()
        if (text[i] !== '"') fail()
        string()
        ws()
        if (text[i] !== ':') fail()
        i++
        value()
        ws()
        if (text[i] === ',') i++
        else if (text[i] === '}') return void i++
        else fail()
      }
    } else if (ch === '[') {
      i++
      ws()
      if (text[i] === ']') return void i++
      for (;;) {
        value()
        ws()
        if (text[i] === ',') i++
        else if (text[i] === ']') return void i++
        else fail()
      }
    } else if (ch === '"') string()
    else if (ch === 't') literal('true')
    else if (ch === 'f') literal('false')
    else if (ch === 'n') literal('null')
    else number()
  }
  try {
    value()
    ws()
    return i < text.length ? i : text.length
  } catch (offset) {
    return Math.min(offset as number, text.length)
  }
}
