import {Box, Text} from 'ink'

import type {LogLine, RunRow} from './feed-state.js'
import {clip, rowAge, statusColor, statusGlyph} from './format.js'
import {shortenPids} from './tui-text.js'

export interface ProcessViewProps {
  readonly height: number
  /** Log lines of this service or process (its own and its processes'), oldest first. */
  readonly logs: readonly LogLine[]
  readonly now: number
  /** The row, or undefined once the engine no longer lists it. */
  readonly row?: RunRow
  readonly width: number
}

/**
 * What Enter shows for a service or a plain process (they have no history to open): state,
 * restarts, what it does now, its last problem, and its recent log lines.
 *
 * @example
 *  SERVICE app:heartbeat · ● running
 *    entry     app:heartbeat_proc on app:processes
 *    pid       {app:processes|0x00004}
 *    restarts  3
 *    now       sleeping 1000 ms
 *  RECENT LOGS
 *    warn: app:heartbeat failed (simulated crash after 5 beats); restart 3 in 400 ms
 */
export function ProcessView({height, logs, now, row, width}: ProcessViewProps) {
  if (!row) {
    return (
      <Box flexDirection="column" height={height}>
        <Text dimColor>{clip('  This process is no longer listed (esc back).', width)}</Text>
      </Box>
    )
  }
  const fields: Array<[string, string]> = [
    ['entry', row.entry],
    ['pid', row.pid || '(none: not running)'],
    ['restarts', String(row.restarts ?? 0)],
    ['now', row.waiting ? shortenPids(row.waiting) : row.status],
    ['age', rowAge(now, row.startedAt)],
  ]
  const problem = row.problem ? row.problem.split('\n') : []
  const logRows = Math.max(
    0,
    height - 2 - fields.length - (problem.length > 0 ? Math.min(problem.length, 4) + 1 : 0) - 1,
  )
  const recent = logs.slice(-logRows)
  return (
    <Box flexDirection="column" height={height}>
      <Text bold color={statusColor(row.status)} wrap="truncate">
        {clip(`${row.kind.toUpperCase()} ${row.id} · ${statusGlyph(row.status)} ${row.status}`, width)}
      </Text>
      {fields.map(([name, value]) => (
        <Text key={name} wrap="truncate">
          <Text dimColor>{`  ${name.padEnd(10)}`}</Text>
          {clip(value, Math.max(1, width - 12))}
        </Text>
      ))}
      {problem.length > 0 ? (
        <>
          <Text color="red" wrap="truncate">
            {clip(`  last problem: ${shortenPids(problem[0]!)}`, width)}
          </Text>
          {problem.slice(1, 4).map((line, i) => (
            <Text dimColor key={i} wrap="truncate">
              {clip(`    ${line.trim()}`, width)}
            </Text>
          ))}
        </>
      ) : null}
      <Text bold wrap="truncate">
        {clip(recent.length > 0 ? 'RECENT LOGS' : 'RECENT LOGS (none yet)', width)}
      </Text>
      {recent.map((line) => (
        <Text
          color={line.level === 'error' ? 'red' : line.level === 'warn' ? 'yellow' : undefined}
          key={line.id}
          wrap="truncate"
        >
          {clip(`  ${line.text}`, width)}
        </Text>
      ))}
    </Box>
  )
}
