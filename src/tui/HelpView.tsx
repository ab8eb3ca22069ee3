import {Box, Text} from 'ink'

import {clip} from './format.js'
import {SHORTCUTS} from './shortcuts.js'

export interface HelpViewProps {
  readonly height: number
  readonly width: number
}

/**
 * The keys, printed from the same table that dispatches them. When they don't fit the height
 * (80×24), they go in two columns, so none is squeezed out.
 */
export function HelpView({height, width}: HelpViewProps) {
  const columns = SHORTCUTS.length + 1 > height && width >= 60 ? 2 : 1
  const perColumn = Math.ceil(SHORTCUTS.length / columns)
  const columnWidth = Math.floor(width / columns)
  const groups = Array.from({length: columns}, (_, c) => SHORTCUTS.slice(c * perColumn, (c + 1) * perColumn))
  return (
    <Box flexDirection="column" height={height}>
      <Text bold wrap="truncate">
        {clip('KEYS', width)}
      </Text>
      <Box flexDirection="row">
        {groups.map((group, c) => (
          <Box flexDirection="column" key={c} width={columnWidth}>
            {group.map((s) => (
              <Text key={s.action} wrap="truncate">
                <Text color="cyan">{`  ${s.label.padEnd(7)}`}</Text>
                {clip(
                  `${s.description}${columns === 1 && s.views && s.views.length < 3 ? `  (${s.views.join(', ')})` : ''}`,
                  Math.max(1, columnWidth - 10),
                )}
              </Text>
            ))}
          </Box>
        ))}
      </Box>
    </Box>
  )
}
