import {Box, Text} from 'ink'

import type {ReplayCheckResult} from '../engine/api.js'
import type {HistoryEvent} from '../history/events.js'
import {summarizeEvent} from '../history/summary.js'
import {cell, clip, windowStart} from './format.js'
import {shortenPids} from './tui-text.js'

export interface ReplayStepsProps {
  /** The replay check's result; undefined while it runs. */
  readonly check?: ReplayCheckResult
  readonly error?: string
  /** The run's recorded history. */
  readonly events: readonly HistoryEvent[]
  readonly height: number
  /** The run's workflow ID (the title). */
  readonly id: string
  /** Index of the selected step. */
  readonly selected: number
  readonly width: number
}

/** How one recorded event fared in the replay. */
export type StepMark = 'diverged' | 'matched' | 'not-replayed'

/**
 * The event `f` forks at in the replay view: the selected one, but never the diverging event
 * or a later one: a fork keeps events 1..N, so it forks just before the divergence (as the
 * CLI's `wippy fork … --at <divergence − 1>` hint does). Undefined when there is nothing to keep.
 */
export function replayForkAt(
  events: readonly HistoryEvent[],
  selected: number,
  check: ReplayCheckResult | undefined,
): number | undefined {
  const chosen = events[selected]?.seq
  const at = check?.divergence?.eventIndex
  if (at === undefined || at === 0) return chosen
  return Math.max(1, Math.min(chosen ?? at - 1, at - 1))
}

/** The mark of each event: ✓ up to the divergence, ✗ at it, · after it. */
export function stepMarks(events: readonly HistoryEvent[], check: ReplayCheckResult): StepMark[] {
  const at = check.divergence?.eventIndex
  return events.map((e) => {
    if (at === undefined) return 'matched'
    if (at === 0) return 'not-replayed'
    return e.seq < at ? 'matched' : e.seq === at ? 'diverged' : 'not-replayed'
  })
}

const GLYPH: Record<StepMark, string> = {diverged: '✗', matched: '✓', 'not-replayed': '·'}
const COLOR: Record<StepMark, string | undefined> = {diverged: 'red', matched: 'green', 'not-replayed': 'gray'}
/** Rows of the panel under the steps that explains the selected one. */
const PANEL = 4

/**
 * Replay steps: the run's history replayed against the current code, each event ✓ until the
 * divergence ✗ (expected vs got, file:line). Arrow keys move through the steps; the panel
 * explains the selected one.
 *
 * @example
 *  REPLAY wf-2 · ✗ diverges at event 4 · step 4/6
 *    ✓ #1  WorkflowStarted app.workflows:payment({"amount":10}) ...
 *  › ✗ #4  TimerStarted 24h
 *  ─ ✗ event 4: expected TimerStarted 24h
 *        got ActivityScheduled app.api:refund(...)
 *         at payment.lua:7
 */
export function ReplaySteps({check, error, events, height, id, selected, width}: ReplayStepsProps) {
  const marks = check ? stepMarks(events, check) : events.map(() => 'not-replayed' as const)
  const verdict = error
    ? '✗ the check could not run'
    : !check
      ? 'checking…'
      : check.ok
        ? `✓ ${events.length} events match the current code`
        : `✗ diverges at event ${check.divergence?.eventIndex ?? '?'}`
  const title = `REPLAY ${id} · ${verdict}${events.length > 0 ? ` · step ${selected + 1}/${events.length}` : ''}`
  const listHeight = Math.max(1, height - 1 - PANEL)
  const start = windowStart(events.length, selected, listHeight)
  const visible = events.slice(start, start + listHeight)
  return (
    <Box flexDirection="column" height={height}>
      <Text bold color={error || (check && !check.ok) ? 'red' : check ? 'green' : undefined} wrap="truncate">
        {clip(title, width)}
      </Text>
      <Box flexDirection="column" height={listHeight}>
        {visible.map((e, i) => {
          const index = start + i
          const mark = marks[index]!
          return (
            <Text inverse={index === selected} key={e.seq} wrap="truncate">
              {index === selected ? '› ' : '  '}
              <Text color={COLOR[mark]}>{GLYPH[mark]}</Text>
              {` ${cell(`#${e.seq}`, 4)} ${clip(shortenPids(summarizeEvent(e, Number.POSITIVE_INFINITY)), Math.max(1, width - 9))}`}
            </Text>
          )
        })}
      </Box>
      <Box flexDirection="column" height={PANEL}>
        {panelLines({check, error, event: events[selected], mark: marks[selected]}).map((line, i) => (
          <Text color={line.color} key={i} wrap="truncate">
            {clip(line.text, width)}
          </Text>
        ))}
      </Box>
    </Box>
  )
}

interface PanelLine {
  color?: string
  text: string
}

function panelLines({
  check,
  error,
  event,
  mark,
}: {
  check?: ReplayCheckResult
  error?: string
  event?: HistoryEvent
  mark?: StepMark
}): PanelLine[] {
  if (error) return [{color: 'red', text: `─ ${error}`}]
  if (!check) return [{text: '─ replaying the history against the current code…'}]
  const d = check.divergence
  if (d && (d.eventIndex === 0 || mark === 'diverged')) {
    return [
      {color: 'red', text: `─ ✗ event ${d.eventIndex}: expected ${shortenPids(d.expected)}`},
      {color: 'red', text: `      got ${shortenPids(d.got)}`},
      ...(d.where ? [{color: 'red', text: `       at ${d.where}`}] : []),
      {
        text: `  f: fork at event ${Math.max(1, d.eventIndex - 1)} (before it) · or revert, or guard with workflow.version()`,
      },
    ]
  }
  if (!event) return []
  const where = 'where' in event && event.where ? ` (${event.where})` : ''
  if (mark === 'not-replayed')
    return [{color: 'gray', text: `─ · #${event.seq} not replayed: the code diverged at event ${d?.eventIndex ?? '?'}`}]
  return [
    {color: 'green', text: `─ ✓ #${event.seq} ${event.type} matched${where}`},
    ...(d ? [{color: 'red', text: `  diverges later, at event ${d.eventIndex}`}] : []),
  ]
}
