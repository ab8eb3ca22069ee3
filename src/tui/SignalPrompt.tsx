import {Box, Text, useInput} from 'ink'
import {useState} from 'react'

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

/**
 * Asks for a topic and a JSON payload, validates both (a reserved `@` topic, bad JSON with the
 * position), then sends. Errors stay inline under the fields, so a typo costs one edit.
 */
export function SignalPrompt({isActive, onCancel, onSend, target, width}: SignalPromptProps) {
  const [field, setField] = useState<Field>('topic')
  const [topic, setTopic] = useState('')
  const [payload, setPayload] = useState('')
  const [error, setError] = useState<string | undefined>()
  const [sending, setSending] = useState(false)

  const submit = (): void => {
    const problem = validateTopic(topic)
    if (problem) {
      setError(problem)
      setField('topic')
      return
    }
    let value: unknown[]
    try {
      value = payload.trim() === '' ? [] : [parseJsonArg(payload, 'payload')]
    } catch (error_) {
      setError(errorText(error_))
      setField('payload')
      return
    }
    setSending(true)
    setError(undefined)
    onSend(topic.trim(), value).catch((error_: unknown) => {
      setSending(false)
      setError(errorText(error_))
    })
  }

  useInput(
    (input, key) => {
      if (sending) return
      if (key.escape) return onCancel()
      if (key.tab || key.upArrow || key.downArrow) return setField(field === 'topic' ? 'payload' : 'topic')
      if (key.return) {
        if (field === 'topic') {
          const problem = validateTopic(topic)
          setError(problem)
          if (!problem) setField('payload')
          return
        }
        return submit()
      }
      const set = field === 'topic' ? setTopic : setPayload
      const next = editLine(field === 'topic' ? topic : payload, input, key)
      if (next !== undefined) {
        set(next)
        setError(undefined)
      }
    },
    {isActive},
  )

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
