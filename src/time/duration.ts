/**
 * Go-style durations as Wippy writes them: `"500ms"`, `"1h30m"`, `"24h"`, `"1.5s"`.
 * Units: ns us µs ms s m h. There is no `d` unit on the platform; we refuse it with a hint.
 */
import {WippyError} from '../errors.js'

const UNIT_MS: Record<string, number> = {h: 3_600_000, m: 60_000, ms: 1, ns: 1e-6, s: 1000, us: 1e-3, µs: 1e-3}
const PART = /(\d+(?:\.\d+)?|\.\d+)(ns|us|µs|ms|s|m|h)/y
/**
 * The longest duration: Go's time.Duration is an int64 of nanoseconds, and time.ParseDuration
 * refuses longer ones (`2562047h47m16.854775807s`), so the platform never sees one.
 */
export const MAX_DURATION_MS = 9_223_372_036_854.775
/**
 * The furthest `wippy time skip` may move a workflow clock in one go: a JS Date ends at
 * 8.64e15 ms after 1970, so a longer skip would record a time no tool can show. 100 years.
 */
export const MAX_SKIP_MS = 876_000 * 3_600_000

type Parsed = {ms: number} | {problem: 'range' | 'syntax'}

function parse(text: string): Parsed {
  const s = text.trim()
  if (s === '0') return {ms: 0}
  if (s === '') return {problem: 'syntax'}
  let total = 0
  let pos = 0
  while (pos < s.length) {
    PART.lastIndex = pos
    const m = PART.exec(s)
    if (!m || m.index !== pos) return {problem: 'syntax'}
    total += Number(m[1]) * UNIT_MS[m[2]!]!
    pos = PART.lastIndex
  }
  return Number.isFinite(total) && total <= MAX_DURATION_MS ? {ms: total} : {problem: 'range'}
}

/**
 * Parses a Go duration to milliseconds; undefined when the text is not one (a sign, a `d`
 * unit or a bare number other than `0` are not). The registry's YAML and the CLI flags both
 * read durations with it.
 */
export function parseDurationMs(text: string): number | undefined {
  const parsed = parse(text)
  return 'ms' in parsed ? parsed.ms : undefined
}

/** Like {@link parseDurationMs} but throws a WippyError for user input. */
export function requireDurationMs(text: string, what = 'duration'): number {
  const parsed = parse(text)
  if ('problem' in parsed && parsed.problem === 'range') {
    throw new WippyError('WIPPY_DURATION_INVALID', `The ${what} "${text}" is out of range.`, {
      hint: "A duration is at most 2562047h47m16.854775807s (Go's time.Duration, which the platform uses).",
      kind: 'usage',
    })
  }
  if ('problem' in parsed) {
    const hint = /\d+d$/.test(text.trim())
      ? 'There is no `d` unit: write days as hours, e.g. "48h".'
      : 'Use Go duration syntax: "500ms", "30s", "1h30m", "24h".'
    throw new WippyError('WIPPY_DURATION_INVALID', `Can't read the ${what} "${text}".`, {hint, kind: 'usage'})
  }
  return parsed.ms
}

/**
 * Checks a time skip before anything is recorded (the CLI's `--by` and any other caller):
 * a whole number of milliseconds is not required, but it must be finite, non-negative and at
 * most {@link MAX_SKIP_MS}. `'next-timer'` always passes.
 */
export function requireSkip(by: number | 'next-timer'): void {
  if (by === 'next-timer') return
  if (!Number.isFinite(by) || by < 0) {
    throw new WippyError('WIPPY_DURATION_INVALID', `Can't skip a workflow clock by ${by} ms.`, {
      hint: 'Time only moves forward: pass a positive duration, e.g. --by 1h.',
      kind: 'usage',
    })
  }
  if (by > MAX_SKIP_MS) {
    throw new WippyError(
      'WIPPY_DURATION_INVALID',
      `A skip of ${formatDurationMs(by)} is too far: one skip moves a workflow clock by at most 876000h (100 years).`,
      {
        hint: 'Skip by less, e.g. --by 8760h for a year, or use --to-next-timer.',
        kind: 'usage',
      },
    )
  }
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
