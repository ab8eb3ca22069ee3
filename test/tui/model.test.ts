/**
 * The TUI's pure parts: folding the status stream into state (lifecycle lines, log trimming,
 * resync), the scroll window, timeline durations, the footer that keeps `? help` and `q quit`,
 * one-line editing.
 */
import type {Key} from 'ink'
import {describe, expect, test} from 'vitest'

import {applyEngineEvents, filterRuns, initialFeedState, sortRuns} from '../../src/tui/feed-state.js'
import {cell, clipStart, formatAge, windowStart} from '../../src/tui/format.js'
import {editLine} from '../../src/tui/line-edit.js'
import {SHORTCUTS, footerText, matchShortcut} from '../../src/tui/shortcuts.js'
import {durationBar, timelineRows} from '../../src/tui/timeline-model.js'
import {PAYMENT_HISTORY, RUNS, SLEEPING_HISTORY, run, status} from './fixtures.js'

const key = (fields: Partial<Key> = {}): Key => ({backspace: false, ctrl: false, delete: false, downArrow: false, escape: false, leftArrow: false, meta: false, pageDown: false, pageUp: false, return: false, rightArrow: false, shift: false, tab: false, upArrow: false, ...fields}) as Key

describe('feed state', () => {
  test('a run that appears, blocks and fails prints one lifecycle line per status change', () => {
    // Given an empty feed
    let state = initialFeedState([], status())
    // When the stream reports a run three times, twice with the same status
    const r = run('wf-1')
    state = applyEngineEvents(state, [{summary: r, type: 'run'}, {summary: {...r, waiting: 'running app.api:x'}, type: 'run'}], status())
    state = applyEngineEvents(state, [{summary: {...r, problem: 'diverges at event 7', status: 'blocked'}, type: 'run'}], status())
    state = applyEngineEvents(state, [{level: 'info', message: 'hello from Lua', pid: r.pid, type: 'log'}], status())
    // Then the log has the start, the block and the Lua line; the run has its last summary
    expect(state.logs.map((l) => l.text)).toEqual(['run started wf-1 app.workflows:approval', 'run blocked wf-1: diverges at event 7', 'info wf-1: hello from Lua'])
    expect(state.runs.get(r.pid)?.status).toBe('blocked')
    expect(new Set(state.logs.map((l) => l.id)).size).toBe(3)
  })

  test('history events leave the state untouched (no redraw of the list)', () => {
    const state = initialFeedState(RUNS, status())
    const next = applyEngineEvents(state, [{event: PAYMENT_HISTORY[1]!, pid: RUNS[1]!.pid, type: 'history'}], state.status)
    expect(next.runs).toBe(state.runs)
    expect(next.logs).toBe(state.logs)
  })

  test('past 500 lines the printed ones are dropped and <Static> restarts on a new epoch', () => {
    let state = initialFeedState([], status())
    for (let i = 0; i < 12; i++) {
      state = applyEngineEvents(state, Array.from({length: 50}, (_, j) => ({level: 'info', message: `line ${i * 50 + j}`, type: 'log' as const})), status())
    }
    expect(state.logEpoch).toBe(1)
    expect(state.logs.length).toBeLessThanOrEqual(500)
    expect(state.logs.at(-1)?.text).toBe('info: line 599')
    expect(state.logs.at(-1)?.id).toBe(600)
  })

  test('a resync updates only runs that changed (a wait that ticks down)', () => {
    const state = initialFeedState(RUNS, status())
    const ticked = {...RUNS[1]!, waiting: 'sleeping, 23h58m left'}
    const next = applyEngineEvents(state, [{runs: [...RUNS.slice(0, 1), ticked, ...RUNS.slice(2)], type: 'sync'}], status())
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
    expect([formatAge(4000), formatAge(12 * 60_000), formatAge(3_900_000), formatAge(2 * 86_400_000)]).toEqual(['4s', '12m', '1h5m', '2d'])
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
  test('the footer drops keys from the middle to fit, never ? help and q quit', () => {
    expect(footerText('timeline')).toBe('enter details · esc back · s signal · t skip · f fork · c cancel · r replay · ? help · q quit')
    const narrow = footerText('timeline', 50)
    expect(narrow.length).toBeLessThanOrEqual(50)
    expect(narrow).toMatch(/\? help · q quit$/)
  })

  test('each key means one thing per view', () => {
    expect(matchShortcut('processes', '', key({return: true}))?.action).toBe('open')
    expect(matchShortcut('timeline', '', key({return: true}))?.action).toBe('expand')
    expect(matchShortcut('processes', 'f', key())).toBeUndefined()
    expect(matchShortcut('help', 'q', key())?.action).toBe('quit')
    expect(matchShortcut('replay', 'c', key({ctrl: true}))?.action).toBe('quit')
    for (const view of ['processes', 'timeline', 'replay', 'help'] as const) {
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
