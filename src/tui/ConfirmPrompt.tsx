import {Box, type Key, Text} from 'ink'
import {useLayoutEffect, useRef, useState} from 'react'

import {clip, clipStart} from './format.js'
import type {KeySlot} from './keys.js'
import {editLine} from './line-edit.js'

/** Rows the prompt takes: border 2, question, reason or keys line, keys line. */
export const CONFIRM_PROMPT_ROWS = 5

export interface ConfirmPromptProps {
  /** The app hands this prompt its keys here (one at a time, a chunk already split). */
  readonly keys: KeySlot
  /** Closes the prompt; nothing is done. */
  readonly onCancel: () => void
  /** Does it; `reason` is what was typed ('' without a reason field). */
  readonly onConfirm: (reason: string) => void
  /** The question: "Cancel wf-1? …". */
  readonly question: string
  /** Ask for an optional reason (typed text) before enter confirms. */
  readonly withReason?: boolean
  readonly width: number
}

/**
 * Asks before a destructive key (cancel, terminate) does anything, as k9s does: `y`/enter
 * confirms, `n`/esc/Ctrl-C closes. With a reason field, typing goes to the reason and enter
 * confirms.
 */
export function ConfirmPrompt({keys, onCancel, onConfirm, question, withReason = false, width}: ConfirmPromptProps) {
  // A ref, as in the signal prompt: keys may come faster than redraws.
  const reason = useRef('')
  const done = useRef(false)
  const [, setVersion] = useState(0)

  const onKey = (input: string, key: Key): boolean => {
    handleKey(input, key)
    return !done.current
  }
  const handleKey = (input: string, key: Key): void => {
    if (done.current) return
    const close = (confirmed: boolean): void => {
      done.current = true
      if (confirmed) onConfirm(reason.current.trim())
      else onCancel()
    }
    if (key.escape || (key.ctrl && input === 'c')) return close(false)
    if (key.return) return close(true)
    if (!withReason) {
      if (input === 'y' || input === 'Y') return close(true)
      if (input === 'n' || input === 'N') return close(false)
      return
    }
    const next = editLine(reason.current, input, key)
    if (next === undefined) return
    reason.current = next
    setVersion((v) => v + 1)
  }

  // Set on every commit; the app hands the keys over (see SignalPrompt).
  useLayoutEffect(() => {
    keys.current = onKey
    return () => {
      if (keys.current === onKey) keys.current = undefined
    }
  })

  const boxWidth = Math.min(width, 78)
  const inner = Math.max(10, boxWidth - 2)
  return (
    <Box borderColor="yellow" borderStyle="round" flexDirection="column" width={boxWidth}>
      <Text bold wrap="truncate">
        {clip(question, inner)}
      </Text>
      {withReason ? (
        <Text wrap="truncate">
          <Text color="yellow">{'reason:  '}</Text>
          {clipStart(`${reason.current}▏`, inner - 9)}
        </Text>
      ) : null}
      <Text dimColor wrap="truncate">
        {clip(
          withReason
            ? 'enter confirm (the reason is optional) · esc/ctrl-c keep it running'
            : 'y/enter confirm · n/esc/ctrl-c keep it running',
          inner,
        )}
      </Text>
    </Box>
  )
}
