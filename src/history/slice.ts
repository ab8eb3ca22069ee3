import type {HistoryEvent} from './events.js'

/**
 * A range of events by seq: `from` and `to` are inclusive seqs, `limit` caps the count.
 * (Seqs run 1..n, so `--from 5` starts at the fifth event.)
 */
export function sliceHistory(events: readonly HistoryEvent[], range: {from?: number; limit?: number; to?: number} = {}): HistoryEvent[] {
  let out = events.filter((e) => (range.from === undefined || e.seq >= range.from) && (range.to === undefined || e.seq <= range.to))
  if (range.limit !== undefined) out = out.slice(0, range.limit)
  return out
}
