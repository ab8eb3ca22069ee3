import {Box, type Key, Text} from 'ink'
import {useLayoutEffect, useRef, useState} from 'react'

import {parseJsonArg} from '../control/json-arg.js'
import {clip, clipStart} from './format.js'
import type {KeySlot} from './keys.js'
import {editLine} from './line-edit.js'
import {tuiErrorText} from './tui-text.js'

/** Rows the prompt can take: border 2, title, topic, payload, and up to {@link ERROR_LINES} of error. */
export const SIGNAL_PROMPT_ROWS = 5 + 3
const ERROR_LINES = 3
const MAX_WIDTH = 78

export interface SignalPromptProps {
  /** The app hands this prompt its keys here (one at a time, a chunk already split). */
  readonly keys: KeySlot
  /** Closes the prompt without sending. */
  readonly onCancel: () => void
  /** Sends the signal; a rejection is shown inline and the prompt stays open. */
  readonly onSend: (topic: string, payload: unknown[]) => Promise<void>
  /** The run it goes to (the title). */
  readonly target: string
  readonly width: number
}

type Field = 'payload' | 'topic'

interface FormState {
  error?: string
  field: Field
  payload: string
  sending: boolean
  topic: string
}

/**
 * Asks for a topic and a JSON payload, validates both (a reserved `@` topic, bad JSON with the
 * position), then sends. Errors stay inline under the fields, so a typo costs one edit.
 */
export function SignalPrompt({keys, onCancel, onSend, target, width}: SignalPromptProps) {
  // Keys can arrive faster than React re-renders (a paste, tmux send-keys): the handler reads
  // and writes a ref, so no key sees a stale value; the state only triggers the redraw.
  const form = useRef<FormState>({field: 'topic', payload: '', sending: false, topic: ''})
  const [, setVersion] = useState(0)
  const update = (change: Partial<FormState>): void => {
    form.current = {...form.current, ...change}
    setVersion((v) => v + 1)
  }

  const submit = (): void => {
    const {payload, topic} = form.current
    const problem = validateTopic(topic)
    if (problem) return update({error: problem, field: 'topic'})
    let value: unknown[]
    try {
      value = payload.trim() === '' ? [] : [parseJsonArg(payload, 'payload')]
    } catch (error_) {
      return update({error: errorText(error_), field: 'payload'})
    }
    update({error: undefined, sending: true})
    onSend(topic.trim(), value).catch((error_: unknown) => update({error: errorText(error_), sending: false}))
  }

  const onKey = (input: string, key: Key): boolean => {
    const {field, sending, topic} = form.current
    if (sending) return false
    // Ctrl-C closes a prompt, as Esc does (outside a prompt it quits).
    if (key.escape || (key.ctrl && input === 'c')) {
      onCancel()
      return false
    }
    if (key.tab || key.upArrow || key.downArrow) {
      update({field: field === 'topic' ? 'payload' : 'topic'})
      return true
    }
    if (key.return) {
      if (field === 'payload') {
        submit()
        return false
      }
      const problem = validateTopic(topic)
      update(problem ? {error: problem} : {error: undefined, field: 'payload'})
      return true
    }
    const next = editLine(form.current[field], input, key)
    if (next !== undefined) update({[field]: next, error: undefined})
    return true
  }

  // Set on every commit (the handler sees this render's props); the app waits for it before
  // handing over the keys typed right after the prompt opened, so none is lost.
  useLayoutEffect(() => {
    const handle = (input: string, key: Key): boolean => onKey(input, key)
    keys.current = handle
    return () => {
      if (keys.current === handle) keys.current = undefined
    }
  })

  const {error, field, payload, sending, topic} = form.current
  const cursor = (f: Field): string => (f === field && !sending ? '▏' : '')
  const boxWidth = Math.min(width, MAX_WIDTH)
  const inner = Math.max(10, boxWidth - 2)
  // Each line is cut to the box, so the title and the fields always stay on their rows; a
  // long value shows its end (where the typing is).
  const value = (v: string, f: Field): string => clipStart(v + cursor(f), inner - 9)
  const errorLines = error ? wrapLines(error, inner, ERROR_LINES) : []
  return (
    <Box borderColor="magenta" borderStyle="round" flexDirection="column" width={boxWidth}>
      <Text bold wrap="truncate">
        {clip(`Send a signal to ${target}`, inner)}
      </Text>
      <Text wrap="truncate">
        <Text color={field === 'topic' ? 'magenta' : undefined}>{'topic:   '}</Text>
        {value(topic, 'topic')}
      </Text>
      <Text wrap="truncate">
        <Text color={field === 'payload' ? 'magenta' : undefined}>{'payload: '}</Text>
        {value(payload, 'payload')}
        {payload === '' && field === 'payload' ? (
          <Text dimColor>{clip(' JSON, e.g. {"approved": true}', Math.max(0, inner - 10))}</Text>
        ) : null}
      </Text>
      {errorLines.length > 0 ? (
        errorLines.map((line, i) => (
          <Text color="red" key={i} wrap="truncate">
            {line}
          </Text>
        ))
      ) : (
        <Text dimColor wrap="truncate">
          {clip(sending ? 'sending…' : 'enter next/send · tab switch field · esc/ctrl-c cancel', inner)}
        </Text>
      )}
    </Box>
  )
}

/** `text` wrapped at word boundaries to `width`, at most `max` lines (the last one cut with `…`). */
export function wrapLines(text: string, width: number, max: number): string[] {
  const lines: string[] = []
  let line = ''
  for (const word of text.split(/\s+/).filter(Boolean)) {
    const joined = line ? `${line} ${word}` : word
    if (joined.length <= width) {
      line = joined
      continue
    }
    if (line) lines.push(line)
    line = word
    while (line.length > width) {
      lines.push(line.slice(0, width))
      line = line.slice(width)
    }
  }
  if (line) lines.push(line)
  if (lines.length <= max) return lines
  const kept = lines.slice(0, max)
  kept[max - 1] = clip(`${kept[max - 1]} ${lines.slice(max).join(' ')}`, width)
  return kept
}

/** Why a topic is not valid, or undefined. */
export function validateTopic(topic: string): string | undefined {
  const t = topic.trim()
  if (!t) return 'Type a topic, e.g. approve.'
  if (t.startsWith('@')) return `The topic "${t}" is reserved: topics starting with @ belong to the platform.`
  if (/\s/.test(t)) return 'A topic is one word (no spaces).'
  return undefined
}

/** A WippyError's message and the UI's hint for it on one line (see tui-text.ts). */
export const errorText = tuiErrorText
