/**
 * The history of one run, loaded once and then followed live from the status stream. Live
 * events that arrive while the load is in flight are merged by `seq`, so none is lost or
 * doubled. Updates are batched to one per frame like the feed.
 */
import {useEffect, useState} from 'react'

import type {EngineApi} from '../engine/api.js'
import type {HistoryEvent} from '../history/events.js'
import {FRAME_MS} from './use-engine-feed.js'

export interface RunHistory {
  error?: string
  events: HistoryEvent[]
  loading: boolean
}

export function useRunHistory(engine: EngineApi, pid: string | undefined, frameMs = FRAME_MS): RunHistory {
  const [state, setState] = useState<RunHistory>({events: [], loading: pid !== undefined})

  useEffect(() => {
    if (pid === undefined) {
      setState({events: [], loading: false})
      return
    }
    let live = true
    let timer: NodeJS.Timeout | undefined
    const pending: HistoryEvent[] = []
    const flush = (): void => {
      timer = undefined
      const batch = pending.splice(0)
      if (live && batch.length > 0) setState((s) => ({...s, events: mergeEvents(s.events, batch)}))
    }
    setState({events: [], loading: true})
    const unsubscribe = engine.subscribe((event) => {
      if (event.type !== 'history' || event.pid !== pid) return
      pending.push(event.event)
      timer ??= setTimeout(flush, frameMs)
    })
    engine.history(pid).then(
      (view) => live && setState((s) => ({events: mergeEvents(view.events, s.events), loading: false})),
      (error: unknown) =>
        live &&
        setState((s) => ({...s, error: error instanceof Error ? error.message : String(error), loading: false})),
    )
    return () => {
      live = false
      unsubscribe()
      clearTimeout(timer)
    }
  }, [engine, pid, frameMs])

  return state
}

/** Union by `seq`, in `seq` order. */
export function mergeEvents(a: readonly HistoryEvent[], b: readonly HistoryEvent[]): HistoryEvent[] {
  if (b.length === 0) return [...a]
  const bySeq = new Map<number, HistoryEvent>()
  for (const e of a) bySeq.set(e.seq, e)
  for (const e of b) bySeq.set(e.seq, e)
  return [...bySeq.values()].sort((x, y) => x.seq - y.seq)
}
