/**
 * Go-style durations (`"500ms"`, `"1h30m"`, `"90s"`), as the platform's YAML config uses.
 * There is no `d` unit in Go, so `"1d"` is refused.
 */
const UNIT_MS: Record<string, number> = {ns: 1e-6, us: 1e-3, 'µs': 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000}

const PART = /(\d+(?:\.\d+)?|\.\d+)(ns|us|µs|ms|s|m|h)/y

/** Parses a Go duration string into milliseconds, or returns undefined when it is not one. */
export function parseGoDuration(text: string): number | undefined {
  const s = text.trim()
  if (s === '0') return 0
  if (s === '') return undefined
  let total = 0
  PART.lastIndex = 0
  let pos = 0
  while (pos < s.length) {
    PART.lastIndex = pos
    const m = PART.exec(s)
    if (!m || m.index !== pos) return undefined
    total += Number(m[1]) * (UNIT_MS[m[2] ?? ''] ?? Number.NaN)
    pos = PART.lastIndex
  }
  return Number.isFinite(total) ? total : undefined
}
