import {Box, Text} from 'ink'

import type {ProcessInfo} from '../engine/api.js'
import {cell, clip, describeRun, formatAge, statusColor, statusGlyph, windowStart} from './format.js'

export interface ProcessListProps {
  /** The filter typed after `/` (shown in the title; the runs are already filtered). */
  readonly filter: string
  /** Rows available for the list, title included. */
  readonly height: number
  /** Now, ms: ages count from the run's start. */
  readonly now: number
  /** The runs to show, in order (already sorted and filtered). */
  readonly runs: readonly ProcessInfo[]
  /** Index of the selected run in `runs`. */
  readonly selected: number
  /** Total runs before filtering. */
  readonly total: number
  readonly width: number
}

const ID = 16
const AGE = 7

/**
 * The process list: one row per run with status, what it waits for, and age. Windowed: only
 * the rows that fit are rendered, so 10,000 runs cost as much as 20.
 *
 * @example
 *  RUNS 2 of 2
 *    ID             ENTRY                    STATUS                                  AGE
 *  › ● wf-1         app.workflows:approval   waiting for a signal                     12s
 *    ■ wf-2         app.workflows:payment    blocked: diverges at event 7             3m
 */
export function ProcessList({filter, height, now, runs, selected, total, width}: ProcessListProps) {
  const rowsHeight = Math.max(1, height - 2)
  const start = windowStart(runs.length, selected, rowsHeight)
  const visible = runs.slice(start, start + rowsHeight)
  const entryWidth = Math.max(10, Math.min(32, Math.floor((width - ID - AGE - 6) * 0.45)))
  const waitWidth = Math.max(8, width - 4 - ID - 1 - entryWidth - 1 - AGE)
  const range = runs.length > rowsHeight ? ` · ${start + 1}-${start + visible.length}` : ''
  const title = `RUNS ${runs.length} of ${total}${range}${filter ? ` · filter /${filter}` : ''}`
  return (
    <Box flexDirection="column" height={height}>
      <Text bold wrap="truncate">
        {clip(title, width)}
      </Text>
      <Text dimColor wrap="truncate">
        {clip(`    ${cell('ID', ID)} ${cell('ENTRY', entryWidth)} ${cell('STATUS', waitWidth)}${'AGE'.padStart(AGE)}`, width)}
      </Text>
      {visible.length === 0 ? (
        <Text dimColor wrap="truncate">
          {clip(total === 0 ? "  No runs yet. Start one: wippy spawn <entry> '<json input>'" : `  No runs match /${filter}/ (esc clears the filter)`, width)}
        </Text>
      ) : (
        visible.map((run, i) => {
          const isSelected = start + i === selected
          const age = formatAge(now - run.startedAt).padStart(AGE)
          return (
            <Text inverse={isSelected} key={run.pid} wrap="truncate">
              {isSelected ? '› ' : '  '}
              <Text color={statusColor(run.status)}>{statusGlyph(run.status)}</Text>
              {` ${cell(run.id, ID)} ${cell(run.kind === 'workflow' ? run.entry : `${run.kind} ${run.entry}`, entryWidth)} `}
              <Text color={run.status === 'blocked' || run.status === 'failed' ? 'red' : undefined}>{cell(describeRun(run), waitWidth)}</Text>
              {age}
            </Text>
          )
        })
      )}
    </Box>
  )
}
