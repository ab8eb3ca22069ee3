/**
 * Wippy Lua carries Luau-style type annotations that stock Lua 5.4 cannot parse. This pass
 * blanks them out with spaces (newlines kept), so every remaining token stays on the same
 * line and column and error positions in the original file stay exact.
 *
 * Handled: `local x: T`, typed parameters and returns (`function f(a: T, ...: U): R`),
 * generics (`function f<T>(...)`), `type T = ...` / `export type T = ...` (an alias
 * becomes a runtime type value, `local T = __wippy_type("T", [==[...]==], {params})`), `expr :: T` casts,
 * typed `for` variables. Types may be names (`a.B<T>`), literals, `nil`, `typeof(...)`,
 * table types `{...}`, function types `(A) -> B`, unions/intersections and optional `?`,
 * `readonly T`, array suffixes `T[]`, constraints `T @min_len(2)` and `expr as T` casts.
 * Strings, long strings and comments are never touched (it works on tokens).
 */

type TokKind = 'name' | 'number' | 'string' | 'op' | 'eof'

interface Tok {
  end: number
  kind: TokKind
  start: number
  text: string
}

const OPS3 = ['...']
const OPS2 = ['..', '::', '->', '==', '~=', '<=', '>=', '//', '<<', '>>']

/** Splits Lua text into tokens, skipping whitespace and comments. */
export function tokenize(src: string): Tok[] {
  const toks: Tok[] = []
  let i = 0
  const n = src.length
  const longBracket = (at: number): number => {
    // at points to '['; returns the level (count of '=') or -1
    let j = at + 1
    while (src[j] === '=') j++
    return src[j] === '[' ? j - at - 1 : -1
  }
  const skipLong = (at: number, level: number): number => {
    const close = ']' + '='.repeat(level) + ']'
    const k = src.indexOf(close, at + level + 2)
    return k < 0 ? n : k + close.length
  }
  while (i < n) {
    const c = src[i]!
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r' || c === '\f' || c === '\v') {
      i++
      continue
    }
    if (c === '-' && src[i + 1] === '-') {
      if (src[i + 2] === '[') {
        const level = longBracket(i + 2)
        if (level >= 0) {
          i = skipLong(i + 2, level)
          continue
        }
      }
      while (i < n && src[i] !== '\n') i++
      continue
    }
    const start = i
    if (/[A-Za-z_]/.test(c)) {
      while (i < n && /[A-Za-z0-9_]/.test(src[i]!)) i++
      toks.push({end: i, kind: 'name', start, text: src.slice(start, i)})
      continue
    }
    if (/[0-9]/.test(c) || (c === '.' && /[0-9]/.test(src[i + 1] ?? ''))) {
      while (i < n) {
        const d = src[i]!
        if ((d === '+' || d === '-') && /[eEpP]/.test(src[i - 1]!) && !/^0[xX]/.test(src.slice(start, start + 2))) i++
        else if ((d === '+' || d === '-') && /[pP]/.test(src[i - 1]!)) i++
        else if (/[0-9A-Za-z_.]/.test(d)) i++
        else break
      }
      toks.push({end: i, kind: 'number', start, text: src.slice(start, i)})
      continue
    }
    if (c === '"' || c === "'") {
      i++
      while (i < n && src[i] !== c && src[i] !== '\n') {
        if (src[i] === '\\') {
          // \z skips following whitespace including newlines; other escapes take one char
          i += src[i + 1] === '\r' && src[i + 2] === '\n' ? 3 : 2
        } else i++
      }
      i++
      toks.push({end: i, kind: 'string', start, text: src.slice(start, i)})
      continue
    }
    if (c === '[') {
      const level = longBracket(i)
      if (level >= 0) {
        i = skipLong(i, level)
        toks.push({end: i, kind: 'string', start, text: '[[...]]'})
        continue
      }
    }
    const three = src.slice(i, i + 3)
    const two = src.slice(i, i + 2)
    const op = OPS3.includes(three) ? three : OPS2.includes(two) ? two : c
    i += op.length
    toks.push({end: i, kind: 'op', start, text: op})
  }
  toks.push({end: n, kind: 'eof', start: n, text: ''})
  return toks
}

const KEYWORDS_NOT_ENDING = new Set([
  'and',
  'do',
  'else',
  'elseif',
  'for',
  'function',
  'goto',
  'if',
  'in',
  'local',
  'not',
  'or',
  'repeat',
  'return',
  'then',
  'until',
  'while',
])

/** True when a token can end an expression (so a following `as` is a cast). */
function endsExpression(t: Tok): boolean {
  if (t.kind === 'string' || t.kind === 'number') return true
  if (t.kind === 'name') return !KEYWORDS_NOT_ENDING.has(t.text)
  return t.kind === 'op' && (t.text === ')' || t.text === ']' || t.text === '}')
}

/** Returns `src` with every type annotation replaced by spaces; see the module comment. */
export function stripTypes(src: string): string {
  if (!/[:<]|\btype\b|\bas\b/.test(src)) return src
  const toks = tokenize(src)
  const spans: Array<[number, number]> = []
  const replacements: Array<[number, number, string]> = []
  const localTypes = new Map<string, string>()
  let p = 0
  const NONE: Tok = {end: 0, kind: 'eof', start: 0, text: ''}
  const at = (k: number): Tok => (k < 0 ? NONE : toks[Math.min(k, toks.length - 1)]!)
  const is = (k: number, text: string): boolean => at(k).kind !== 'string' && at(k).text === text
  const blank = (from: number, toExclusive: number): void => {
    if (toExclusive > from) spans.push([at(from).start, at(toExclusive - 1).end])
  }

  /** Skips a balanced group starting at an opening token; returns the index after it. */
  const skipGroup = (k: number): number => {
    const open = at(k).text
    const close = open === '(' ? ')' : open === '{' ? '}' : open === '[' ? ']' : '>'
    let depth = 0
    for (let j = k; j < toks.length; j++) {
      const t = at(j)
      if (t.kind === 'eof') return j
      if (t.kind === 'string') continue
      if (t.text === open) depth++
      else if (t.text === close) depth--
      else if (close === '>' && t.text === '>>') depth -= 2
      if (depth <= 0) return j + 1
    }
    return toks.length - 1
  }

  /** Parses one type expression from k; returns the index just after it. */
  const skipType = (k: number): number => {
    let j = k
    if (is(j, '|') || is(j, '&')) j++
    for (;;) {
      const t = at(j)
      if (t.kind === 'eof') return j
      if (is(j, '...')) j++
      if (at(j).text === 'readonly' && at(j).kind === 'name' && (is(j + 1, '{') || at(j + 1).kind === 'name')) j++
      if (is(j, '(') || is(j, '{')) j = skipGroup(j)
      else if (is(j, '<')) {
        j = skipGroup(j) // generic function type: <T>(...) -> R
        continue
      } else if (at(j).kind === 'string' || at(j).kind === 'number') j++
      else if (at(j).kind === 'name') {
        if (at(j).text === 'typeof' && is(j + 1, '(')) j = skipGroup(j + 1)
        else {
          j++
          while (is(j, '.') && at(j + 1).kind === 'name') j += 2
          if (is(j, '<')) j = skipGroup(j)
        }
      } else return j
      for (;;) {
        if (is(j, '?')) j++
        else if (is(j, '[') && is(j + 1, ']')) j += 2
        else if (is(j, '@') && at(j + 1).kind === 'name') j = is(j + 2, '(') ? skipGroup(j + 2) : j + 2
        else break
      }
      if (is(j, '->')) {
        j++
        continue
      }
      if (is(j, '|') || is(j, '&')) {
        j++
        continue
      }
      return j
    }
  }

  /** `: type` at k (if any) gets blanked; returns the index after it. */
  const annotation = (k: number): number => {
    if (!is(k, ':')) return k
    const end = skipType(k + 1)
    blank(k, end)
    return end
  }

  /** Parameter list starting at '(' (index k); returns the index after ')'. */
  const params = (k: number): number => {
    let j = k + 1
    while (!is(j, ')') && at(j).kind !== 'eof') {
      if (at(j).kind === 'name' || is(j, '...')) j = annotation(j + 1)
      else j++
      if (is(j, ',')) j++
    }
    return j + 1
  }

  // Token index just after the last blanked type alias: a statement starts there.
  let aliasEnd = -1
  const statementStartBefore = (k: number): boolean => {
    if (k === 0 || k === aliasEnd) return true
    const prev = at(k - 1)
    if (prev.kind === 'op') return [';', ')', ']', '}'].includes(prev.text) || prev.text === '::'
    if (prev.kind === 'name')
      return (
        !['local', 'function', 'and', 'or', 'not', 'return', 'in', 'until'].includes(prev.text) ||
        ['do', 'then', 'else', 'end', 'repeat', 'break'].includes(prev.text)
      )
    return true
  }

  while (p < toks.length && at(p).kind !== 'eof') {
    const t = at(p)
    if (t.kind === 'string' || t.kind === 'number') {
      p++
      continue
    }
    const text = t.text
    // type aliases: `type Name<...> = T` and `export type ...`
    if (
      t.kind === 'name' &&
      ((text === 'type' && at(p + 1).kind === 'name' && (is(p + 2, '=') || is(p + 2, '<'))) ||
        (text === 'export' && at(p + 1).text === 'type' && at(p + 2).kind === 'name')) &&
      statementStartBefore(p) &&
      !is(p - 1, '.')
    ) {
      const nameTok = at(text === 'export' ? p + 2 : p + 1)
      let j = text === 'export' ? p + 3 : p + 2
      const params: string[] = []
      if (is(j, '<')) {
        const end = skipGroup(j)
        for (let k = j + 1; k < end; k++)
          if (at(k).kind === 'name' && (is(k - 1, '<') || is(k - 1, ','))) params.push(at(k).text)
        j = end
      }
      if (is(j, '=')) {
        const typeStart = j + 1
        j = skipType(j + 1)
        const body = (j > typeStart ? src.slice(at(typeStart).start, at(j - 1).end) : '').replace(
          /\btypeof\(\s*([A-Za-z_]\w*)\s*\)/g,
          (whole, name: string) => (localTypes.has(name) ? `(${localTypes.get(name)})` : whole),
        )
        // An alias is a runtime value too (`Name:is(v)`); its text keeps its newlines.
        if (body !== '' && !body.includes(']==]')) {
          const ps = params.length > 0 ? `, {${params.map((x) => `"${x}"`).join(', ')}}` : ''
          replacements.push([
            t.start,
            at(j - 1).end,
            `local ${nameTok.text} = __wippy_type("${nameTok.text}", [==[${body}]==]${ps})`,
          ])
        } else blank(p, j)
      } else blank(p, j)
      p = j
      aliasEnd = j
      continue
    }
    if (t.kind === 'name' && text === 'local' && at(p + 1).kind === 'name' && at(p + 1).text !== 'function') {
      let j = p + 1
      for (;;) {
        j++ // past the name
        const local = at(j - 1).text
        if (is(j, '<') && (at(j + 1).text === 'const' || at(j + 1).text === 'close') && is(j + 2, '>')) j += 3
        const annotated = j
        j = annotation(j)
        // remembered for `type T = typeof(local)`
        if (j > annotated + 1) localTypes.set(local, src.slice(at(annotated + 1).start, at(j - 1).end))
        if (is(j, ',') && at(j + 1).kind === 'name') {
          j++
          continue
        }
        break
      }
      p = j
      continue
    }
    if (t.kind === 'name' && text === 'for') {
      let j = p + 1
      while (at(j).kind === 'name') {
        j = annotation(j + 1)
        if (is(j, ',')) j++
        else break
      }
      p = j
      continue
    }
    if (t.kind === 'name' && text === 'function') {
      let j = p + 1
      if (at(j).kind === 'name') {
        j++
        while ((is(j, '.') || is(j, ':')) && at(j + 1).kind === 'name') j += 2
      }
      if (is(j, '<')) {
        const end = skipGroup(j)
        blank(j, end)
        j = end
      }
      if (is(j, '(')) {
        j = params(j)
        j = annotation(j)
      }
      p = j
      continue
    }
    // `expr as T`: `as` is no Lua keyword, so after the end of an expression it can only be a cast.
    if (
      t.kind === 'name' &&
      text === 'as' &&
      p > 0 &&
      endsExpression(at(p - 1)) &&
      (at(p + 1).kind === 'name' || is(p + 1, '{') || is(p + 1, '('))
    ) {
      const end = skipType(p + 1)
      blank(p, end)
      p = end
      continue
    }
    if (t.kind === 'op' && text === '::') {
      if (at(p + 1).kind === 'name' && is(p + 2, '::')) {
        p += 3 // goto label
        continue
      }
      const end = skipType(p + 1)
      blank(p, end)
      p = end
      continue
    }
    p++
  }
  if (spans.length === 0 && replacements.length === 0) return src
  const chars = src.split('')
  for (const [a, b] of spans) {
    for (let k = a; k < b; k++) if (chars[k] !== '\n' && chars[k] !== '\r') chars[k] = ' '
  }
  // Replacements do not overlap blanked spans; apply them from the end so offsets hold.
  for (const [a, b, text] of replacements.sort((x, y) => y[0] - x[0])) chars.splice(a, b - a, text)
  return chars.join('')
}
