/**
 * Subscribes to the engine's status stream and folds it into {@link FeedState}, at most one
 * redraw per frame: events are queued in a ref and applied together by a timer. The engine's
 * listener only pushes to an array, so a slow terminal never slows the engine. Once a second
 * the whole list is re-read (`ps`), so time-based waits ("sleeping, 3h left") stay current.
 */
import {useCallback, useEffect, useRef, useState} from 'react'

import type {EngineApi} from '../engine/api.js'
import {type FeedEvent, type FeedState, applyEngineEvents, initialFeedState} from './feed-state.js'

/** ~30 frames per second at most. */
export const FRAME_MS = 33

export interface EngineFeed extends FeedState {
  /** Adds a line to the log pane (an action's outcome, a server note). */
  note(text: string, level?: string): void
}

/** How often the run list is re-read whole (waits like "23h59m left" change without events). */
export const SYNC_MS = 1000

export function useEngineFeed(engine: EngineApi, frameMs = FRAME_MS, syncMs = SYNC_MS): EngineFeed {
  const [state, setState] = useState(() => initialFeedState(engine.ps({all: true}), engine.status()))
  const queue = useRef<FeedEvent[]>([])
  const timer = useRef<NodeJS.Timeout | undefined>(undefined)

  const push = useCallback(
    (event: FeedEvent) => {
      queue.current.push(event)
      timer.current ??= setTimeout(() => {
        timer.current = undefined
        const batch = queue.current.splice(0)
        const status = engine.status()
        setState((previous) => applyEngineEvents(previous, batch, status))
      }, frameMs)
    },
    [engine, frameMs],
  )

  useEffect(() => {
    const unsubscribe = engine.subscribe(push)
    const sync = setInterval(() => push({runs: engine.ps({all: true}), type: 'sync'}), syncMs)
    return () => {
      clearInterval(sync)
      unsubscribe()
      clearTimeout(timer.current)
      timer.current = undefined
    }
  }, [engine, push, syncMs])

  const note = useCallback((text: string, level = 'info') => push({level, text, type: 'note'}), [push])
  return {...state, note}
}
