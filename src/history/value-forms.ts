/**
 * Typed forms: how a record (a history event, a control message) keeps, in JSON, the values
 * plain JSON would change. The Lua codec hands the host values JSON cannot hold exactly:
 *
 * - a Lua integer beyond ±2^53 is a BigInt           → `{"$int":"9007199254740993"}`
 * - a NaN, ±Infinity or -0 float                     → `{"$float":"NaN"}` (`"Infinity"`, `"-Infinity"`, `"-0"`)
 *
 * (plain `JSON.stringify` writes `null`, the nearest double, or `0`, so replay would hand
 * the code another value than the live run saw). A record that holds such a value is
 * written with its forms and the top-level flag `"typed":true`; inside a typed record a
 * value object whose only key starts with `$` is escaped as `{"$obj":{...}}`, so a user's
 * `{"$int":"5"}` stays an object. Records without the flag are plain JSON, read as they are:
 * histories written before forms existed keep their meaning, and the common case (no such
 * value) costs one allocation-free walk to write and nothing to read.
 *
 * Invariant (tested in test/history/value-forms.test.ts): `recordFromJson(JSON.parse(recordToJson(r)))`
 * deep-equals `r` with `Object.is` on every number, for every value the codec can produce.
 */

/** The top-level key that marks a record written with typed forms. */
export const TYPED_FLAG = 'typed'

/**
 * How deep the walks go. Far beyond the codec's own limit (MAX_VALUE_DEPTH in
 * `lua/vm/codec.ts`, which no value reaching Lua can exceed), and shallow enough that a
 * pathological value from outside cannot overflow the JS stack: deeper parts are written
 * as plain JSON, as before.
 */
const WALK_DEPTH = 1000

/** True when some value in `value` needs a typed form (or an escape, given one is needed elsewhere). */
export function needsForms(value: unknown, depth = 0): boolean {
  switch (typeof value) {
    case 'number':
      return !Number.isFinite(value) || Object.is(value, -0)
    case 'bigint':
      return true
    case 'object': {
      if (value === null || depth > WALK_DEPTH) return false
      if (Array.isArray(value)) {
        for (const v of value) if (needsForms(v, depth + 1)) return true
        return false
      }
      if (value instanceof Date) return false
      for (const v of Object.values(value)) if (needsForms(v, depth + 1)) return true
      return false
    }
    default:
      return false
  }
}

/** `value` with every special number in its typed form and every form-shaped object escaped. */
export function toForms(value: unknown, depth = 0): unknown {
  switch (typeof value) {
    case 'number':
      if (Number.isFinite(value)) return Object.is(value, -0) ? {$float: '-0'} : value
      return {$float: String(value)}
    case 'bigint':
      return {$int: value.toString()}
    case 'object': {
      if (value === null || depth > WALK_DEPTH || value instanceof Date) return value
      if (Array.isArray(value)) return value.map((v) => toForms(v, depth + 1))
      const out: Record<string, unknown> = {}
      let count = 0
      let first = ''
      for (const k of Object.keys(value)) {
        setKey(out, k, toForms((value as Record<string, unknown>)[k], depth + 1))
        if (count++ === 0) first = k
      }
      return count === 1 && first.startsWith('$') ? {$obj: out} : out
    }
    default:
      return value
  }
}

/** The inverse of {@link toForms}: typed forms back to their values, escapes unwrapped. */
export function fromForms(value: unknown, depth = 0): unknown {
  if (typeof value !== 'object' || value === null || depth > WALK_DEPTH) return value
  if (Array.isArray(value)) return value.map((v) => fromForms(v, depth + 1))
  const keys = Object.keys(value)
  const record = value as Record<string, unknown>
  if (keys.length === 1) {
    const form = keys[0]!
    const inner = record[form]
    if (form === '$int' && typeof inner === 'string' && /^-?\d+$/.test(inner)) return BigInt(inner)
    if (form === '$float' && typeof inner === 'string' && FLOATS.has(inner)) return FLOATS.get(inner)
    if (form === '$obj' && typeof inner === 'object' && inner !== null && !Array.isArray(inner))
      return objectFrom(inner as Record<string, unknown>, depth)
  }
  return objectFrom(record, depth)
}

const FLOATS = new Map<string, number>([
  ['-0', -0],
  ['-Infinity', Number.NEGATIVE_INFINITY],
  ['Infinity', Number.POSITIVE_INFINITY],
  ['NaN', Number.NaN],
])

function objectFrom(record: Record<string, unknown>, depth: number): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  for (const k of Object.keys(record)) setKey(out, k, fromForms(record[k], depth + 1))
  return out
}

/** Sets an own key; `__proto__` too (a plain assignment would set the prototype and drop it). */
export function setKey(target: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__')
    Object.defineProperty(target, key, {configurable: true, enumerable: true, value, writable: true})
  else target[key] = value
}

/**
 * A record as JSON text, lossless: its fields in order, then `"typed":true` when a value
 * needed a form. Throws what `JSON.stringify` throws (a cycle).
 */
export function recordToJson(record: Record<string, unknown>): string {
  let json: string
  try {
    json = JSON.stringify(record)
  } catch (error) {
    // A BigInt makes JSON.stringify throw; anything else (a cycle) is the caller's bug.
    if (!needsForms(record)) throw error
    return JSON.stringify(recordToForms(record))
  }
  // Plain JSON writes NaN and ±Infinity as `null` and -0 as `0`: without such a token in the
  // text there is no such value, and the walk (as costly as the stringify) is skipped.
  return MAYBE_SPECIAL.test(json) && needsForms(record) ? JSON.stringify(recordToForms(record)) : json
}

/** A `null` anywhere, or a value `0` (after `:` `,` `[`, before `,` `]` `}`); a hit inside a string only costs a walk. */
const MAYBE_SPECIAL = /null|[:,[]0[,\]}]/

/** The JSON-ready object {@link recordToJson} writes (for callers that embed it in more JSON). */
export function recordToForms(record: Record<string, unknown>): Record<string, unknown> {
  if (!needsForms(record)) return record
  const out: Record<string, unknown> = {}
  for (const k of Object.keys(record)) setKey(out, k, toForms(record[k], 1))
  out[TYPED_FLAG] = true
  return out
}

/** One value as JSON text for people (`wippy call`): special numbers in their typed forms instead of `null`. */
export function valueToJson(value: unknown, indent?: number): string {
  return JSON.stringify(needsForms(value) ? toForms(value) : value, undefined, indent) ?? 'null'
}

/** A parsed record back to its values: decoded when it carries the flag, as it is otherwise. */
export function recordFromJson<T = unknown>(parsed: T): T {
  if (typeof parsed !== 'object' || parsed === null || (parsed as Record<string, unknown>)[TYPED_FLAG] !== true)
    return parsed
  const out: Record<string, unknown> = {}
  for (const [k, v] of Object.entries(parsed as Record<string, unknown>))
    if (k !== TYPED_FLAG) setKey(out, k, fromForms(v, 1))
  return out as T
}
