/**
 * The engine actions the keys trigger, each reporting its outcome as a {@link Message} and a
 * log line. Errors (a WippyError's message and hint) become a red message, never a crash.
 */
import {useCallback} from 'react'

import type {EngineApi, ReplayCheckResult, SpawnResult} from '../engine/api.js'
import {formatDurationExact} from '../history/summary.js'
import type {Message} from './Footer.js'
import {failureText, tuiErrorText} from './tui-text.js'

export interface RunActions {
  cancel(pid: string, id: string): Promise<void>
  fork(pid: string, id: string, at: number): Promise<SpawnResult | undefined>
  replayCheck(pid: string): Promise<{check?: ReplayCheckResult; error?: string}>
  signal(pid: string, id: string, topic: string, payload: unknown[]): Promise<void>
  skip(pid: string, id: string): Promise<void>
  terminate(pid: string, id: string, reason: string): Promise<void>
}

export function useRunActions(
  engine: EngineApi,
  report: (message: Message) => void,
  note: (text: string, level?: string) => void,
): RunActions {
  const attempt = useCallback(
    async <T>(what: string, run: () => Promise<T>, success: (value: T) => string): Promise<T | undefined> => {
      try {
        const value = await run()
        const text = success(value)
        report({text, tone: 'success'})
        note(text)
        return value
      } catch (error) {
        const text = failureText(what, error)
        report({text, tone: 'error'})
        note(text, 'error')
        return undefined
      }
    },
    [report, note],
  )

  return {
    cancel: async (pid, id) => {
      await attempt(
        `cancel ${id}`,
        () => engine.cancel(pid, 'cancelled from wippy dev'),
        () => `cancel requested for ${id}`,
      )
    },
    fork: (pid, id, at) =>
      attempt(
        `fork ${id} at event ${at}`,
        () => engine.fork(pid, at),
        (r) => `forked ${id} at event ${at} → ${r.id}`,
      ),
    replayCheck: async (pid) => {
      try {
        return {check: await engine.replayCheck(pid)}
      } catch (error) {
        return {error: tuiErrorText(error)}
      }
    },
    // The prompt shows a failed send inline, so a rejection is re-thrown to it.
    signal: async (pid, id, topic, payload) => {
      await engine.signal(pid, topic, payload)
      const text = `signal ${topic} sent to ${id}`
      report({text, tone: 'success'})
      note(text)
    },
    terminate: async (pid, id, reason) => {
      const why = reason.trim() || 'terminated from wippy dev'
      await attempt(
        `terminate ${id}`,
        () => engine.terminate(pid, why),
        () => `terminated ${id}: ${why}`,
      )
    },
    skip: async (pid, id) => {
      await attempt(
        `skip time on ${id}`,
        () => engine.skipTime(pid, 'next-timer'),
        (r) => `skipped ${formatDurationExact(roundSkip(r.skippedMs))} on ${id}'s clock`,
      )
    },
  }
}

/** A skip to a timer lands a few ms short of a round figure (time passed since it started): show whole seconds. */
function roundSkip(ms: number): number {
  return ms >= 10_000 ? Math.round(ms / 1000) * 1000 : ms
}
