import {Box, Text, useInput} from 'ink'
import {useRef, useState} from 'react'

import {parseJsonArg} from '../control/json-arg.js'
import {clip} from './format.js'
import {editLine} from './line-edit.js'

export interface SignalPromptProps {
  /** Whether this prompt takes the keyboard (raw mode supported). */
  readonly isActive: boolean
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
export function SignalPrompt({isActive, onCancel, onSend, target, width}: SignalPromptProps) {
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

  useInput(
    (input, key) => {
      const {field, sending, topic} = form.current
      if (sending) return
      if (key.escape) return onCancel()
      if (key.tab || key.upArrow || key.downArrow) return update({field: field === 'topic' ? 'payload' : 'topic'})
      if (key.return) {
        if (field === 'payload') return submit()
        const problem = validateTopic(topic)
        return update(problem ? {error: problem} : {error: undefined, field: 'payload'})
      }
      const next = editLine(form.current[field], input, key)
      if (next !== undefined) update({[field]: next, error: undefined})
    },
    {isActive},
  )

  const {error, field, payload, sending, topic} = form.current
  const cursor = (f: Field): string => (f === field && !sending ? '▏' : '')
  return (
    <Box borderColor="magenta" borderStyle="round" flexDirection="column" width={Math.min(width, 78)}>
      <Text bold>{clip(`Send a signal to ${target}`, Math.min(width, 78) - 4)}</Text>
      <Text>
        <Text color={field === 'topic' ? 'magenta' : undefined}>{'topic:   '}</Text>
        {topic}
        {cursor('topic')}
      </Text>
      <Text>
        <Text color={field === 'payload' ? 'magenta' : undefined}>{'payload: '}</Text>
        {payload}
        {cursor('payload')}
        {payload === '' && field === 'payload' ? <Text dimColor>{' JSON, e.g. {"approved": true}'}</Text> : null}
      </Text>
      {error ? <Text color="red">{error}</Text> : <Text dimColor>{sending ? 'sending…' : 'enter next/send · tab switch field · esc cancel'}</Text>}
    </Box>
  )
}

/** Why a topic is not valid, or undefined. */
export function validateTopic(topic: string): string | undefined {
  const t = topic.trim()
  if (!t) return 'Type a topic, e.g. approve.'
  if (t.startsWith('@')) return `The topic "${t}" is reserved: topics starting with @ belong to the platform.`
  if (/\s/.test(t)) return 'A topic is one word (no spaces).'
  return undefined
}

/** A WippyError's message and hint on one line. */
export function errorText(error: unknown): string {
  if (error instanceof Error) {
    const hint = (error as {hint?: unknown}).hint
    return typeof hint === 'string' ? `${error.message} ${hint}` : error.message
  }
  return String(error)
}
