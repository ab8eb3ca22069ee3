import {Box, Text} from 'ink'

import type {ProcessInfo} from '../engine/api.js'
import {formatDurationMs} from '../history/summary.js'
import {cell, clip, clipStart, describeRun, formatOffset, statusColor, statusGlyph, windowStart} from './format.js'
import {type TimelineRow, durationBar} from './timeline-model.js'

export interface TimelineProps {
  /** Whether the selected row's details are unfolded. */
  readonly expanded: boolean
  readonly error?: string
  readonly height: number
  readonly loading: boolean
  /** The run, when the list knows it (its status line). */
  readonly run?: ProcessInfo
  readonly rows: readonly TimelineRow[]
  /** Index of the selected row. */
  readonly selected: number
  readonly width: number
}

const SEQ = 4
const TIME = 9
const TYPE = 18
const BAR = 5
const TOOK = 7
const WHERE = 18

/**
 * A run's history, one row per event: offset on the workflow clock, kind, summary, a bar for
 * how long the step took, the Lua `file:line` (on wide terminals; always in the details).
 * The selected row unfolds into its arguments/results and the full path of its `file:line`.
 *
 * @example
 *  TIMELINE wf-1 · app.workflows:payment · ● sleeping, 23h59m left · 4 events
 *    SEQ TIME       EVENT                SUMMARY                       TOOK
 *    #1  +0ms       WorkflowStarted      app.workflows:payment({"amount":10})
 *    #2  +0ms       ActivityScheduled    app.api:charge_card({"amount"…  █ 3ms
 */
export function Timeline({error, expanded, height, loading, run, rows, selected, width}: TimelineProps) {
  const showWhere = width >= 100
  const summaryWidth = Math.max(8, width - 2 - SEQ - 1 - TIME - 1 - TYPE - 1 - (BAR + 1 + TOOK + 1) - (showWhere ? WHERE + 1 : 0))
  const maxMs = Math.max(0, ...rows.map((r) => r.durationMs ?? 0))
  const row = rows[selected]
  const bodyHeight = Math.max(1, height - 2)
  const details = expanded && row ? detailLines(row).slice(0, Math.max(0, bodyHeight - 3)) : []
  const listHeight = Math.max(1, bodyHeight - details.length)
  const start = windowStart(rows.length, selected, listHeight)
  const visible = rows.slice(start, start + listHeight)
  const status = run ? `${statusGlyph(run.status)} ${describeRun(run)}` : ''
  const title = `TIMELINE ${run?.id ?? ''}${run ? ` · ${run.entry}` : ''}${status ? ` · ${status}` : ''} · ${rows.length} events`
  const header = `  ${cell('SEQ', SEQ)} ${cell('TIME', TIME)} ${cell('EVENT', TYPE)} ${cell('SUMMARY', summaryWidth)} ${cell('TOOK', BAR + 1 + TOOK)}${showWhere ? ` ${'WHERE'}` : ''}`
  return (
    <Box flexDirection="column" height={height}>
      <Text bold color={run ? statusColor(run.status) : undefined} wrap="truncate">
        {clip(title, width)}
      </Text>
      <Text dimColor wrap="truncate">
        {clip(header, width)}
      </Text>
      {error ? <Text color="red">{clip(`  Can't load the history: ${error}`, width)}</Text> : null}
      {!error && rows.length === 0 ? <Text dimColor>{clip(loading ? '  Loading the history…' : '  No events.', width)}</Text> : null}
      {visible.map((r, i) => {
        const isSelected = start + i === selected
        const took = r.durationMs === undefined ? (r.pending ? '…' : '') : formatDurationMs(r.durationMs)
        const bar = r.durationMs === undefined ? '' : durationBar(r.durationMs, maxMs, BAR)
        const line = `${isSelected ? (expanded ? '▾ ' : '› ') : '  '}${cell(`#${r.seq}`, SEQ)} ${cell(formatOffset(r.offsetMs), TIME)} ${cell(r.type, TYPE)} ${cell(r.gist, summaryWidth)} `
        return (
          <Box flexDirection="column" key={r.seq}>
            <Text inverse={isSelected} wrap="truncate">
              <Text color={eventColor(r.type)}>{line}</Text>
              <Text color="yellow">{cell(bar, BAR)}</Text>
              {` ${cell(took, TOOK)}`}
              {showWhere ? <Text dimColor>{` ${clipStart(baseName(r.where ?? ''), WHERE)}`}</Text> : null}
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
