/**
 * Our JS ⇄ Lua value codec (wasmoon's own conversion is unfit: see lua-vm-and-storage.md §A6).
 *
 * JS → Lua:
 * - `null`/`undefined` → nil; booleans as is;
 * - integral numbers within int64 → Lua integers, other numbers → floats; BigInt within int64 → integer;
 * - strings → byte strings (UTF-8, NUL bytes kept);
 * - arrays → tables with the shared array metatable (so `[]` and holes survive a round trip);
 * - plain objects → string-keyed tables with the shared object metatable (so `{}` survives).
 *
 * Lua → JS:
 * - integers a double holds exactly → numbers, others (beyond ±2^53) → BigInt; floats → numbers
 *   (NaN, ±Infinity and -0 included: the history keeps them in typed forms, history/value-forms.ts);
 * - strings → JS strings; bytes that are not UTF-8 become U+FFFD here, once, so the live run
 *   and its replay see the same text (Go's encoding/json does the same to payloads);
 * - tables marked as arrays → arrays (holes become null, trailing nils are lost), unless they
 *   were given string keys too (then an object that keeps them);
 * - unmarked tables whose keys are exactly 1..n → arrays; an unmarked empty table → `[]`
 *   (the same choice as Wippy's `json.encode`); anything else → an object with sorted keys
 *   (sorted so decoded commands are identical across VMs, whose hash order differs). Boolean
 *   and number keys are named by their text (an integer beyond 2^53 by its exact digits);
 *   two keys with one name (`{[1]="a", ["1"]="b"}`, `{[true]=1, ["true"]=2}`) are refused with
 *   an error rather than one being dropped; a `__proto__` key stays a key;
 * - sandbox objects named in WIRE_FORMS (Time, Duration, Location) → their payload form;
 * - functions, userdata and threads → null.
 *
 * Replay equals live because every value the workflow host hands a run went through `read`
 * and is stored losslessly; `push` of the stored value gives Lua what `push` of the live one
 * gave (test/engine/value-fidelity.test.ts checks this with random values).
 */
import {type LuaApi, LuaT, REGISTRY_INDEX} from './lua-api.js'
import {MAX_DEPTH} from './depth-limit.js'
import {WIRE_FORMS} from './wire-forms.js'

/**
 * How deep a value may nest, in the codec and wherever a payload is checked before it is
 * recorded (the one depth limit: a value the host accepts is one Lua can be handed).
 */
export const MAX_VALUE_DEPTH = MAX_DEPTH
/**
 * How many table entries one value may hold when read out of Lua. A table shared by
 * reference is read once per reference, so `t = {t, t}` thirty times over is 2^30 entries
 * from a few bytes of Lua: without a cap, one read would freeze the whole server.
 */
export const MAX_VALUE_ENTRIES = 1_000_000
const TWO_63 = 2 ** 63
const INT64_MAX = 9_223_372_036_854_775_807n
const INT64_MIN = -9_223_372_036_854_775_808n

/** Codec bound to one Lua state's array/object metatables (registry refs). */
export class LuaCodec {
  /** Table entries read so far by the current top-level {@link read}. */
  private entries = 0

  constructor(
    private readonly api: LuaApi,
    private readonly arrayMtRef: number,
    private readonly objectMtRef: number,
  ) {}

  /** Pushes one JS value onto L's stack. */
  push(L: number, value: unknown, depth = 0): void {
    const api = this.api
    // Stack room: checked at the top and by each table for its own slots (itself, a key, a
    // value, its metatable), so a scalar inside a table needs no check of its own.
    if (depth === 0 && !api.checkStack(L, 4)) throw new Error('Lua stack overflow while converting a value')
    if (value === null || value === undefined) return api.pushNil(L)
    switch (typeof value) {
      case 'boolean':
        return api.pushBoolean(L, value)
      case 'number':
        // Integral values are integers (the platform's JSON makes an integral float an
        // integer too, -0 included), over the whole int64 range: math.mininteger is -2^63.
        if (Number.isInteger(value) && value >= -TWO_63 && value < TWO_63) return api.pushInteger(L, BigInt(value))
        return api.pushNumber(L, value)
      case 'bigint':
        if (value >= INT64_MIN && value <= INT64_MAX) return api.pushInteger(L, value)
        return api.pushNumber(L, Number(value))
      case 'string':
        return api.pushString(L, value)
      case 'object':
        break
      default:
        return api.pushNil(L)
    }
    if (depth > MAX_DEPTH) throw new Error(`value nests deeper than ${MAX_DEPTH} levels (a cycle?)`)
    if (depth > 0 && !api.checkStack(L, 4)) throw new Error('Lua stack overflow while converting a value')
    if (Array.isArray(value)) {
      api.createTable(L, value.length, 0)
      for (let i = 0; i < value.length; i++) {
        const v = value[i]
        if (v === null || v === undefined) continue
        this.push(L, v, depth + 1)
        api.rawSetI(L, -2, i + 1)
      }
      api.rawGetI(L, REGISTRY_INDEX, this.arrayMtRef)
      api.setMetatable(L, -2)
      return
    }
    if (value instanceof Date) return api.pushString(L, value.toISOString())
    const entries = Object.entries(value as Record<string, unknown>)
    api.createTable(L, 0, entries.length)
    for (const [k, v] of entries) {
      if (v === undefined) continue
      api.pushString(L, k)
      this.push(L, v, depth + 1)
      api.rawSet(L, -3)
    }
    api.rawGetI(L, REGISTRY_INDEX, this.objectMtRef)
    api.setMetatable(L, -2)
  }

  /** Reads the value at idx (absolute or negative) without popping it. */
  read(L: number, idx: number, depth = 0): unknown {
    const api = this.api
    if (depth === 0) this.entries = 0
    switch (api.type(L, idx)) {
      case LuaT.Nil:
      case LuaT.None:
        return null
      case LuaT.Boolean:
        return api.toBoolean(L, idx)
      case LuaT.Number:
        if (api.isInteger(L, idx)) {
          const n = api.toNumber(L, idx)
          if (Number.isSafeInteger(n)) return n
          // Beyond 2^53: a number when the double is exact (so JS numbers round-trip), else BigInt.
          const big = api.toInteger(L, idx)
          return BigInt(n) === big ? n : big
        }
        return api.toNumber(L, idx)
      case LuaT.String:
        return api.toString(L, idx)
      case LuaT.Table:
        return this.readTable(L, idx < 0 ? api.getTop(L) + idx + 1 : idx, depth)
      default:
        return null
    }
  }

  private readTable(L: number, t: number, depth: number): unknown {
    const api = this.api
    if (depth > MAX_DEPTH) throw new Error(`Lua table nests deeper than ${MAX_DEPTH} levels (a cycle?)`)
    if (!api.checkStack(L, 6)) throw new Error('Lua stack overflow while converting a value')
    let marker: 'array' | 'none' | 'object' = 'none'
    let name: string | undefined
    if (api.getMetatable(L, t)) {
      // The array and object marks come first: they are the common case, and they have no
      // __name (core.lua makes them as empty tables), so their name need not be read.
      api.rawGetI(L, REGISTRY_INDEX, this.arrayMtRef)
      if (api.rawEqual(L, -1, -2)) marker = 'array'
      else {
        api.setTop(L, -2)
        api.rawGetI(L, REGISTRY_INDEX, this.objectMtRef)
        if (api.rawEqual(L, -1, -2)) marker = 'object'
        else {
          api.setTop(L, -2)
          // The prelude's metatables are plain tables, so reading __name runs no metamethod.
          if (api.getField(L, -1, '__name') === LuaT.String) name = api.toString(L, -1)
        }
      }
      api.setTop(L, -3)
    }
    // Keys are read apart by kind, then checked for names that would collide in a payload,
    // whose objects have string keys only: {[1]="a", ["1"]="b"} is refused, not halved.
    const intKeys = new Map<number, unknown>()
    const strKeys = new Map<string, unknown>()
    /** Keys named by their text (booleans, floats, integers beyond 2^53): name → [what, value]. */
    let named: Map<string, [string, unknown]> | undefined
    let maxInt = 0
    api.pushNil(L)
    while (api.next(L, t)) {
      if (++this.entries > MAX_VALUE_ENTRIES) {
        throw new Error(
          `a value holds more than ${MAX_VALUE_ENTRIES} table entries (a table referenced many times counts each time)`,
        )
      }
      const kt = api.type(L, -2)
      if (kt === LuaT.Number && api.isInteger(L, -2) && Number.isSafeInteger(api.toNumber(L, -2))) {
        const k = api.toNumber(L, -2)
        const v = this.read(L, -1, depth + 1)
        intKeys.set(k, v)
        if (k > maxInt) maxInt = k
      } else if (kt === LuaT.String) {
        strKeys.set(api.toString(L, -2), this.read(L, -1, depth + 1))
      } else if (kt === LuaT.Number || kt === LuaT.Boolean) {
        // lua_tolstring on a number key would change the key in place and break lua_next.
        // An integer beyond 2^53 is named by its exact digits, not its nearest double.
        const [k, what] = keyName(api, L)
        ;(named ??= new Map()).set(k, [what, this.read(L, -1, depth + 1)])
      }
      api.setTop(L, -2)
    }
    if (named) {
      for (const [k, [what, v]] of named) {
        if (strKeys.has(k)) throw keyCollision(what, k)
        strKeys.set(k, v)
      }
    }
    const intsAreSequence = [...intKeys.keys()].every((k) => k >= 1) && maxInt <= Math.max(16, intKeys.size * 2)
    // An array-marked table that was given string keys too becomes an object (keeping them all).
    const asArray = (marker === 'array' || marker === 'none') && strKeys.size === 0 && intsAreSequence
    if (asArray) {
      const out: unknown[] = new Array(maxInt).fill(null)
      for (const [k, v] of intKeys) out[k - 1] = v
      return out
    }
    for (const k of intKeys.keys())
      if (strKeys.has(String(k))) throw keyCollision(named?.get(String(k))?.[0] ?? `the key ${k}`, String(k))
    const out: Record<string, unknown> = {}
    const keys = [...intKeys.keys()]
      .map(String)
      .concat([...strKeys.keys()])
      .sort()
    for (const k of keys) {
      const v = strKeys.has(k) ? strKeys.get(k) : intKeys.get(Number(k))
      // `__proto__` as a plain assignment would set the prototype and drop the key.
      if (k === '__proto__')
        Object.defineProperty(out, k, {configurable: true, enumerable: true, value: v, writable: true})
      else out[k] = v
    }
    const wire = name === undefined ? undefined : WIRE_FORMS.get(name)
    return wire ? wire(out) : out
  }
}

/** The payload name of the boolean or number key at stack slot -2, and how it reads in an error. */
function keyName(api: LuaApi, L: number): [string, string] {
  if (api.type(L, -2) === LuaT.Boolean) {
    const b = String(api.toBoolean(L, -2))
    return [b, `the key ${b}`]
  }
  if (api.isInteger(L, -2)) {
    const digits = String(api.toInteger(L, -2))
    return [digits, `the integer key ${digits}`]
  }
  const n = String(api.toNumber(L, -2))
  return [n, `the float key ${n}`]
}

/** Thrown when two keys of one table would have the same name in a payload. */
function keyCollision(from: string, name: string): Error {
  return new Error(
    `a table has both ${from} and the key ${JSON.stringify(name)}: a payload's object keys are strings, so one of them would be lost (use keys of one kind)`,
  )
}
