/**
 * What sandbox objects become when they leave Lua (a result, a message payload, a command
 * argument): the form the platform gives them in a payload. A Time is its RFC 3339 text
 * (Go's `time.Time` marshals that way), a Duration its nanoseconds, a Location its name.
 * Keyed by the metatable's `__name`; the codec reads the object's fields, then maps them.
 */
export type WireForm = (fields: Record<string, unknown>) => unknown

export const WIRE_FORMS: ReadonlyMap<string, WireForm> = new Map<string, WireForm>([
  ['duration', (f) => f.ns ?? 0],
  ['location', (f) => f.name ?? 'UTC'],
  ['time', (f) => rfc3339Nano(toBigInt(f.ns), typeof f.off === 'number' ? f.off : 0)],
])

/**
 * `2026-11-25T02:10:00.123456789Z` (or `…-05:00` at a UTC offset in seconds), trailing zeros
 * of the fraction trimmed (Go's RFC3339Nano).
 */
export function rfc3339Nano(ns: bigint, offsetSeconds = 0): string {
  const wall = ns + BigInt(offsetSeconds) * 1_000_000_000n
  const ms = wall / 1_000_000n - (wall % 1_000_000n < 0n ? 1n : 0n)
  const nanosOfSecond = ((wall % 1_000_000_000n) + 1_000_000_000n) % 1_000_000_000n
  const base = new Date(Number(ms)).toISOString().slice(0, 19)
  const fraction = nanosOfSecond === 0n ? '' : `.${nanosOfSecond.toString().padStart(9, '0').replace(/0+$/, '')}`
  return `${base}${fraction}${offsetSuffix(offsetSeconds)}`
}

function offsetSuffix(seconds: number): string {
  if (seconds === 0) return 'Z'
  const abs = Math.abs(seconds)
  const hh = String(Math.floor(abs / 3600)).padStart(2, '0')
  const mm = String(Math.floor((abs % 3600) / 60)).padStart(2, '0')
  return `${seconds < 0 ? '-' : '+'}${hh}:${mm}`
}

function toBigInt(v: unknown): bigint {
  if (typeof v === 'bigint') return v
  if (typeof v === 'number' && Number.isFinite(v)) return BigInt(Math.trunc(v))
  return 0n
}
