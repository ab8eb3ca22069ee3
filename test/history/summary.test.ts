import {describe, expect, it} from 'vitest'

import type {HistoryEvent} from '../../src/history/events.js'
import {formatDurationExact, summarizeEvent} from '../../src/history/summary.js'

const ts = 1_700_000_000_000

describe('summarizeEvent', () => {
  it('summarizes the seed workflow events on one line', () => {
    const cases: Array<[HistoryEvent, string]> = [
      [
        {args: [{amount: 100}], entry: 'app.api:charge_card', seq: 2, ts, type: 'ActivityScheduled'},
        'ActivityScheduled app.api:charge_card({"amount":100})',
      ],
      [
        {attempts: 3, result: {charge_id: 'ch_1'}, scheduled: 2, seq: 3, ts, type: 'ActivityCompleted'},
        'ActivityCompleted #2 {"charge_id":"ch_1"} (attempt 3)',
      ],
      [
        {
          attempts: 1,
          error: {kind: 'TIMEOUT', message: 'took too long'},
          scheduled: 2,
          seq: 3,
          ts,
          type: 'ActivityFailed',
        },
        'ActivityFailed #2 TIMEOUT: took too long',
      ],
      [{durationMs: 86_400_000, fireAt: ts + 86_400_000, seq: 4, ts, type: 'TimerStarted'}, 'TimerStarted 24h'],
      [
        {from: 'cli', payload: [{approved: true}], seq: 5, topic: 'approve', ts, type: 'SignalReceived'},
        'SignalReceived approve {"approved":true}',
      ],
      [{op: 'time.now', seq: 6, ts, type: 'SideEffect', value: ts}, `SideEffect time.now ${ts}`],
      [{byMs: 5_400_000, seq: 7, ts, type: 'TimeSkipped'}, 'TimeSkipped +1h30m'],
      [{result: undefined, seq: 8, ts, type: 'WorkflowCompleted'}, 'WorkflowCompleted nil'],
      [{seq: 9, ts, type: 'WorkflowTerminated'}, 'WorkflowTerminated'],
      [
        {memo: {note: 'n'}, search: {customer: 'c-1'}, seq: 10, ts, type: 'AttributesUpserted'},
        'AttributesUpserted search {"customer":"c-1"} memo {"note":"n"}',
      ],
      [{memo: {a: 1}, seq: 11, ts, type: 'AttributesUpserted'}, 'AttributesUpserted memo {"a":1}'],
    ]
    for (const [event, summary] of cases) expect(summarizeEvent(event)).toBe(summary)
  })

  it('cuts long JSON at about 60 characters', () => {
    const long = summarizeEvent({
      args: [{note: 'x'.repeat(200)}],
      entry: 'app:f',
      seq: 2,
      ts,
      type: 'ActivityScheduled',
    })
    expect(long).toMatch(/^ActivityScheduled app:f\(\{"note":"x+…\)$/)
    expect(long.length).toBeLessThan(90)
  })
})

describe('formatDurationExact', () => {
  it('writes durations the way Wippy code does', () => {
    expect(formatDurationExact(86_400_000)).toBe('24h')
    expect(formatDurationExact(5_400_000)).toBe('1h30m')
    expect(formatDurationExact(90_000)).toBe('1m30s')
    expect(formatDurationExact(350)).toBe('350ms')
    expect(formatDurationExact(1500)).toBe('1s500ms')
    expect(formatDurationExact(0)).toBe('0ms')
    expect(formatDurationExact(-2000)).toBe('-2s')
  })
})
