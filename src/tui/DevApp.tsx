import {Box, type Key, Text, useApp, useInput, useStdin} from 'ink'
import {useCallback, useEffect, useMemo, useRef, useState} from 'react'

import type {EngineApi, ReplayCheckResult} from '../engine/api.js'
import {CONFIRM_PROMPT_ROWS, ConfirmPrompt} from './ConfirmPrompt.js'
import {Footer, type Message} from './Footer.js'
import {Header, type HeaderInfo} from './Header.js'
import {HelpView} from './HelpView.js'
import {LogPane} from './LogPane.js'
import {ProcessList} from './ProcessList.js'
import {ProcessView} from './ProcessView.js'
import {ReplaySteps, replayForkAt} from './ReplaySteps.js'
import {SIGNAL_PROMPT_ROWS, SignalPrompt} from './SignalPrompt.js'
import {Timeline} from './Timeline.js'
import {type RunRow, filterRuns, logsOf, rowsOf, sortRuns} from './feed-state.js'
import {clampIndex} from './format.js'
import {actionApplies, notApplicable} from './key-applies.js'
import {type KeyPress, type KeySlot, splitKeys} from './keys.js'
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

interface Confirm {
  action: 'cancel' | 'terminate'
  id: string
  pid: string
}

/**
 * The connected dev UI: header, then the process list, a run's timeline, its replay steps, a
 * service's process view or the help; the log pane prints above through `<Static>`. Keys come
 * from the shortcut table, one at a time: a chunk of keys (a paste, fast typing) is split and
 * queued, and each key is handled after the redraw of the one before, so it sees its effect.
 * The prompts (signal, confirm) get their keys from the same queue, so the keys typed right
 * after `s` go to the prompt it opens, whenever it is ready.
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
  const [selectedKey, setSelectedKey] = useState<string | undefined>()
  const [openPid, setOpenPid] = useState<string | undefined>()
  const [openKey, setOpenKey] = useState<string | undefined>()
  const [cursor, setCursor] = useState<{follow: boolean; index: number}>({follow: true, index: 0})
  const [expanded, setExpanded] = useState(false)
  const [replay, setReplay] = useState<ReplayState>({})
  const [replayIndex, setReplayIndex] = useState(0)
  const [prompt, setPrompt] = useState<{id: string; pid: string} | undefined>()
  const [confirm, setConfirm] = useState<Confirm | undefined>()
  const [message, setMessage] = useState<Message | undefined>()
  const [quitting, setQuitting] = useState(false)
  const [stopped, setStopped] = useState(false)
  const keyQueue = useRef<KeyPress[]>([])
  const promptKeys = useRef<KeySlot['current']>(undefined)
  const [keyTick, setKeyTick] = useState(0)
  const actions = useRunActions(engine, setMessage, feed.note)
  const history = useRunHistory(engine, openPid)
  const {note} = feed

  useEffect(() => notes?.subscribe((text, level) => note(text, level)), [notes, note])
  // Exit after the "Stopped" frame is drawn, so it is what stays on the terminal.
  useEffect(() => {
    if (stopped) exit()
  }, [stopped, exit])

  const allRuns = useMemo(() => sortRuns(rowsOf({marks: feed.marks, runs: feed.runs})), [feed.marks, feed.runs])
  const byKey = useMemo(() => new Map(allRuns.map((r) => [r.key, r])), [allRuns])
  const runs = useMemo(() => filterRuns(allRuns, filter), [allRuns, filter])
  const found = runs.findIndex((r) => r.key === selectedKey)
  const selected = found === -1 ? 0 : found
  // The cursor stays on the row it shows: pinned by key when the selection fell back (a
  // filter hid it), so clearing the filter keeps it on the same run, not row 1.
  useEffect(() => {
    const shown = runs[selected]
    if (filter && found === -1 && shown) setSelectedKey(shown.key)
  }, [filter, found, runs, selected])
  const openRun: RunRow | undefined = openPid
    ? (byKey.get(openPid) ?? {
        entry: '',
        id: openPid,
        key: openPid,
        kind: 'workflow',
        loaded: false,
        pid: openPid,
        startedAt: 0,
        status: 'running',
      })
    : undefined
  const rowsOfTimeline = useMemo(() => timelineRows(history.events), [history.events])
  const timelineIndex = cursor.follow
    ? Math.max(0, rowsOfTimeline.length - 1)
    : clampIndex(cursor.index, rowsOfTimeline.length)

  const liveHeight = Math.max(10, rows - logRows(rows))
  const promptHeight = prompt ? SIGNAL_PROMPT_ROWS : confirm ? CONFIRM_PROMPT_ROWS : 0
  const bodyHeight = Math.max(3, liveHeight - 4 - promptHeight)

  /** The row an action applies to: the open run or process, else the selected row of the list. */
  const keyView = view === 'help' ? helpReturn : view
  const target: RunRow | undefined =
    keyView === 'process'
      ? openKey
        ? byKey.get(openKey)
        : undefined
      : keyView !== 'processes'
        ? openRun
        : runs[selected]
  const applies = (action: ShortcutAction): boolean => actionApplies(action, keyView, target)

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
      if (next) setSelectedKey(next.key)
    } else if (view === 'timeline') {
      const index = clampIndex(timelineIndex + delta, rowsOfTimeline.length)
      setCursor({follow: index === rowsOfTimeline.length - 1, index})
    } else if (view === 'replay') {
      setReplayIndex((i) => clampIndex(i + delta, history.events.length))
    }
  }

  const perform = (action: ShortcutAction): void => {
    const page = Math.max(1, bodyHeight - 3)
    switch (action) {
      case 'up':
        return move(-1)
      case 'down':
        return move(1)
      case 'pageUp':
        return move(-page)
      case 'pageDown':
        return move(page)
      case 'home':
        return move(-Number.MAX_SAFE_INTEGER)
      case 'end':
        return move(Number.MAX_SAFE_INTEGER)
      case 'expand':
        return setExpanded((e) => !e)
      case 'back':
        if (view === 'help') return setView(helpReturn)
        return setView(view === 'replay' ? 'timeline' : 'processes')
      case 'filter':
        // A new filter: typing never appends to the old one.
        filterTyped.current = ''
        setFilter('')
        return setFilterInput('')
      case 'help':
        // `?` toggles: pressed in the help it closes it (back to where it was opened).
        if (view === 'help') return setView(helpReturn)
        setHelpReturn(view)
        return setView('help')
      case 'quit':
        setQuitting(true)
        setMessage({text: 'Stopping: closing histories…', tone: 'info'})
        void onQuit()
          .then(
            () => setMessage({text: 'Stopped: histories closed.', tone: 'success'}),
            (error: unknown) => setMessage({text: `Stop failed: ${String(error)}`, tone: 'error'}),
          )
          .finally(() => setStopped(true))
        return
    }
    if (!target) return setMessage({text: 'Select a run first.', tone: 'info'})
    if (!applies(action)) return setMessage({text: notApplicable(action, target), tone: 'info'})
    switch (action) {
      case 'open':
        // Back in the list, the cursor stays on this row even when the sort moves it.
        setSelectedKey(target.key)
        if (target.kind !== 'workflow') {
          setOpenKey(target.key)
          return setView('process')
        }
        setOpenPid(target.pid)
        setCursor({follow: true, index: 0})
        setExpanded(false)
        return setView('timeline')
      case 'signal':
        return setPrompt({id: target.id, pid: target.pid})
      case 'skip':
        return void actions.skip(target.pid, target.id)
      case 'cancel':
      case 'terminate':
        return setConfirm({action, id: target.id, pid: target.pid})
      case 'replay':
        setOpenPid(target.pid)
        setReplayIndex(0)
        runReplayCheck(target.pid)
        return setView('replay')
      case 'fork': {
        const at =
          view === 'replay'
            ? replayForkAt(history.events, replayIndex, replay.check)
            : view === 'timeline'
              ? rowsOfTimeline[timelineIndex]?.seq
              : target.oldCodeMark?.at
        if (at === undefined) return setMessage({text: 'Select an event to fork at.', tone: 'info'})
        void actions.fork(target.pid, target.id, at).then((forked) => {
          if (!forked) return
          setOpenPid(forked.pid)
          setSelectedKey(forked.pid)
          setCursor({follow: true, index: 0})
          setView('timeline')
        })
      }
    }
  }

  // When a replay check lands on a divergence, put the cursor on it.
  useEffect(() => {
    const at = replay.check?.divergence?.eventIndex
    if (at)
      setReplayIndex(
        Math.max(
          0,
          history.events.findIndex((e) => e.seq === at),
        ),
      )
  }, [replay.check, history.events])

  const handleKey = (input: string, key: Key): void => {
    if (filterTyped.current !== undefined) return editFilter(input, key)
    const shortcut = matchShortcut(view, input, key)
    if (shortcut) perform(shortcut.action)
  }

  // The one key reader: every key is queued, then handled one per render (see the header),
  // by the open prompt when there is one, else by the shortcut table.
  useInput(
    (input: string, key: Key) => {
      keyQueue.current.push(...splitKeys(input, key))
      setKeyTick((t) => t + 1)
    },
    {isActive: isRawModeSupported === true && !quitting},
  )

  // (keyed on the tick only: it runs once per queued key, with this render's handlers)
  useEffect(() => {
    if (quitting) {
      keyQueue.current = []
      return
    }
    const next = keyQueue.current[0]
    if (!next) return
    if (prompt || confirm) {
      // A prompt that just opened takes its keys once it is mounted (a commit away). Prompts
      // keep their text in refs, so a paste is handed over whole, in this one pass.
      const take = promptKeys.current
      if (!take) return void setKeyTick((t) => t + 1)
      for (let press = keyQueue.current.shift(); press; press = keyQueue.current.shift())
        if (!take(press.input, press.key)) break
    } else if (filterTyped.current !== undefined) {
      // The filter too (a ref): every key up to the one that closes it.
      while (filterTyped.current !== undefined && keyQueue.current.length > 0) {
        const press = keyQueue.current.shift()!
        editFilter(press.input, press.key)
      }
    } else {
      keyQueue.current.shift()
      handleKey(next.input, next.key)
    }
    if (keyQueue.current.length > 0) setKeyTick((t) => t + 1)
  }, [keyTick])

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
    // Esc and Ctrl-C close the prompt and clear the filter; enter keeps it.
    if (key.escape || (key.ctrl && input === 'c')) {
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

  if (stopped) {
    // The last frame stays on the terminal after exit: the outcome only, no keys footer.
    return (
      <>
        <LogPane epoch={feed.logEpoch} lines={feed.logs} />
        <Text color={message?.tone === 'error' ? 'red' : 'green'}>{message?.text ?? 'Stopped.'}</Text>
      </>
    )
  }

  return (
    <>
      <LogPane epoch={feed.logEpoch} lines={feed.logs} />
      <Box flexDirection="column" height={liveHeight} width={columns}>
        <Header
          info={header}
          status={feed.status}
          width={columns}
          {...(feed.lastReload ? {lastReload: feed.lastReload} : {})}
        />
        {view === 'processes' ? (
          <ProcessList
            all={allRuns}
            filter={filter}
            height={bodyHeight}
            now={now}
            runs={runs}
            selected={selected}
            total={allRuns.length}
            width={columns}
          />
        ) : null}
        {view === 'timeline' ? (
          <Timeline
            expanded={expanded}
            height={bodyHeight}
            loading={history.loading}
            rows={rowsOfTimeline}
            selected={timelineIndex}
            width={columns}
            {...(openRun ? {run: openRun} : {})}
            {...(history.error ? {error: history.error} : {})}
          />
        ) : null}
        {view === 'replay' ? (
          <ReplaySteps
            events={history.events}
            height={bodyHeight}
            id={openRun?.id ?? openPid ?? ''}
            selected={replayIndex}
            width={columns}
            {...(replay.check ? {check: replay.check} : {})}
            {...(replay.error || history.error ? {error: replay.error ?? history.error} : {})}
          />
        ) : null}
        {view === 'process' ? (
          <ProcessView
            height={bodyHeight}
            logs={logsOf(feed, openKey ? byKey.get(openKey) : undefined)}
            now={now}
            width={columns}
            {...(openKey && byKey.get(openKey) ? {row: byKey.get(openKey)} : {})}
          />
        ) : null}
        {view === 'help' ? <HelpView height={bodyHeight} width={columns} /> : null}
        {prompt ? (
          <SignalPrompt
            keys={promptKeys}
            onCancel={() => setPrompt(undefined)}
            onSend={async (topic, payload) => {
              await actions.signal(prompt.pid, prompt.id, topic, payload)
              setPrompt(undefined)
            }}
            target={prompt.id}
            width={columns}
          />
        ) : null}
        {confirm ? (
          <ConfirmPrompt
            keys={promptKeys}
            onCancel={() => {
              setConfirm(undefined)
              setMessage({text: `Kept ${confirm.id} running: nothing recorded.`, tone: 'info'})
            }}
            onConfirm={(reason) => {
              setConfirm(undefined)
              void (confirm.action === 'cancel'
                ? actions.cancel(confirm.pid, confirm.id)
                : actions.terminate(confirm.pid, confirm.id, reason))
            }}
            question={
              confirm.action === 'cancel'
                ? `Cancel ${confirm.id}? (records CancelRequested; can't be undone)`
                : `Terminate ${confirm.id} now? (no cleanup; can't be undone)`
            }
            width={columns}
            withReason={confirm.action === 'terminate'}
          />
        ) : null}
        <Footer
          applies={applies}
          view={view}
          width={columns}
          {...(message && view !== 'help' ? {message} : {})}
          {...(filterInput === undefined ? {} : {filterInput})}
        />
      </Box>
    </>
  )
}
