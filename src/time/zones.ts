/**
 * IANA time zones from the JS standard `Intl` API (Node ships full ICU): the offset
 * history of a zone as a compact transition table the Lua `time` module searches itself.
 * Lua gets the whole table once per `time.load_location` (one host call), so formatting
 * and calendar accessors stay synchronous in Lua (they run inside `__tostring` too,
 * where a yield is impossible). A zone's table is a pure function of its name and the
 * ICU data, so workflows do not record the lookup: replay gets the same answer. The
 * `time.zone` command that hands a table to Lua is answered in hosts/ops/zone.ts.
 */

/** A zone's offset history: period `i` starts at `at[i]` (the first is open-ended). */
export interface ZoneTable {
  /** Abbreviation per period (`EST`, `CEST`, or tzdata's numeric `+03`, `LMT`). */
  abbr: string[]
  /** Unix seconds each period starts. */
  at: number[]
  /** The zone's ID as given. */
  name: string
  /** UTC offset in seconds per period. */
  off: number[]
  /** Unix seconds where the table ends; later instants repeat the last 28-year cycle. */
  until: number
}

const FIRST = Date.UTC(1850, 0, 1) / 1000
const LAST = Date.UTC(2038, 0, 1) / 1000
// Sampling steps: zone changes (incl. Morocco's month-long Ramadan switches) are further
// apart than two weeks; older history changes less often.
const STEP = 14 * 86_400
const OLD_STEP = 28 * 86_400
const MODERN = Date.UTC(1970, 0, 1) / 1000
// Locales whose ICU short names spell a zone's letters (EST, BST, CET, IST, AEST, JST...).
const NAME_LOCALES = ['en-US', 'en-GB', 'en-CA', 'en-AU', 'en-IN', 'ja-JP']
const LETTERS = /^[A-Z]{2,5}$/
const WALL = /(\d+)\/(\d+)\/(\d+),? (\d+):(\d+):(\d+)/
// Tables are pure functions of (name, ICU data): memoised per process, bounded.
const MEMO = new Map<string, ZoneTable | null>()
const MEMO_LIMIT = 512

/** Whether `name` is an IANA zone ID this runtime knows (case-sensitive, like Go on Linux). */
export function isValidZone(name: string): boolean {
  return zoneTable(name) !== undefined
}

/** The offset (seconds east of UTC) and abbreviation of zone `name` at `unixMs`, or undefined for an unknown zone. */
export function zoneOffsetAt(name: string, unixMs: number): undefined | {abbreviation: string; offsetSeconds: number} {
  const table = zoneTable(name)
  if (!table) return undefined
  let s = Math.floor(unixMs / 1000)
  const cycle = 10_227 * 86_400 // 28 Gregorian years: same weekdays (exact 1901-2099)
  while (s >= table.until) s -= cycle
  let lo = 0
  let hi = table.at.length - 1
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1
    if (table.at[mid]! <= s) lo = mid
    else hi = mid - 1
  }
  return {abbreviation: table.abbr[lo]!, offsetSeconds: table.off[lo]!}
}

/** The full transition table of zone `name` (memoised), or undefined when the zone is unknown. */
export function zoneTable(name: string): undefined | ZoneTable {
  const hit = MEMO.get(name)
  if (hit !== undefined) return hit ?? undefined
  const table = buildTable(name)
  if (MEMO.size >= MEMO_LIMIT) MEMO.delete(MEMO.keys().next().value as string)
  MEMO.set(name, table ?? null)
  return table
}

function buildTable(name: string): undefined | ZoneTable {
  // Go loads tzdata files by ID: offsets like "+05:00" and case variants are not zones.
  if (!/^[A-Za-z][A-Za-z0-9_+\-/]*$/.test(name) || name.includes('..')) return undefined
  let wall: Intl.DateTimeFormat
  try {
    wall = new Intl.DateTimeFormat('en-US', {
      day: 'numeric',
      hour: 'numeric',
      hourCycle: 'h23',
      minute: 'numeric',
      month: 'numeric',
      second: 'numeric',
      timeZone: name,
      year: 'numeric',
    })
  } catch {
    return undefined
  }
  if (wall.resolvedOptions().timeZone.toLowerCase() === name.toLowerCase() && wall.resolvedOptions().timeZone !== name)
    return undefined
  const offsetAt = (s: number): number => {
    const m = WALL.exec(wall.format(s * 1000))
    if (!m) return 0
    return Date.UTC(Number(m[3]), Number(m[1]) - 1, Number(m[2]), Number(m[4]), Number(m[5]), Number(m[6])) / 1000 - s
  }
  const at = [FIRST]
  const off = [offsetAt(FIRST)]
  let prev = FIRST
  for (let s = FIRST + OLD_STEP; ; s += s < MODERN ? OLD_STEP : STEP) {
    const t = Math.min(s, LAST)
    // Bisect every change inside (prev, t]: there may be more than one.
    while (offsetAt(t) !== off.at(-1)) {
      let lo = prev
      let hi = t
      // Changes fall on whole minutes unless a side is a local mean time (odd seconds).
      const unit = off.at(-1)! % 60 === 0 && offsetAt(t) % 60 === 0 ? 60 : 1
      while (hi - lo > unit) {
        const mid = lo + Math.floor((hi - lo) / 2 / unit) * unit || lo + 1
        if (offsetAt(mid) === off.at(-1)) lo = mid
        else hi = mid
      }
      at.push(hi)
      off.push(offsetAt(hi))
      prev = hi
    }
    prev = t
    if (t >= LAST) break
  }
  const names = new Map<number, string>()
  const abbr = off.map((o, i) => {
    if (o % 60 !== 0) return 'LMT'
    let a = names.get(o)
    if (a === undefined) {
      // The latest period with this offset: ICU names current metazones best.
      const j = off.lastIndexOf(o)
      const probe = j + 1 < at.length ? Math.floor((at[j]! + at[j + 1]!) / 2) : LAST - 1
      a = letters(name, probe) ?? numeric(o)
      names.set(o, a)
    }
    return i === 0 && a === undefined ? numeric(o) : a
  })
  return {abbr, at, name, off, until: LAST}
}

function letters(zone: string, s: number): string | undefined {
  for (const locale of NAME_LOCALES) {
    const part = new Intl.DateTimeFormat(locale, {timeZone: zone, timeZoneName: 'short'})
      .formatToParts(s * 1000)
      .find((p) => p.type === 'timeZoneName')?.value
    if (part && LETTERS.test(part)) return part
  }
  return undefined
}

/** tzdata's numeric abbreviation: `+03`, `-0330`. */
function numeric(offset: number): string {
  const sign = offset < 0 ? '-' : '+'
  const m = Math.floor(Math.abs(offset) / 60)
  const hh = String(Math.floor(m / 60)).padStart(2, '0')
  return m % 60 === 0 ? `${sign}${hh}` : `${sign}${hh}${String(m % 60).padStart(2, '0')}`
}
