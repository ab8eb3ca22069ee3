/**
 * RE2 (Go `regexp/syntax`) pattern → JS `RegExp` source (run with the `u` flag). Spells
 * out where the two dialects differ and refuses what RE2 refuses but JS would accept
 * (backreferences, lookaround), so a pattern compiles here exactly when it would on the
 * platform, as far as this translation reaches.
 *
 * `text.regexp` runs patterns on re2js (linear time, Go's syntax natively) and uses this
 * module as its dialect check: what it refuses, `compile` refuses with Go's message.
 */

/** A translated pattern, or why it is not valid RE2. */
export type Re2Translation = {error: string} | {flags: string; source: string}

/** Go refuses repeat counts above this. */
const MAX_REPEAT = 1000
/** Go's `\s`: ASCII whitespace only (JS `\s` also takes `\v` and Unicode spaces). */
const SPACE = String.raw`\t\n\f\r `
const POSIX: Record<string, string> = {
  alnum: '0-9A-Za-z',
  alpha: 'A-Za-z',
  ascii: String.raw`\x00-\x7f`,
  blank: String.raw`\t `,
  cntrl: String.raw`\x00-\x1f\x7f`,
  digit: '0-9',
  graph: String.raw`!-~`,
  lower: 'a-z',
  print: String.raw` -~`,
  punct: String.raw`!-\/:-@\[-\x60\{-~`,
  space: String.raw`\t\n\v\f\r `,
  upper: 'A-Z',
  word: '0-9A-Za-z_',
  xdigit: '0-9A-Fa-f',
}
/** Letters Go accepts after a backslash (digits are octal or backreferences). */
const ESCAPE_LETTERS = new Set('afnrtvxpPdDsSwWbBAzQ')
/** Punctuation JS `u` mode accepts escaped; Go accepts any escaped ASCII punctuation. */
const JS_SYNTAX = new Set('^$\\.*+?()[]{}|/-')

class Bad extends Error {}

/** Translates one RE2 pattern; never throws. */
export function translateRe2(pattern: string): Re2Translation {
  try {
    return translate(pattern)
  } catch (error) {
    if (error instanceof Bad) return {error: error.message}
    throw error
  }
}

function translate(pattern: string): {flags: string; source: string} {
  let flags = ''
  let i = 0
  // Leading inline flags become JS flags; elsewhere JS (Node 20) has no equivalent.
  for (let f = /^\(\?([a-zA-Z]+)\)/.exec(pattern); f; f = /^\(\?([a-zA-Z]+)\)/.exec(pattern.slice(i))) {
    for (const c of f[1]!) {
      if (!'ims'.includes(c)) throw new Bad(`invalid or unsupported Perl syntax: \`(?${f[1]}\``)
      if (!flags.includes(c)) flags += c
    }
    i += f[0].length
  }
  const dotAll = flags.includes('s')
  let out = ''
  let inClass = false
  while (i < pattern.length) {
    const ch = pattern[i]!
    if (ch === '\\') {
      const [text, next] = escape(pattern, i, inClass)
      out += text
      i = next
      continue
    }
    if (inClass) {
      if (ch === ']') {
        inClass = false
        out += ']'
        i++
      } else if (ch === '[' && pattern[i + 1] === ':') {
        const m = /^\[:(\^?)([a-z]+):\]/.exec(pattern.slice(i))
        if (m && POSIX[m[2]!] && !m[1]) {
          out += POSIX[m[2]!]
          i += m[0].length
        } else if (m) {
          throw new Bad(`invalid character class range: \`${m[0]}\``)
        } else {
          out += '\\['
          i++
        }
      } else {
        out += ch === '[' ? '\\[' : ch
        i++
      }
      continue
    }
    switch (ch) {
      case '[': {
        inClass = true
        out += '['
        i++
        if (pattern[i] === '^') {
          out += '^'
          i++
        }
        // Go reads a `]` right after the opening bracket as a literal.
        if (pattern[i] === ']') {
          out += '\\]'
          i++
        }
        break
      }
      case '(': {
        const [text, next] = group(pattern, i)
        out += text
        i = next
        break
      }
      case '.': {
        // Go's `.` takes everything but `\n` (JS's also skips `\r`, U+2028, U+2029).
        out += dotAll ? '.' : '[^\\n]'
        i++
        break
      }
      case '{': {
        const m = /^\{(\d+)(,(\d*))?\}/.exec(pattern.slice(i))
        if (m) {
          if (Number(m[1]) > MAX_REPEAT || (m[3] && Number(m[3]) > MAX_REPEAT))
            throw new Bad(`invalid repeat count: \`${m[0]}\``)
          out += m[0]
          i += m[0].length
        } else {
          out += '\\{' // a literal brace in Go
          i++
        }
        break
      }
      case '}': {
        out += '\\}'
        i++
        break
      }
      default: {
        out += ch
        i++
      }
    }
  }
  if (inClass) throw new Bad(`missing closing ]: \`${pattern.slice(pattern.lastIndexOf('['))}\``)
  return {flags, source: out}
}

function group(p: string, i: number): [string, number] {
  if (p[i + 1] !== '?') return ['(', i + 1]
  const rest = p.slice(i + 2)
  if (rest.startsWith(':')) return ['(?:', i + 3]
  const named = /^P?<([^>]*)>/.exec(rest)
  if (named && !rest.startsWith('<=') && !rest.startsWith('<!')) {
    if (!/^[\p{L}\p{Nd}_]+$/u.test(named[1]!)) throw new Bad(`invalid named capture: \`(?${named[0]}\``)
    return [`(?<${named[1]}>`, i + 2 + named[0].length]
  }
  const what = /^(=|!|<=|<!)/.test(rest)
    ? 'lookaround'
    : /^[a-zA-Z-]+[:)]/.test(rest)
      ? 'inline flags after the start'
      : ''
  throw new Bad(
    `invalid or unsupported Perl syntax: \`(?${rest.slice(0, 2)}\`${what ? ` (${what} is not supported)` : ''}`,
  )
}

function escape(p: string, i: number, inClass: boolean): [string, number] {
  const c = p[i + 1]
  if (c === undefined) throw new Bad('trailing backslash at end of expression')
  if (c >= '0' && c <= '9') {
    // Go: `\1`..`\9` alone are backreferences (refused); `\0`, `\12` are octal.
    const m = /^[0-7]{1,3}/.exec(p.slice(i + 1))
    if (!m || (c !== '0' && m[0].length === 1)) throw new Bad(`invalid escape sequence: \`\\${c}\``)
    return [`\\u{${Number.parseInt(m[0], 8).toString(16)}}`, i + 1 + m[0].length]
  }
  if (/[a-zA-Z]/.test(c)) {
    if (!ESCAPE_LETTERS.has(c)) throw new Bad(`invalid escape sequence: \`\\${c}\``)
    switch (c) {
      case 'A':
      case 'z': {
        if (inClass) throw new Bad(`invalid escape sequence: \`\\${c}\``)
        return [c === 'A' ? String.raw`(?<![\s\S])` : String.raw`(?![\s\S])`, i + 2]
      }
      case 'a': {
        return [String.raw`\x07`, i + 2]
      }
      case 's': {
        return [inClass ? SPACE : `[${SPACE}]`, i + 2]
      }
      case 'S': {
        return [inClass ? String.raw`\S` : `[^${SPACE}]`, i + 2]
      }
      case 'Q': {
        const end = p.indexOf('\\E', i + 2)
        const lit = p.slice(i + 2, end < 0 ? p.length : end)
        const text = [...lit].map((ch) => `\\u{${ch.codePointAt(0)!.toString(16)}}`).join('')
        return [text, end < 0 ? p.length : end + 2]
      }
      case 'x': {
        const m = /^\{([0-9a-fA-F]+)\}/.exec(p.slice(i + 2))
        if (m) return [`\\u{${m[1]}}`, i + 2 + m[0].length]
        if (!/^[0-9a-fA-F]{2}/.test(p.slice(i + 2)))
          throw new Bad(`invalid escape sequence: \`\\x${p.slice(i + 2, i + 4)}\``)
        return [p.slice(i, i + 4), i + 4]
      }
      case 'p':
      case 'P': {
        return unicodeClass(p, i, c)
      }
      default: {
        return [p.slice(i, i + 2), i + 2]
      }
    }
  }
  // Escaped punctuation is itself in Go; JS `u` mode only takes its syntax characters.
  if (JS_SYNTAX.has(c)) return [p.slice(i, i + 2), i + 2]
  const cp = c.codePointAt(0)!
  if (cp >= 0x80) throw new Bad(`invalid escape sequence: \`\\${c}\``)
  return [`\\x${cp.toString(16).padStart(2, '0')}`, i + 2]
}

function unicodeClass(p: string, i: number, c: string): [string, number] {
  let name: string
  let next: number
  if (p[i + 2] === '{') {
    const end = p.indexOf('}', i + 3)
    if (end < 0) throw new Bad(`invalid character class range: \`${p.slice(i)}\``)
    name = p.slice(i + 3, end)
    next = end + 1
  } else {
    name = p[i + 2] ?? ''
    next = i + 3
  }
  let neg = c === 'P'
  if (name.startsWith('^')) {
    neg = !neg
    name = name.slice(1)
  }
  if (name === '') throw new Bad(`invalid character class range: \`${p.slice(i, next)}\``)
  // Go names general categories (`L`, `Lu`) and scripts (`Greek`) alike; JS wants `Script=`.
  const prop = name === 'Any' ? String.raw`[\s\S]` : ''
  if (prop) return [neg ? '[^\\s\\S]' : prop, next]
  const body = name.length <= 2 ? name : `Script=${name}`
  return [`\\${neg ? 'P' : 'p'}{${body}}`, next]
}
