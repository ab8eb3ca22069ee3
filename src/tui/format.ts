/**
 * Pure text helpers of the TUI: fixed-width cells, ages, status glyphs and the scroll window.
 * Rows are built as plain strings of an exact width so a frame never wraps (a wrapped row
 * would push the live area past the terminal height and make Ink clear the screen).
 */
import type {ProcessInfo} from '../engine/api.js'
import {valueToJson} from '../history/value-forms.js'
import {formatDurationExact} from '../history/summary.js'
import {compactProblem, shortenPids} from './tui-text.js'

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

/**
 * Cuts the middle of `text` to fit `width` (padded like {@link cell}): IDs differ at the end
 * (`wf-d4bb6080a42a.2` vs `.3`), so `wf-d4bb…a42a.2` keeps both ends.
 */
export function cellMiddle(text: string, width: number): string {
  if (width <= 0) return ''
  if (text.length <= width) return text.padEnd(width)
  if (width < 5) return cell(text, width)
  const tail = Math.ceil((width - 1) / 2)
  return text.slice(0, width - 1 - tail) + '…' + text.slice(text.length - tail)
}

/** Keeps the end of `text` (a path's `file:line` matters more than its folders). */
export function clipStart(text: string, width: number): string {
  if (width <= 0) return ''
  return text.length > width ? '…' + text.slice(text.length - width + 1) : text
}

/** A coarse age: `4s`, `12m`, `3h5m`, `2d4h`; `-` when the start is unknown (NaN). */
export function formatAge(ms: number): string {
  if (!Number.isFinite(ms)) return '-'
  const s = Math.max(0, Math.floor(ms / 1000))
  if (s < 60) return `${s}s`
  const m = Math.floor(s / 60)
  if (m < 60) return `${m}m`
  const h = Math.floor(m / 60)
  if (h < 24) return `${h}h${m % 60 ? `${m % 60}m` : ''}`
  const d = Math.floor(h / 24)
  return `${d}d${h % 24 ? `${h % 24}h` : ''}`
}

/** The age of a row: `-` for a row without a start time (0 would count from 1970). */
export function rowAge(now: number, startedAt: number): string {
  return formatAge(startedAt > 0 ? now - startedAt : Number.NaN)
}

/** Widest text {@link formatOffset} returns. */
export const OFFSET_WIDTH = 10

/**
 * Relative time on the workflow clock, at most {@link OFFSET_WIDTH} characters so the TIME
 * column never overflows: `+43ms`, `+1.488s`, `+3m38.5s`, `+24h0m0s`, `+5d3h10m`. Never
 * negative (an event before the origin, as a fork's copied events, shows `+0ms`).
 */
export function formatOffset(ms: number): string {
  const t = Math.max(0, Math.round(ms))
  // The history summaries' exact form when it fits (`+24h4ms`), else a coarser one.
  const exact = `+${formatDurationExact(t)}`
  if (exact.length <= OFFSET_WIDTH) return exact
  if (t < 60_000) return `+${trimZeros((t / 1000).toFixed(3))}s`
  const totalS = Math.floor(t / 1000)
  const m = Math.floor(totalS / 60)
  if (m < 60) return `+${m}m${trimZeros(((t - m * 60_000) / 1000).toFixed(1))}s`
  const h = Math.floor(m / 60)
  if (h < 100) return `+${h}h${m % 60}m${totalS % 60}s`
  const d = Math.floor(h / 24)
  return d < 100 ? `+${d}d${h % 24}h${m % 60}m` : `+${d}d`.slice(0, OFFSET_WIDTH)
}

function trimZeros(fixed: string): string {
  return fixed.includes('.') ? fixed.replace(/\.?0+$/, '') : fixed
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

/** What the TUI knows of a run beyond its summary (see feed-state.ts). */
export interface RunMarks {
  /** A cancel was recorded and the run is still open. */
  cancelMarked?: boolean
  /** A reload left it on its old code: the divergence and the event a fork keeps up to. */
  oldCodeMark?: {at?: number; divergence?: string; forkCommand?: string}
}

/**
 * What a run is doing, in the words of the issue: "sleeping, 23h59m left", "blocked #7
 * payment.lua:9: expected …", "cancel requested · waiting for a signal", "old code · …",
 * "service · sleeping 100 ms".
 */
export function describeRun(run: Omit<ProcessInfo, keyof RunMarks> & RunMarks): string {
  const marks = [
    ...(run.kind === 'workflow' ? [] : [run.kind]),
    ...(run.cancelMarked && (run.status === 'running' || run.status === 'blocked') ? ['cancel requested'] : []),
    ...(run.oldCodeMark && run.status === 'running' ? ['old code'] : []),
  ]
  const base = baseStatus(run)
  return marks.length > 0 ? `${marks.join(' · ')} · ${base}` : base
}

function baseStatus(run: Omit<ProcessInfo, keyof RunMarks>): string {
  if (run.status === 'blocked') {
    const reason = run.problem ? compactProblem(run.problem, true) : 'unknown reason'
    return reason.startsWith('#') ? `blocked ${reason}` : `blocked: ${reason}`
  }
  if (run.status === 'damaged') return run.problem ?? 'damaged history'
  const problem = run.problem ? shortenPids(run.problem.split('\n')[0]!) : undefined
  if (run.status === 'failed')
    return [problem ? `failed: ${problem}` : 'failed', run.kind === 'workflow' ? undefined : run.waiting]
      .filter(Boolean)
      .join(' · ')
  if (run.waiting) return shortenPids(run.waiting)
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
  return (
    root
      .replace(/[\\/]+$/, '')
      .split(/[\\/]/)
      .at(-1) || root
  )
}

/** A value as JSON for display, never throwing (`nil` for Lua's nothing). */
export function toJson(value: unknown, indent?: number): string {
  try {
    return value === undefined ? 'nil' : valueToJson(value, indent)
  } catch {
    return String(value)
  }
}
