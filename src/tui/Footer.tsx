import {Box, Text} from 'ink'

import {clip} from './format.js'
import {type View, footerText} from './shortcuts.js'

/** A line for the outcome of the last action. */
export interface Message {
  text: string
  tone: 'error' | 'info' | 'success'
}

export interface FooterProps {
  /** The filter being typed after `/`, when the filter prompt is open. */
  readonly filterInput?: string
  readonly message?: Message
  readonly view: View
  readonly width: number
}

const TONE: Record<Message['tone'], string | undefined> = {error: 'red', info: undefined, success: 'green'}

/** Two lines: the last action's outcome (or the filter prompt), then the view's keys. */
export function Footer({filterInput, message, view, width}: FooterProps) {
  return (
    <Box flexDirection="column">
      {filterInput === undefined ? (
        <Text color={message ? TONE[message.tone] : undefined} dimColor={!message} wrap="truncate">
          {clip(message?.text ?? '', width) || ' '}
        </Text>
      ) : (
        <Text wrap="truncate">
          <Text color="cyan">/</Text>
          {clip(`${filterInput}▏  (enter keep · esc clear)`, width - 1)}
        </Text>
      )}
      <Text dimColor wrap="truncate">
        {clip(footerText(view, width), width)}
      </Text>
    </Box>
  )
}
