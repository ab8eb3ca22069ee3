import {Box, type Key, useApp, useInput, useStdin} from 'ink'
import {useCallback, useEffect, useMemo, useRef, useState} from 'react'

import type {EngineApi, ReplayCheckResult} from '../engine/api.js'
import {Footer, type Message} from './Footer.js'
import {Header, type HeaderInfo} from './Header.js'
import {HelpView} from './HelpView.js'
import {LogPane} from './LogPane.js'
import {ProcessList} from './ProcessList.js'
import {ReplaySteps} from './ReplaySteps.js'
import {SignalPrompt} from './SignalPrompt.js'
import {Timeline} from './Timeline.js'
import {filterRuns, sortRuns} from './feed-state.js'
import {clampIndex} from './format.js'
import {editLine} from './line-edit.js'
import {type ShortcutAction, type View, matchShortcut} from './shortcuts.js'
import {timelineRows} from './timeline-model.js'
import {useEngineFeed} from './use-engine-feed.js'
import {useNow} from './use-now.js'
import {useRunActions} from './use-run-actions.js'
import {useRunHistory} from './use-run-history.js'
import {useTerminalSize} from './use-terminal-size.js'

/** Where notes from outside the UI (the dev session's watcher errors...) come in. */
export interface NoteSource {
  subscribe(listener: (text: string, level: string) => void): () => void
}

export interface DevAppProps {
  readonly engine: EngineApi
  readonly header: HeaderInfo
  readonly notes?: NoteSource
  /** A second Ctrl-C while stopping: the UI exits at once after calling this (e.g. `process.exit(130)`). */
  readonly onForceQuit?: () => void
  /** Called on `q`: stop the dev session cleanly; the UI exits when it resolves. */
  readonly onQuit: () => Promise<void>
}

interface ReplayState {
  check?: ReplayCheckResult
  error?: string
}

/** Terminal rows left above the live area, where the last log lines stay visible. */
function logRows(rows: number): number {
  return rows >= 20 ? 4 : 1
}

/**
 * The connected dev UI: header, then the process list, a run's timeline, its replay steps or
 * the help; the log pane prints above through `<Static>`. Keys come from the shortcut table.
 */
export function DevApp({engine, header, notes, onForceQuit, onQuit}: DevAppProps) {
  const {exit} = useApp()
  const {isRawModeSupported} = useStdin()
  const {columns, rows} = useTerminalSize()
  const feed = useEngineFeed(engine)
  const now = useNow()
  const [view, setView] = useState<View>('processes')
  const [helpReturn, setHelpReturn] = useState<View>('processes')
  const [filter, setFilter] = useState('')
  const [filterInput, setFilterInput] = useState<string | undefined>()
  const filterTyped = useRef<string | undefined>(undefined)
  const [selectedPid, setSelectedPid] = useState<string | undefined>()
  const [openPid, setOpenPid] = useState<string | undefined>()
  const [cursor, setCursor] = useState<{follow: boolean; index: number}>({follow: true, index: 0})
  const [expanded, setExpanded] = useState(false)
  const [replay, setReplay] = useState<ReplayState>({})
  const [replayIndex, setReplayIndex] = useState(0)
  const [prompt, setPrompt] = useState<{id: string; pid: string} | undefined>()
  const [message, setMessage] = useState<Message | undefined>({text: 'Press ? for the keys.', tone: 'info'})
  const [quitting, setQuitting] = useState(false)
  const [stopped, setStopped] = useState(false)
  const actions = useRunActions(engine, setMessage, feed.note)
  const history = useRunHistory(engine, openPid)
  const {note} = feed

  useEffect(() => notes?.subscribe((text, level) => note(text, level)), [notes, note])
  // Exit after the "Stopped" frame is drawn, so it is what stays on the terminal.
  useEffect(() => {
    if (stopped) exit()
  }, [stopped, exit])

  const allRuns = useMemo(() => sortRuns(feed.runs.values()), [feed.runs])
  const runs = useMemo(() => filterRuns(allRuns, filter), [allRuns, filter])
  const found = runs.findIndex((r) => r.pid === selectedPid)
  const selected = found === -1 ? 0 : found
  const openRun = openPid ? feed.runs.get(openPid) : undefined
  const rowsOfTimeline = useMemo(() => timelineRows(history.events), [history.events])
  const timelineIndex = cursor.follow ? Math.max(0, rowsOfTimeline.length - 1) : clampIndex(cursor.index, rowsOfTimeline.length)

  const liveHeight = Math.max(10, rows - logRows(rows))
  const promptHeight = prompt ? 6 : 0
  const bodyHeight = Math.max(3, liveHeight - 4 - promptHeight)

  /** The run an action applies to: the open one, else the selected one in the list. */
  const current = (): {id: string; pid: string} | undefined => {
    if (view !== 'processes' && openPid) return {id: openRun?.id ?? openPid, pid: openPid}
    const run = runs[selected]
    return run ? {id: run.id, pid: run.pid} : undefined
  }

  const runReplayCheck = useCallback(
    (pid: string) => {
      setReplay({})
      void actions.replayCheck(pid).then((r) => setReplay(r))
    },
    [actions],
  )

  const move = (delta: number): void => {
    if (view === 'processes') {
      const next = runs[clampIndex(selected + delta, runs.length)]
      if (next) setSelectedPid(next.pid)
    } else if (view === 'timeline') {
      const index = clampIndex(timelineIndex + delta, rowsOfTimeline.length)
      setCursor({follow: index === rowsOfTimeline.length - 1, index})
    } else if (view === 'replay') {
      setReplayIndex((i) => clampIndex(i + delta, history.events.length))
    }
  }

  const perform = (action: ShortcutAction): void => {
    const page = Math.max(1, bodyHeight - 3)
    const target = current()
    switch (action) {
      case 'up':
        return move(-1)
      case 'down':
        return move(1)
      case 'pageUp':
        return move(-page)
      case 'pageDown':
        return move(page)
      case 'open':
        if (!target) return setMessage({text: 'No run to open.', tone: 'info'})
        // Back in the list, the cursor stays on this run even when the sort moves it.
        setSelectedPid(target.pid)
        setOpenPid(target.pid)
        setCursor({follow: true, index: 0})
        setExpanded(false)
        return setView('timeline')
      case 'expand':
        return setExpanded((e) => !e)
      case 'back':
        if (view === 'help') return setView(helpReturn)
        return setView(view === 'replay' ? 'timeline' : 'processes')
      case 'filter':
        filterTyped.current = filter
        return setFilterInput(filter)
      case 'help':
        setHelpReturn(view)
        return setView('help')
      case 'quit':
        setQuitting(true)
        setMessage({text: 'Stopping: closing histories…', tone: 'info'})
        void onQuit().then(
          () => setMessage({text: 'Stopped: histories closed.', tone: 'success'}),
          (error: unknown) => setMessage({text: `Stop failed: ${String(error)}`, tone: 'error'}),
        ).finally(() => setStopped(true))
        return
    }
    if (!target) return setMessage({text: 'Select a run first.', tone: 'info'})
    switch (action) {
      case 'signal':
        return setPrompt(target)
      case 'skip':
        return void actions.skip(target.pid, target.id)
      case 'cancel':
        return void actions.cancel(target.pid, target.id)
      case 'replay':
        setOpenPid(target.pid)
        setReplayIndex(0)
        runReplayCheck(target.pid)
        return setView('replay')
      case 'fork': {
        const at = view === 'replay' ? history.events[replayIndex]?.seq : rowsOfTimeline[timelineIndex]?.seq
        if (at === undefined) return setMessage({text: 'Select an event to fork at.', tone: 'info'})
        void actions.fork(target.pid, target.id, at).then((forked) => {
          if (!forked) return
          setOpenPid(forked.pid)
          setCursor({follow: true, index: 0})
          setView('timeline')
        })
      }
    }
  }

  // When a replay check lands on a divergence, put the cursor on it.
  useEffect(() => {
    const at = replay.check?.divergence?.eventIndex
    if (at) setReplayIndex(Math.max(0, history.events.findIndex((e) => e.seq === at)))
  }, [replay.check, history.events])

  useInput(
    (input: string, key: Key) => {
      if (filterTyped.current !== undefined) return editFilter(input, key)
      const shortcut = matchShortcut(view, input, key)
      if (shortcut) perform(shortcut.action)
    },
    {isActive: isRawModeSupported === true && prompt === undefined && !quitting},
  )

  // While stopping, only a second Ctrl-C is heard: leave without waiting (acknowledged events are on disk).
  useInput(
    (input, key) => {
      if (!(key.ctrl && input === 'c')) return
      onForceQuit?.()
      exit()
    },
    {isActive: isRawModeSupported === true && quitting},
  )

  // The filter being typed lives in a ref too: keys may come faster than redraws.
  const editFilter = (input: string, key: Key): void => {
    if (key.escape) {
      filterTyped.current = undefined
      setFilter('')
      return setFilterInput(undefined)
    }
    if (key.return) {
      filterTyped.current = undefined
      return setFilterInput(undefined)
    }
    const next = editLine(filterTyped.current ?? '', input, key)
    if (next === undefined) return
    filterTyped.current = next
    setFilterInput(next)
    setFilter(next)
  }

  return (
    <>
      <LogPane epoch={feed.logEpoch} lines={feed.logs} />
      <Box flexDirection="column" height={liveHeight} width={columns}>
        <Header info={header} status={feed.status} width={columns} {...(feed.lastReload ? {lastReload: feed.lastReload} : {})} />
        {view === 'processes' ? <ProcessList filter={filter} height={bodyHeight} now={now} runs={runs} selected={selected} total={allRuns.length} width={columns} /> : null}
        {view === 'timeline' ? (
          <Timeline expanded={expanded} height={bodyHeight} loading={history.loading} rows={rowsOfTimeline} selected={timelineIndex} width={columns} {...(openRun ? {run: openRun} : {})} {...(history.error ? {error: history.error} : {})} />
        ) : null}
        {view === 'replay' ? (
          <ReplaySteps events={history.events} height={bodyHeight} id={openRun?.id ?? openPid ?? ''} selected={replayIndex} width={columns} {...(replay.check ? {check: replay.check} : {})} {...(replay.error || history.error ? {error: replay.error ?? history.error} : {})} />
        ) : null}
        {view === 'help' ? <HelpView height={bodyHeight} width={columns} /> : null}
        {prompt ? (
          <SignalPrompt
            isActive={isRawModeSupported === true}
            onCancel={() => setPrompt(undefined)}
            onSend={async (topic, payload) => {
              await actions.signal(prompt.pid, prompt.id, topic, payload)
              setPrompt(undefined)
            }}
            target={prompt.id}
            width={columns}
          />
        ) : null}
        <Footer view={view} width={columns} {...(message ? {message} : {})} {...(filterInput === undefined ? {} : {filterInput})} />
      </Box>
    </>
  )
}
