/**
 * One line of a history timeline (`wippy history inspect`):
 *
 *     3  +0.012s  ActivityScheduled app.reviews:submit({"order_id":"o-1"})   approval.lua:11
 */
import type {HistoryEvent} from '../history/events.js'
import {summarizeEvent} from '../history/summary.js'

/** Formats an event relative to `t0` (the run's start on its workflow clock). */
export function formatTimelineLine(event: HistoryEvent, t0: number): string {
  const where = 'where' in event && event.where ? `   ${event.where}` : ''
  return `${String(event.seq).padStart(4)}  ${formatRelative(event.ts - t0).padStart(9)}  ${summarizeEvent(event)}${where}`
}

/** `+0.012s`, `+3.5s`, `+24h0m1s`: compact, sortable by eye. */
export function formatRelative(ms: number): string {
  if (ms < 0) return `-${formatRelative(-ms).slice(1)}`
  if (ms < 60_000) return `+${(ms / 1000).toFixed(3)}s`
  const h = Math.floor(ms / 3_600_000)
  const m = Math.floor((ms % 3_600_000) / 60_000)
  const s = Math.floor((ms % 60_000) / 1000)
  return `+${h ? `${h}h` : ''}${m}m${s}s`
}
