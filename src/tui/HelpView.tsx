import {Box, Text} from 'ink'

import {clip} from './format.js'
import {SHORTCUTS} from './shortcuts.js'

export interface HelpViewProps {
  readonly height: number
  readonly width: number
}

/** The keys, printed from the same table that dispatches them. */
export function HelpView({height, width}: HelpViewProps) {
  return (
    <Box flexDirection="column" height={height}>
      <Text bold wrap="truncate">
        {clip('KEYS', width)}
      </Text>
      {SHORTCUTS.map((s) => (
        <Text key={s.action} wrap="truncate">
          <Text color="cyan">{`  ${s.label.padEnd(7)}`}</Text>
          {clip(`${s.description}${s.views && s.views.length < 3 ? `  (${s.views.join(', ')})` : ''}`, Math.max(1, width - 9))}
        </Text>
      ))}
    </Box>
  )
}
