import {Box, Text} from 'ink'

import type {ProcessInfo} from '../engine/api.js'
import type {RunRow} from './feed-state.js'
import {cell, cellMiddle, clip, describeRun, rowAge, statusColor, statusGlyph, windowStart} from './format.js'

export interface ProcessListProps {
  /** The filter typed after `/` (shown in the title; the runs are already filtered). */
  readonly filter: string
  /** Rows available for the list, title included. */
  readonly height: number
  /** Now, ms: ages count from the run's start. */
  readonly now: number
  /** The rows to show, in order (already sorted and filtered). */
  readonly runs: readonly (ProcessInfo | RunRow)[]
  /** Index of the selected run in `runs`. */
  readonly selected: number
  /** Every row before filtering (the title counts runs and services apart). */
  readonly all?: readonly ProcessInfo[]
  /** Total rows before filtering (when `all` is not given). */
  readonly total: number
  readonly width: number
}

const AGE = 5
/** The status column keeps at least this much ("blocked #5 approval.lua:12: …") before ID and ENTRY are cut. */
const STATUS_MIN = 28
/** An ID cut in the middle still shows its distinguishing tail (`wf-d4bb…a42a.2`). */
const ID_MIN = 14

/**
 * The widths of the columns at `width`, fitted to the rows shown: every column as wide as its
 * widest value when that fits (so at 200 STATUS ends where its longest text does, no padding);
 * else STATUS gives way first (down to {@link STATUS_MIN}), then ID (its middle is cut, the
 * tail that tells child runs apart stays), then ENTRY.
 */
export function listColumns(rows: readonly ProcessInfo[], width: number): {entry: number; id: number; status: number} {
  const longest = (f: (r: ProcessInfo) => string, floor: number): number =>
    Math.max(floor, ...rows.map((r) => f(r).length))
  const available = Math.max(20, width - 4 - 1 - 1 - 1 - AGE)
  let id = longest((r) => r.id, 8)
  let entry = longest(entryText, 10)
  let status = longest((r) => describeRun(r), 6)
  if (id + entry + status > available) status = Math.max(Math.min(status, STATUS_MIN), available - id - entry)
  if (id + entry + status > available) id = Math.max(Math.min(id, ID_MIN), available - entry - status)
  if (id + entry + status > available) entry = Math.max(12, available - id - status)
  return {entry, id, status: Math.max(6, Math.min(status, available - id - entry))}
}

function entryText(run: ProcessInfo): string {
  return run.entry
}

/** "RUNS 3 of 5 · SERVICES 1 of 1": runs and services/processes counted apart, as the header counts runs. */
function countTitle(shown: readonly ProcessInfo[], all: readonly ProcessInfo[]): string {
  const runs = (rows: readonly ProcessInfo[]) => rows.filter((r) => r.kind === 'workflow').length
  const others = all.length - runs(all)
  return `RUNS ${runs(shown)} of ${runs(all)}${others > 0 ? ` · SERVICES/PROCESSES ${shown.length - runs(shown)} of ${others}` : ''}`
}

/**
 * The process list: one row per run, service or process with status, what it waits for, and
 * age. The ID, ENTRY and STATUS columns fit what they show (an ID too long keeps its two
 * ends). Windowed: only the rows that fit are rendered, so 10,000 runs cost as much as 20.
 *
 * @example
 *  RUNS 2 of 2
 *    ID     ENTRY                  STATUS                                                    AGE
 *  › ● wf-1 app.workflows:approval waiting for a signal                                      12s
 *    ■ wf-2 app.workflows:payment  blocked: diverges at event 7 (payment.lua:9): expected …   3m
 */
export function ProcessList({all, filter, height, now, runs, selected, total, width}: ProcessListProps) {
  const rowsHeight = Math.max(1, height - 2)
  const start = windowStart(runs.length, selected, rowsHeight)
  const visible = runs.slice(start, start + rowsHeight)
  const cols = listColumns(visible, width)
  const range = runs.length > rowsHeight ? ` · ${start + 1}-${start + visible.length}` : ''
  const counts = all ? countTitle(runs, all) : `RUNS ${runs.length} of ${total}`
  const title = `${counts}${range}${filter ? ` · filter /${filter}` : ''}`
  return (
    <Box flexDirection="column" height={height}>
      <Text bold wrap="truncate">
        {clip(title, width)}
      </Text>
      <Text dimColor wrap="truncate">
        {clip(
          `    ${cell('ID', cols.id)} ${cell('ENTRY', cols.entry)} ${cell('STATUS', cols.status)} ${'AGE'.padStart(AGE)}`,
          width,
        )}
      </Text>
      {visible.length === 0 ? (
        <Text dimColor wrap="truncate">
          {clip(
            total === 0
              ? "  No runs yet. Start one: wippy spawn <entry> '<json input>'"
              : `  No runs match /${filter}/ (esc clears the filter)`,
            width,
          )}
        </Text>
      ) : (
        visible.map((run, i) => {
          const isSelected = start + i === selected
          const age = rowAge(now, run.startedAt).padStart(AGE)
          const marked = 'oldCodeMark' in run && run.oldCodeMark && run.status === 'running'
          return (
            <Text inverse={isSelected} key={'key' in run ? run.key : run.pid} wrap="truncate">
              {isSelected ? '› ' : '  '}
              <Text color={marked ? 'yellow' : statusColor(run.status)}>{statusGlyph(run.status)}</Text>
              {` ${cellMiddle(run.id, cols.id)} ${cell(entryText(run), cols.entry)} `}
              <Text color={run.status === 'blocked' || run.status === 'failed' ? 'red' : marked ? 'yellow' : undefined}>
                {cell(describeRun(run), cols.status)}
              </Text>
              {` ${age}`}
            </Text>
          )
        })
      )}
    </Box>
  )
}
