import {Box, Text} from 'ink'

import {clip} from './format.js'
import {type ShortcutAction, type View, footerText} from './shortcuts.js'

/** A line for the outcome of the last action. */
export interface Message {
  text: string
  tone: 'error' | 'info' | 'success'
}

export interface FooterProps {
  /** Whether a key applies to the current row (the footer lists only those). */
  readonly applies?: (action: ShortcutAction) => boolean
  /** The filter being typed after `/`, when the filter prompt is open. */
  readonly filterInput?: string
  readonly message?: Message
  readonly view: View
  readonly width: number
}

const TONE: Record<Message['tone'], string | undefined> = {error: 'red', info: undefined, success: 'green'}

/** Said when nothing else is (not in the help, which is what it points to). */
const IDLE_HINT = 'Press ? for the keys.'

/** Two lines: the last action's outcome (or the filter prompt), then the view's keys. */
export function Footer({applies, filterInput, message, view, width}: FooterProps) {
  const idle = view === 'help' ? '' : IDLE_HINT
  return (
    <Box flexDirection="column">
      {filterInput === undefined ? (
        <Text color={message ? TONE[message.tone] : undefined} dimColor={!message} wrap="truncate">
          {clip(message?.text ?? idle, width) || ' '}
        </Text>
      ) : (
        <Text wrap="truncate">
          <Text color="cyan">/</Text>
          {clip(`${filterInput}▏  (enter apply · esc/ctrl-c clear)`, width - 1)}
        </Text>
      )}
      <Text dimColor wrap="truncate">
        {clip(footerText(view, width, applies), width)}
      </Text>
    </Box>
  )
}
