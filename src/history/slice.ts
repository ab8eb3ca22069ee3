import type {HistoryEvent} from './events.js'

/**
 * A range of events by seq: `from` and `to` are inclusive seqs, `limit` caps the count.
 * (Seqs run 1..n, so `--from 5` starts at the fifth event.)
 */
export function sliceHistory(
  events: readonly HistoryEvent[],
  range: {from?: number; limit?: number; to?: number} = {},
): HistoryEvent[] {
  const {from, limit, to} = range
  // The whole history (what `inspect` and `export` usually ask for): a copy, no per-event test.
  let out =
    from === undefined && to === undefined
      ? events.slice()
      : events.filter((e) => (from === undefined || e.seq >= from) && (to === undefined || e.seq <= to))
  if (limit !== undefined) out = out.slice(0, limit)
  return out
}
