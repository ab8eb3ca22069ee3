import {Box, Text} from 'ink'

import type {ProcessInfo} from '../engine/api.js'
import type {RunMarks} from './format.js'
import {
  OFFSET_WIDTH,
  cell,
  clip,
  clipStart,
  describeRun,
  formatOffset,
  statusColor,
  statusGlyph,
  windowStart,
} from './format.js'
import {type TimelineRow, durationBar} from './timeline-model.js'

export interface TimelineProps {
  /** Whether the selected row's details are unfolded. */
  readonly expanded: boolean
  readonly error?: string
  readonly height: number
  readonly loading: boolean
  /** The run, when the list knows it (its status line). */
  readonly run?: ProcessInfo & RunMarks
  readonly rows: readonly TimelineRow[]
  /** Index of the selected row. */
  readonly selected: number
  readonly width: number
}

const BAR = 5
const TOOK = OFFSET_WIDTH - 1
const SUMMARY_MIN = 16

interface Columns {
  bar: number
  seq: number
  /** Event names as `ChildStarted` for `ChildWorkflowStarted`: a narrow terminal shortens them instead of cutting them. */
  shortNames: boolean
  summary: number
  time: number
  type: number
  where: number
}

/** An event's name in the EVENT column. */
export function eventName(type: string, short: boolean): string {
  return short ? type.replace(/^ChildWorkflow/, 'Child') : type
}

/** A step's duration in the TOOK column: exact when it fits, never wider than the column. */
function tookText(ms: number): string {
  return formatOffset(ms).slice(1)
}

/**
 * Column widths at `width`, fitted to the rows: each fixed column is as wide as its widest
 * value, the summary takes the rest. At 80 the duration bar goes first (TOOK keeps the
 * number), then long event names are cut; the WHERE column (file:line) stays.
 */
export function timelineColumns(rows: readonly TimelineRow[], width: number): Columns {
  const longest = (values: string[], floor: number): number => Math.max(floor, ...values.map((v) => v.length))
  const seq = longest(
    rows.map((r) => `#${r.seq}`),
    3,
  )
  const time = Math.min(
    OFFSET_WIDTH,
    longest(
      rows.map((r) => formatOffset(r.offsetMs)),
      4,
    ),
  )
  const wheres = rows.map((r) => baseName(r.where ?? ''))
  const where = wheres.some(Boolean) ? Math.min(width >= 120 ? 28 : 18, longest(wheres, 5)) : 0
  const bar = width >= 110 ? BAR : 0
  const fixed = (t: number): number =>
    2 + seq + 1 + time + 1 + t + 1 + (bar ? bar + 1 : 0) + TOOK + 1 + (where ? where + 1 : 0)
  let type = longest(
    rows.map((r) => r.type),
    5,
  )
  let shortNames = false
  if (width - fixed(type) < SUMMARY_MIN) {
    shortNames = true
    type = longest(
      rows.map((r) => eventName(r.type, true)),
      5,
    )
  }
  if (width - fixed(type) < SUMMARY_MIN) type = Math.max(12, Math.min(type, width - SUMMARY_MIN - fixed(0)))
  return {bar, seq, shortNames, summary: Math.max(8, width - fixed(type)), time, type, where}
}

/**
 * A run's history, one row per event: offset on the workflow clock, kind, summary, a bar for
 * how long the step took, the Lua `file:line` (also at 80 columns; the full path is in the details).
 * The selected row unfolds into its arguments/results and the full path of its `file:line`.
 *
 * @example
 *  TIMELINE wf-1 · app.workflows:payment · ● sleeping, 23h59m left · 4 events
 *    SEQ TIME       EVENT                SUMMARY                       TOOK
 *    #1  +0ms       WorkflowStarted      app.workflows:payment({"amount":10})
 *    #2  +0ms       ActivityScheduled    app.api:charge_card({"amount"…  █ 3ms
 */
export function Timeline({error, expanded, height, loading, run, rows, selected, width}: TimelineProps) {
  const c = timelineColumns(rows, width)
  const maxMs = Math.max(0, ...rows.map((r) => r.durationMs ?? 0))
  const row = rows[selected]
  const bodyHeight = Math.max(1, height - 2)
  const details = expanded && row ? detailLines(row).slice(0, Math.max(0, bodyHeight - 3)) : []
  const listHeight = Math.max(1, bodyHeight - details.length)
  const start = windowStart(rows.length, selected, listHeight)
  const visible = rows.slice(start, start + listHeight)
  const status = run ? `${statusGlyph(run.status)} ${describeRun(run)}` : ''
  // The status goes last: a blocked run's reason is the part a narrow terminal may cut.
  const title = `TIMELINE ${run?.id ?? ''}${run ? ` · ${run.entry}` : ''} · ${rows.length} events${status ? ` · ${status}` : ''}`
  const header = `  ${cell('SEQ', c.seq)} ${cell('TIME', c.time)} ${cell('EVENT', c.type)} ${cell('SUMMARY', c.summary)} ${cell('TOOK', (c.bar ? c.bar + 1 : 0) + TOOK)}${c.where ? ` ${'WHERE'}` : ''}`
  return (
    <Box flexDirection="column" height={height}>
      <Text bold color={run ? statusColor(run.status) : undefined} wrap="truncate">
        {clip(title, width)}
      </Text>
      <Text dimColor wrap="truncate">
        {clip(header, width)}
      </Text>
      {error ? <Text color="red">{clip(`  Can't load the history: ${error}`, width)}</Text> : null}
      {!error && rows.length === 0 ? (
        <Text dimColor>{clip(loading ? '  Loading the history…' : '  No events.', width)}</Text>
      ) : null}
      {visible.map((r, i) => {
        const isSelected = start + i === selected
        const took = r.durationMs === undefined ? (r.pending ? '…' : '') : tookText(r.durationMs)
        const bar = r.durationMs === undefined || !c.bar ? '' : durationBar(r.durationMs, maxMs, c.bar)
        const line = `${isSelected ? (expanded ? '▾ ' : '› ') : '  '}${cell(`#${r.seq}`, c.seq)} ${cell(formatOffset(r.offsetMs), c.time)} ${cell(eventName(r.type, c.shortNames), c.type)} ${cell(r.gist, c.summary)} `
        return (
          <Box flexDirection="column" key={r.seq}>
            <Text inverse={isSelected} wrap="truncate">
              <Text color={eventColor(r.type)}>{line}</Text>
              {c.bar ? <Text color="yellow">{`${cell(bar, c.bar)} `}</Text> : null}
              {cell(took, TOOK)}
              {c.where ? <Text dimColor>{` ${clipStart(baseName(r.where ?? ''), c.where)}`}</Text> : null}
            </Text>
            {isSelected && details.length > 0
              ? details.map((d, j) => (
                  <Text dimColor key={j} wrap="truncate">
                    {clip(`       │ ${d}`, width)}
                  </Text>
                ))
              : null}
          </Box>
        )
      })}
    </Box>
  )
}

/** `src/workflows/approval.lua:11` → `approval.lua:11` (the full path is in the details). */
function baseName(where: string): string {
  return where.split(/[\\/]/).at(-1) ?? where
}

/** The unfolded lines of a row: the Lua location, then the event's fields as JSON. */
function detailLines(row: TimelineRow): string[] {
  return [...(row.where ? [`at ${row.where}`] : []), ...row.details]
}

function eventColor(type: string): string | undefined {
  if (type === 'WorkflowFailed' || type === 'ActivityFailed') return 'red'
  if (type === 'SignalReceived' || type === 'SignalSent') return 'magenta'
  if (type.startsWith('Timer') || type === 'TimeSkipped') return 'blue'
  if (type === 'WorkflowCompleted') return 'green'
  return undefined
}
