/**
 * Pure text helpers of the TUI: fixed-width cells, ages, status glyphs and the scroll window.
 * Rows are built as plain strings of an exact width so a frame never wraps (a wrapped row
 * would push the live area past the terminal height and make Ink clear the screen).
 */
import {formatDurationMs} from '../history/summary.js'
import type {ProcessInfo} from '../engine/api.js'
import {valueToJson} from '../history/value-forms.js'

/** Cuts `text` to `width` columns (with `…`) or pads it with spaces to exactly `width`. */
export function cell(text: string, width: number): string {
  if (width <= 0) return ''
  const flat = text.replace(/\s*\n\s*/g, ' ')
  if (flat.length > width) return width === 1 ? '…' : flat.slice(0, width - 1) + '…'
  return flat.padEnd(width)
}

/** Like {@link cell} but never pads: for the last column of a row. */
export function clip(text: string, width: number): string {
  return cell(text, width).trimEnd()
}

/** Keeps the end of `text` (a path's `file:line` matters more than its folders). */
export function clipStart(text: string, width: number): string {
  if (width <= 0) return ''
  return text.length > width ? '…' + text.slice(text.length - width + 1) : text
}

/** A coarse age: `4s`, `12m`, `3h5m`, `2d4h`. */
export function formatAge(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000))
  if (s < 60) return `${s}s`
  const m = Math.floor(s / 60)
  if (m < 60) return `${m}m`
  const h = Math.floor(m / 60)
  if (h < 24) return `${h}h${m % 60 ? `${m % 60}m` : ''}`
  const d = Math.floor(h / 24)
  return `${d}d${h % 24 ? `${h % 24}h` : ''}`
}

/** Relative time on the workflow clock, `+1s500ms`; the same formatting as history summaries. */
export function formatOffset(ms: number): string {
  return `+${formatDurationMs(ms)}`
}

/** One glyph per run status; colours come from {@link statusColor}. */
export function statusGlyph(status: string): string {
  switch (status) {
    case 'running':
      return '●'
    case 'blocked':
    case 'damaged':
      return '■'
    case 'completed':
      return '✓'
    case 'failed':
      return '✗'
    default:
      return '○'
  }
}

/** The Ink colour of a status (undefined: the terminal's default). */
export function statusColor(status: string): string | undefined {
  switch (status) {
    case 'running':
      return 'green'
    case 'blocked':
    case 'damaged':
    case 'failed':
      return 'red'
    case 'completed':
      return 'cyan'
    default:
      return 'gray'
  }
}

/** What a run is doing, in the words of the issue: "sleeping, 23h59m left", "blocked: diverges at event 7". */
export function describeRun(run: ProcessInfo): string {
  if (run.status === 'blocked') return `blocked: ${run.problem ?? 'unknown reason'}`
  if (run.status === 'damaged') return run.problem ?? 'damaged history'
  if (run.status === 'failed') return run.problem ? `failed: ${run.problem}` : 'failed'
  if (run.waiting) return run.waiting
  return run.status
}

/**
 * The first row of a scroll window of `height` rows over `count` rows that keeps `selected`
 * visible, roughly centred. Pure, so a 10,000-row list renders only `height` rows.
 */
export function windowStart(count: number, selected: number, height: number): number {
  if (count <= height) return 0
  const centred = selected - Math.floor(height / 2)
  return Math.max(0, Math.min(centred, count - height))
}

/** Keeps an index inside `[0, count)`; `0` for an empty list. */
export function clampIndex(index: number, count: number): number {
  return count === 0 ? 0 : Math.max(0, Math.min(index, count - 1))
}

/** The project's folder name from its root path. */
export function projectName(root: string): string {
  return root.replace(/[\\/]+$/, '').split(/[\\/]/).at(-1) || root
}

/** A value as JSON for display, never throwing (`nil` for Lua's nothing). */
export function toJson(value: unknown, indent?: number): string {
  try {
    return value === undefined ? 'nil' : valueToJson(value, indent)
  } catch {
    return String(value)
  }
}
