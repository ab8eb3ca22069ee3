import {Static, Text} from 'ink'

import type {LogLine} from './feed-state.js'

export interface LogPaneProps {
  /** Bumped when the list is trimmed: a new `<Static>` prints only lines it has not seen. */
  readonly epoch: number
  readonly lines: readonly LogLine[]
}

/**
 * Engine output and Lua `logger`/`print`, append-only: `<Static>` prints each line once above
 * the live area, where the terminal's scrollback keeps it. Lines wrap rather than being cut:
 * a log line's end (a reload's `wippy fork … --at N`, an error's hint) is often its point.
 */
export function LogPane({epoch, lines}: LogPaneProps) {
  return (
    <Static items={[...lines]} key={epoch}>
      {(line) => (
        <Text color={levelColor(line.level)} key={line.id} wrap="wrap">
          {line.text}
        </Text>
      )}
    </Static>
  )
}

function levelColor(level: string): string | undefined {
  if (level === 'error') return 'red'
  if (level === 'warn') return 'yellow'
  if (level === 'debug') return 'gray'
  return undefined
}
