/**
 * JSON given on the command line (`wippy signal wf-3f approve '{"approved": true}'`): parsed
 * with a clear error that says where it broke, since shells mangle quotes so easily.
 *
 * Numbers are read as the platform reads them (Go's decoder with UseNumber): an integer
 * within int64 is exact (beyond 2^53 a BigInt, which the codec hands Lua as an integer and
 * the history keeps in a typed form), other numbers are doubles. A number too large for a
 * double (`1e999`) is refused: JSON.parse would make it Infinity and a payload `null`.
 */
import {WippyError} from '../errors.js'
import {setKey} from '../history/value-forms.js'

const INT64_MIN = -(2n ** 63n)
const INT64_MAX = 2n ** 63n - 1n
const LITERALS: ReadonlyArray<readonly [string, unknown]> = [
  ['true', true],
  ['false', false],
  ['null', null],
]

/**
 * Parses one JSON argument.
 * @throws WippyError `WIPPY_JSON_INVALID` with the position and the text around it;
 *   `WIPPY_JSON_NUMBER_RANGE` for a number beyond a double's range.
 */
export function parseJsonArg(text: string, what: string): unknown {
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch (error) {
    const message = (error as Error).message
    // Node 20 gives a position for some errors only; find it ourselves otherwise.
    const given = /position (\d+)/.exec(message)?.[1]
    const at = given === undefined ? jsonErrorOffset(text) : Number(given)
    const around = JSON.stringify(text.slice(Math.max(0, at - 10), at + 10))
    throw new WippyError(
      'WIPPY_JSON_INVALID',
      `The ${what} is not valid JSON at position ${at} (near ${around}): ${message}.`,
      {
        details: {position: at, text: text.length > 200 ? text.slice(0, 200) + '…' : text},
        hint: `Quote the JSON for your shell, e.g. '{"approved": true}' (single quotes around it, double quotes inside); strings need quotes too: '"text"'.`,
        kind: 'usage',
      },
    )
  }
  // Only text with a long number needs the exact reading (valid JSON: a digit run outside a
  // string can only be a number, and a false hit inside one costs a re-read, nothing more).
  return /\d{16}|[eE]/.test(text) ? exactJson(text, what) : value
}

/** Re-reads valid JSON with exact int64 integers, refusing numbers a double cannot hold. */
function exactJson(text: string, what: string): unknown {
  let i = 0
  const ws = () => {
    while (' \t\n\r'.includes(text[i] ?? '.')) i++
  }
  const string = (): string => {
    const start = i++
    while (text[i] !== '"') i += text[i] === '\\' ? 2 : 1
    i++
    return JSON.parse(text.slice(start, i)) as string
  }
  const number = (): bigint | number => {
    const token = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(text.slice(i, i + 4096))![0]
    const at = i
    i += token.length
    const n = Number(token)
    if (!Number.isFinite(n)) {
      throw new WippyError(
        'WIPPY_JSON_NUMBER_RANGE',
        `The ${what} holds the number ${token} at position ${at}, beyond what a float can hold.`,
        {
          details: {position: at, token},
          hint: 'Numbers must stay within ±1.8e308; pass a larger value as a string ("1e999").',
          kind: 'usage',
        },
      )
    }
    if (/^-?\d+$/.test(token) && !Number.isSafeInteger(n)) {
      const big = BigInt(token)
      if (big >= INT64_MIN && big <= INT64_MAX) return big
    }
    return n
  }
  const value = (): unknown => {
    ws()
    const ch = text[i]
    if (ch === '{') {
      i++
      const out: Record<string, unknown> = {}
      ws()
      if (text[i] === '}') {
        i++
        return out
      }
      for (;;) {
        ws()
        const key = string()
        ws()
        i++ // ':'
        setKey(out, key, value())
        ws()
        if (text[i++] === '}') return out
      }
    }
    if (ch === '[') {
      i++
      const out: unknown[] = []
      ws()
      if (text[i] === ']') {
        i++
        return out
      }
      for (;;) {
        out.push(value())
        ws()
        if (text[i++] === ']') return out
      }
    }
    if (ch === '"') return string()
    const word = LITERALS.find(([w]) => text.startsWith(w, i))
    if (word) {
      i += word[0].length
      return word[1]
    }
    return number()
  }
  return value()
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
