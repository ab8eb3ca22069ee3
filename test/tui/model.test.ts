/**
 * The TUI's pure parts: folding the status stream into state (lifecycle lines, log trimming,
 * resync), the scroll window, timeline durations, the footer that keeps `? help` and `q quit`,
 * one-line editing.
 */
import type {Key} from 'ink'
import {describe, expect, test} from 'vitest'

import {WippyError} from '../../src/errors.js'
import {actionApplies} from '../../src/tui/key-applies.js'
import {parseJsonArg} from '../../src/control/json-arg.js'
import {applyEngineEvents, filterRuns, initialFeedState, rowsOf, sortRuns} from '../../src/tui/feed-state.js'
import {
  OFFSET_WIDTH,
  cell,
  cellMiddle,
  clipStart,
  describeRun,
  formatAge,
  formatOffset,
  rowAge,
  windowStart,
} from '../../src/tui/format.js'
import {splitKeys} from '../../src/tui/keys.js'
import {wrapLines} from '../../src/tui/SignalPrompt.js'
import {compactProblem, failureText, reloadLines, shortenPids, tuiErrorText} from '../../src/tui/tui-text.js'
import {editLine} from '../../src/tui/line-edit.js'
import {SHORTCUTS, footerText, matchShortcut} from '../../src/tui/shortcuts.js'
import {durationBar, timelineRows} from '../../src/tui/timeline-model.js'
import {PAYMENT_HISTORY, RUNS, SLEEPING_HISTORY, run, status} from './fixtures.js'

const key = (fields: Partial<Key> = {}): Key =>
  ({
    backspace: false,
    ctrl: false,
    delete: false,
    downArrow: false,
    escape: false,
    leftArrow: false,
    meta: false,
    pageDown: false,
    pageUp: false,
    return: false,
    rightArrow: false,
    shift: false,
    tab: false,
    upArrow: false,
    ...fields,
  }) as Key

describe('feed state', () => {
  test('a run that appears, blocks and fails prints one lifecycle line per status change', () => {
    // Given an empty feed
    let state = initialFeedState([], status())
    // When the stream reports a run three times, twice with the same status
    const r = run('wf-1')
    state = applyEngineEvents(
      state,
      [
        {summary: r, type: 'run'},
        {summary: {...r, waiting: 'running app.api:x'}, type: 'run'},
      ],
      status(),
    )
    state = applyEngineEvents(
      state,
      [{summary: {...r, problem: 'diverges at event 7', status: 'blocked'}, type: 'run'}],
      status(),
    )
    state = applyEngineEvents(state, [{level: 'info', message: 'hello from Lua', pid: r.pid, type: 'log'}], status())
    // Then the log has the start, the block and the Lua line; the run has its last summary
    expect(state.logs.map((l) => l.text)).toEqual([
      'run started wf-1 app.workflows:approval',
      'run blocked wf-1: diverges at event 7',
      'info wf-1: hello from Lua',
    ])
    expect(state.runs.get(r.pid)?.status).toBe('blocked')
    expect(new Set(state.logs.map((l) => l.id)).size).toBe(3)
  })

  test('history events leave the state untouched (no redraw of the list)', () => {
    const state = initialFeedState(RUNS, status())
    const next = applyEngineEvents(
      state,
      [{event: PAYMENT_HISTORY[1]!, pid: RUNS[1]!.pid, type: 'history'}],
      state.status,
    )
    expect(next.runs).toBe(state.runs)
    expect(next.logs).toBe(state.logs)
  })

  test('past 500 lines the printed ones are dropped and <Static> restarts on a new epoch', () => {
    let state = initialFeedState([], status())
    for (let i = 0; i < 12; i++) {
      state = applyEngineEvents(
        state,
        Array.from({length: 50}, (_, j) => ({level: 'info', message: `line ${i * 50 + j}`, type: 'log' as const})),
        status(),
      )
    }
    expect(state.logEpoch).toBe(1)
    expect(state.logs.length).toBeLessThanOrEqual(500)
    expect(state.logs.at(-1)?.text).toBe('info: line 599')
    expect(state.logs.at(-1)?.id).toBe(600)
  })

  test('a resync updates only runs that changed (a wait that ticks down)', () => {
    const state = initialFeedState(RUNS, status())
    const ticked = {...RUNS[1]!, waiting: 'sleeping, 23h58m left'}
    const next = applyEngineEvents(
      state,
      [{runs: [...RUNS.slice(0, 1), ticked, ...RUNS.slice(2)], type: 'sync'}],
      status(),
    )
    expect(next.runs.get(ticked.pid)?.waiting).toBe('sleeping, 23h58m left')
    expect(next.logs).toEqual([])
    expect(applyEngineEvents(state, [{runs: RUNS, type: 'sync'}], status()).runs).toBe(state.runs)
  })

  test('open runs sort first (blocked on top); the filter matches id, entry, status and wait', () => {
    expect(sortRuns(RUNS).map((r) => r.status)).toEqual(['blocked', 'running', 'running', 'failed', 'completed'])
    expect(filterRuns(RUNS, 'SIGNAL').map((r) => r.id)).toEqual(['wf-approve-1'])
    expect(filterRuns(RUNS, 'payment').map((r) => r.id)).toEqual(['wf-pay-7', 'wf-pay-8'])
  })
})

describe('layout helpers', () => {
  test('the window keeps the selection visible, centred, clamped at both ends', () => {
    expect(windowStart(5, 4, 10)).toBe(0)
    expect(windowStart(1000, 0, 10)).toBe(0)
    expect(windowStart(1000, 500, 10)).toBe(495)
    expect(windowStart(1000, 999, 10)).toBe(990)
  })

  test('cells are exact widths; paths keep their end', () => {
    expect(cell('abcdef', 4)).toBe('abc…')
    expect(cell('ab', 4)).toBe('ab  ')
    expect(clipStart('src/workflows/approval.lua:11', 12)).toBe('…oval.lua:11')
    expect([formatAge(4000), formatAge(12 * 60_000), formatAge(3_900_000), formatAge(2 * 86_400_000)]).toEqual([
      '4s',
      '12m',
      '1h5m',
      '2d',
    ])
  })

  test('timeline rows pair each step with its end; an open timer is pending', () => {
    const rows = timelineRows(PAYMENT_HISTORY)
    expect(rows.find((r) => r.seq === 2)).toMatchObject({durationMs: 3, where: 'payment.lua:5'})
    expect(rows.find((r) => r.seq === 4)?.durationMs).toBe(86_400_000)
    expect(timelineRows(SLEEPING_HISTORY).at(-1)).toMatchObject({pending: true, type: 'TimerStarted'})
    expect(durationBar(86_400_000, 86_400_000, 5)).toBe('█████')
    expect(durationBar(3, 86_400_000, 5)).toBe('█')
  })
})

describe('shortcuts', () => {
  test('the footer leaves out the well-known keys first to fit, never ? help and q quit', () => {
    expect(footerText('timeline')).toBe(
      'enter details · esc back · s signal · t skip · f fork · c cancel · x terminate · r replay · ? help · q quit',
    )
    const narrow = footerText('timeline', 50)
    expect(narrow.length).toBeLessThanOrEqual(50)
    expect(narrow).toMatch(/\? help · q quit$/)
    // At 80 the well-known keys go first; cancel, terminate and replay stay
    expect(footerText('timeline', 80)).toBe(
      's signal · t skip · f fork · c cancel · x terminate · r replay · ? help · q quit',
    )
  })

  test('the footer lists only the keys that apply: none of the run keys on a service row', () => {
    const service = {
      entry: 'app:hb',
      id: 'app:heartbeat',
      key: 'service:app:heartbeat',
      kind: 'service' as const,
      loaded: true,
      pid: '{app:processes|0x1}',
      startedAt: 1,
      status: 'running',
    }
    expect(footerText('processes', 200, (a) => actionApplies(a, 'processes', service))).toBe(
      'enter open · / filter · ? help · q quit',
    )
    const closed = {...service, key: 'wf-1', id: 'wf-1', kind: 'workflow' as const, status: 'completed'}
    expect(footerText('processes', 200, (a) => actionApplies(a, 'processes', closed))).toBe(
      'enter open · / filter · r replay · ? help · q quit',
    )
    const oldCodeMark = {...closed, oldCodeMark: {at: 3}, status: 'running'}
    expect(footerText('processes', 200, (a) => actionApplies(a, 'processes', oldCodeMark))).toContain('f fork')
  })

  test('the help shows ? as a toggle and the footer of the help has no "? for the keys" loop', () => {
    expect(matchShortcut('help', '?', key())?.action).toBe('help')
    expect(matchShortcut('help', '', key({escape: true}))?.action).toBe('back')
    expect(matchShortcut('processes', 'G', key({shift: true}))?.action).toBe('end')
    expect(matchShortcut('timeline', '', key({home: true}))?.action).toBe('home')
  })

  test('a chunk of keys is split into the keys it holds; a single or named key is left alone', () => {
    expect(splitKeys('jjj', key()).map((k) => k.input)).toEqual(['j', 'j', 'j'])
    const chunk = splitKeys('/ab\r\u007F\u0003', key())
    expect(chunk.map((k) => [k.input, k.key.return, k.key.backspace, k.key.ctrl])).toEqual([
      ['/', false, false, false],
      ['a', false, false, false],
      ['b', false, false, false],
      ['', true, false, false],
      ['', false, true, false],
      ['c', false, false, true],
    ])
    expect(splitKeys('j', key())).toEqual([{input: 'j', key: key()}])
    expect(splitKeys('', key({upArrow: true}))).toEqual([{input: '', key: key({upArrow: true})}])
  })

  test('each key means one thing per view', () => {
    expect(matchShortcut('processes', '', key({return: true}))?.action).toBe('open')
    expect(matchShortcut('timeline', '', key({return: true}))?.action).toBe('expand')
    expect(matchShortcut('processes', 'f', key())?.action).toBe('fork')
    expect(matchShortcut('process', 'f', key())).toBeUndefined()
    expect(matchShortcut('help', 'q', key())?.action).toBe('quit')
    expect(matchShortcut('replay', 'c', key({ctrl: true}))?.action).toBe('quit')
    for (const view of ['processes', 'timeline', 'replay', 'help', 'process'] as const) {
      const active = SHORTCUTS.filter((s) => s.views === undefined || s.views.includes(view))
      const labels = active.map((s) => s.label)
      expect(new Set(labels).size, view).toBe(labels.length)
    }
  })

  test('line editing: typing and pastes append, backspace deletes, enter is not an edit', () => {
    expect(editLine('ap', 'prove', key())).toBe('approve')
    expect(editLine('approve', '', key({backspace: true}))).toBe('approv')
    expect(editLine('x', '', key({delete: true}))).toBe('')
    expect(editLine('x', '\r', key({return: true}))).toBeUndefined()
    expect(editLine('', '{"a":\n1}', key())).toBe('{"a": 1}')
  })
})

const PID = '{app:temporal_client@app:temporal_worker|wf-6eb6d9d7f572}'
const DIVERGED = `Workflow ${PID} diverges from its history at event 5: expected no new command before SignalReceived, got funcs.call app.orders:fulfill("Q-1") (src/workflows/approval.lua:12).`

describe('TUI text', () => {
  test('PIDs are shown as workflow IDs; a divergence leads with its event and file:line', () => {
    expect(shortenPids(`signal approve delivered to ${PID}`)).toBe('signal approve delivered to wf-6eb6d9d7f572')
    expect(compactProblem(DIVERGED)).toBe(
      'diverges at event 5 (src/workflows/approval.lua:12): expected no new command before SignalReceived, got funcs.call app.orders:fulfill("Q-1")',
    )
    expect(describeRun({...run('wf-6eb6d9d7f572'), problem: DIVERGED, status: 'blocked', waiting: undefined})).toMatch(
      /^blocked #5 approval\.lua:12: expected no new command/,
    )
    expect(compactProblem('boom')).toBe('boom')
  })

  test('error notes say "Can\'t …" once, and get UI hints by code, not shell or CLI advice', () => {
    const closed = new WippyError('WIPPY_WORKFLOW_CLOSED', `Can't cancel workflow ${PID}: it has already failed.`, {
      hint: 'Check its state with `wippy ps --all` or `wippy history inspect`.',
    })
    expect(failureText('cancel wf-6eb6d9d7f572', closed)).toBe(
      "Can't cancel workflow wf-6eb6d9d7f572: it has already failed.",
    )
    const noTimer = new WippyError('WIPPY_NO_TIMER', `Workflow ${PID} has no pending timer.`, {
      hint: 'Use --by DURATION to move its clock anyway.',
    })
    expect(failureText('skip time on wf-6eb6d9d7f572', noTimer)).toBe(
      "Can't skip time on wf-6eb6d9d7f572: Workflow wf-6eb6d9d7f572 has no pending timer. It waits on no timer; t only skips to a pending one.",
    )
    let json: unknown
    try {
      parseJsonArg("{'approved': True}", 'payload')
    } catch (error) {
      json = error
    }
    const text = tuiErrorText(json)
    expect(text).toMatch(/^The payload is not valid JSON at position 1/)
    expect(text).not.toMatch(/shell|single quotes/)
    expect(text).toContain('{"approved": true}')
  })

  test('a reload note leads with the fork command, so a cut line still shows it', () => {
    const lines = reloadLines({
      added: [],
      changed: ['app.workflows:approval'],
      errors: [],
      ms: 12,
      removed: [],
      workflows: [
        {
          compatible: false,
          divergence: 'diverges at event 2: expected A, got B (src/workflows/approval.lua:12)',
          forkCommand: 'wippy fork wf-f77f --at 1',
          pid: '{c@w|wf-f77f}',
        },
      ],
    })
    expect(lines).toEqual([
      'reloaded +0 ~1 -0 in 12 ms (app.workflows:approval)',
      'reload: wf-f77f stays on its old code · restart it on the new code: wippy fork wf-f77f --at 1 (f on its row) · diverges at event 2: expected A, got B (src/workflows/approval.lua:12)',
    ])
  })

  test('a long error wraps inside the prompt, at most 3 lines, the last cut cleanly', () => {
    const lines = wrapLines('a '.repeat(200), 20, 3)
    expect(lines).toHaveLength(3)
    expect(lines.every((l) => l.length <= 20)).toBe(true)
    expect(lines[2]).toMatch(/…$/)
    expect(wrapLines('short text', 20, 3)).toEqual(['short text'])
  })
})

describe('columns and times', () => {
  test('offsets never overflow the TIME column and are never negative', () => {
    for (const ms of [
      -261_021, 0, 43, 1488, 59_999, 218_520, 3_599_999, 86_410_010, 359_999_999, 400_000_000_000, 1e15,
    ]) {
      const text = formatOffset(ms)
      expect(text.length, text).toBeLessThanOrEqual(OFFSET_WIDTH)
      expect(text, text).not.toMatch(/-/)
    }
    expect(formatOffset(-4000)).toBe('+0ms')
    expect(formatOffset(218_520)).toBe('+3m38.5s')
    expect(formatOffset(86_410_010)).toBe('+24h0m10s')
  })

  test("a fork's copied events, older than its start, get offset 0", () => {
    const [start, ...rest] = PAYMENT_HISTORY
    const forked = [{...start!, ts: start!.ts + 261_021}, ...rest.slice(0, 2)]
    expect(timelineRows(forked).map((r) => r.offsetMs)).toEqual([0, 0, 0])
  })

  test('IDs that differ at the end keep both ends; a row without a start time has no age', () => {
    expect(cellMiddle('wf-d4bb6080a42a.2', 14)).toBe('wf-d4b…0a42a.2')
    expect(cellMiddle('wf-d4bb6080a42a.2', 14)).not.toBe(cellMiddle('wf-d4bb6080a42a.3', 14))
    expect(cellMiddle('wf-1', 6)).toBe('wf-1  ')
    expect(rowAge(Date.UTC(2026, 11, 4), 0)).toBe('-')
  })
})

describe('rows: services, resyncs, cancels, old code', () => {
  const service = (pid: string, status: string) => ({
    entry: 'app:hb',
    id: 'app:heartbeat',
    kind: 'service' as const,
    loaded: true,
    pid,
    startedAt: 5,
    status,
  })

  test('a service keeps one row across restarts (new PIDs); a resync drops rows the engine no longer lists', () => {
    let state = initialFeedState([service('{p|0x1}', 'running')], status())
    state = applyEngineEvents(
      state,
      [
        {summary: service('', 'failed'), type: 'run'},
        {summary: service('{p|0x2}', 'running'), type: 'run'},
      ],
      status(),
    )
    expect([...state.runs.keys()]).toEqual(['service:app:heartbeat'])
    state = applyEngineEvents(
      state,
      [
        {
          summary: {
            entry: '',
            id: '{p|0x9}',
            kind: 'process',
            loaded: false,
            pid: '{p|0x9}',
            startedAt: 0,
            status: 'exited',
          },
          type: 'run',
        },
      ],
      status(),
    )
    expect(state.runs.size).toBe(2)
    state = applyEngineEvents(state, [{runs: [service('{p|0x2}', 'running')], type: 'sync'}], status())
    expect([...state.runs.keys()]).toEqual(['service:app:heartbeat'])
  })

  test('a CancelRequested in the stream marks the run at once; a reload marks the runs it left on old code', () => {
    const r = run('wf-1')
    let state = initialFeedState([r], status())
    state = applyEngineEvents(
      state,
      [{event: {from: 'wippy-dev', reason: 'x', seq: 2, ts: 1, type: 'CancelRequested'}, pid: r.pid, type: 'history'}],
      status(),
    )
    expect(describeRun(rowsOf(state)[0]!)).toBe('cancel requested · waiting for a signal')
    const report = {
      added: [],
      changed: [],
      errors: [],
      ms: 1,
      removed: [],
      workflows: [
        {compatible: false, divergence: 'diverges at event 4', forkCommand: 'wippy fork wf-1 --at 3', pid: r.pid},
      ],
    }
    state = applyEngineEvents(state, [{report, type: 'reload'}], status())
    expect(rowsOf(state)[0]).toMatchObject({oldCodeMark: {at: 3, divergence: 'diverges at event 4'}})
    expect(describeRun(rowsOf(state)[0]!)).toBe('cancel requested · old code · waiting for a signal')
    state = applyEngineEvents(
      state,
      [{report: {...report, workflows: [{compatible: true, pid: r.pid}]}, type: 'reload'}],
      status(),
    )
    expect(rowsOf(state)[0]!.oldCodeMark).toBeUndefined()
  })
})
