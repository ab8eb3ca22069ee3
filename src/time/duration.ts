/**
 * Go-style durations as Wippy writes them: `"500ms"`, `"1h30m"`, `"24h"`, `"1.5s"`.
 * Units: ns us µs ms s m h. There is no `d` unit on the platform; we refuse it with a hint.
 */
import {WippyError} from '../errors.js'

const UNIT_MS: Record<string, number> = {h: 3_600_000, m: 60_000, ms: 1, ns: 1e-6, s: 1000, us: 1e-3, µs: 1e-3}
const PART = /(\d+(?:\.\d+)?|\.\d+)(ns|us|µs|ms|s|m|h)/y

/**
 * Parses a Go duration to milliseconds; undefined when the text is not one (a sign, a `d`
 * unit or a bare number other than `0` are not). The registry's YAML and the CLI flags both
 * read durations with it.
 */
export function parseDurationMs(text: string): number | undefined {
  const s = text.trim()
  if (s === '0') return 0
  if (s === '') return undefined
  let total = 0
  let pos = 0
  while (pos < s.length) {
    PART.lastIndex = pos
    const m = PART.exec(s)
    if (!m || m.index !== pos) return undefined
    total += Number(m[1]) * UNIT_MS[m[2]!]!
    pos = PART.lastIndex
  }
  return Number.isFinite(total) ? total : undefined
}

/** Like {@link parseDurationMs} but throws a WippyError for user input. */
export function requireDurationMs(text: string, what = 'duration'): number {
  const ms = parseDurationMs(text)
  if (ms === undefined) {
    const hint = /\d+d$/.test(text.trim())
      ? 'There is no `d` unit: write days as hours, e.g. "48h".'
      : 'Use Go duration syntax: "500ms", "30s", "1h30m", "24h".'
    throw new WippyError('WIPPY_DURATION_INVALID', `Can't read the ${what} "${text}".`, {hint, kind: 'usage'})
  }
  return ms
}

/** Formats milliseconds compactly: `24h`, `1h30m`, `2m5s`, `350ms`. */
export function formatDurationMs(ms: number): string {
  if (!Number.isFinite(ms)) return String(ms)
  if (ms < 0) return `-${formatDurationMs(-ms)}`
  if (ms < 1000) return `${Math.round(ms)}ms`
  let rest = Math.round(ms / 1000)
  const h = Math.floor(rest / 3600)
  rest -= h * 3600
  const m = Math.floor(rest / 60)
  const s = rest - m * 60
  return `${h ? `${h}h` : ''}${m ? `${m}m` : ''}${s || (!h && !m) ? `${s}s` : ''}`
}

/**
 * Milliseconds (possibly fractional) to integer nanoseconds since the epoch: the Lua `time`
 * module counts in nanoseconds, which do not fit a double.
 */
export function msToNs(ms: number): bigint {
  const whole = Math.trunc(ms)
  return BigInt(whole) * 1_000_000n + BigInt(Math.round((ms - whole) * 1e6))
}
