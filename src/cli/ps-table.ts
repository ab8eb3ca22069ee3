/**
 * The text table of `wippy ps`. Every column but the last is as wide as its longest cell; the
 * last one, WAITING (what a run waits for, or why it is blocked), is the only free text, so it
 * goes last and is cut to the terminal width: one long divergence message used to pad every
 * row to 300 columns. `--wide` (and `--json`) keep the full text. AGE is counted as the TUI
 * counts it; closed runs also show how long they ran (TOOK). A workflow ID reused by several
 * runs is shown as each run's key (`<id>~<run>`), which every command accepts, so an earlier
 * run can be reached too (the bare ID means the newest). `attrs` adds a compact SEARCH column
 * (`customer=c-1 tier=2`, the run's search attributes) when some row has any; the memo stays in --json.
 */
import type {ProcessInfo} from '../engine/api.js'
import {formatDurationMs} from '../time/duration.js'
import {formatAge} from '../tui/format.js'
import {shortenPids} from './ids.js'

export interface PsTableOptions {
  /** Show a SEARCH column of each run's search attributes (when some row has any). */
  readonly attrs?: boolean
  /** Terminal width; undefined (a pipe) or `wide` keeps every cell whole. */
  readonly columns?: number
  readonly now: number
  readonly verbose?: boolean
  readonly wide?: boolean
}

export function formatPsTable(rows: readonly ProcessInfo[], options: PsTableOptions): string {
  const anyClosed = rows.some((p) => p.closedAt !== undefined)
  const anyAttrs = options.attrs === true && rows.some((p) => p.searchAttributes !== undefined)
  const header = [
    'ID',
    'ENTRY',
    'KIND',
    'STATUS',
    'AGE',
    ...(anyClosed ? ['TOOK'] : []),
    ...(anyAttrs ? ['SEARCH'] : []),
    'WAITING',
  ]
  const seen = new Map<string, number>()
  for (const p of rows) seen.set(p.id, (seen.get(p.id) ?? 0) + 1)
  const cells = rows.map((p) => {
    const known = p.startedAt > 0
    const age = known ? formatAge(options.now - p.startedAt) : '-'
    const took = p.closedAt !== undefined && known ? formatDurationMs(Math.max(0, p.closedAt - p.startedAt)) : ''
    const waiting = [p.problem ?? p.waiting, ...(p.notes ?? [])].filter(Boolean).join(' · ')
    const id = (seen.get(p.id) ?? 0) > 1 && p.runKey ? p.runKey : p.id
    return [
      id,
      p.entry,
      p.kind,
      p.status,
      age,
      ...(anyClosed ? [took] : []),
      ...(anyAttrs ? [compactAttrs(p.searchAttributes)] : []),
      options.verbose ? waiting : shortenPids(waiting),
    ]
  })
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]!.length)))
  const fixed = widths.slice(0, -1).reduce((sum, w) => sum + w + 2, 0)
  const room = options.wide || options.columns === undefined ? Infinity : Math.max(10, options.columns - fixed)
  return [header, ...cells]
    .map((r) =>
      r
        .map((c, i) => (i === r.length - 1 ? clip(c, room) : c.padEnd(widths[i]!)))
        .join('  ')
        .trimEnd(),
    )
    .join('\n')
}

/** `customer=c-1 tier=2`: strings bare, anything else as JSON; `-` for none. */
function compactAttrs(attrs: Record<string, unknown> | undefined): string {
  const pairs = Object.entries(attrs ?? {}).map(
    ([k, v]) =>
      `${k}=${typeof v === 'string' ? v : (JSON.stringify(v, (_k, x: unknown) => (typeof x === 'bigint' ? x.toString() : x)) ?? String(v))}`,
  )
  return pairs.length > 0 ? pairs.join(' ') : '-'
}

function clip(text: string, width: number): string {
  const flat = text.replace(/\s*\n\s*/g, ' ')
  return flat.length > width ? `${flat.slice(0, width - 1)}…` : flat
}
