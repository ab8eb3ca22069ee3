/**
 * The `--no-tui` lines: a log is never cut with `…` (ux-review 21): long payloads, results and
 * error messages are printed whole, while the timeline summaries (history inspect, the TUI)
 * keep their short form.
 */
import {describe, expect, test} from 'vitest'

import {LineRenderer} from '../../src/dev/line-renderer.js'
import {HistoryEvent} from '../../src/history/events.js'
import {summarizeEvent} from '../../src/history/summary.js'

const PID = '{app:temporal_client@app:temporal_worker|wf-1}'
const LONG = 'Lua reset failed: ran for more than 10000 ms without waiting (runaway work in a library call?)'

function render(events: unknown[]): string[] {
  const out: string[] = []
  const renderer = new LineRenderer({write: (text: string) => out.push(text.replace(/\n$/, ''))})
  for (const e of events) renderer.render({event: HistoryEvent.parse(e), pid: PID, type: 'history'})
  return out
}

describe('--no-tui lines', () => {
  test('long results, payloads and errors are printed whole, never cut with …', () => {
    const big = {items: Array.from({length: 20}, (_, i) => `item-${i}`)}
    const lines = render([
      {args: [big], entry: 'app.api:charge', seq: 2, ts: 2, type: 'ActivityScheduled', where: 'a.lua:3'},
      {
        attempts: 1,
        error: {kind: 'Internal', message: LONG, retryable: false},
        scheduled: 2,
        seq: 3,
        ts: 3,
        type: 'ActivityFailed',
      },
      {from: 'wippy-cli', payload: [big], seq: 4, topic: 'approve', ts: 4, type: 'SignalReceived'},
      {error: {kind: 'Internal', message: LONG}, seq: 5, ts: 5, type: 'WorkflowFailed'},
    ])
    expect(lines).toEqual([
      `step wf-1 #2 ActivityScheduled app.api:charge(${JSON.stringify(big)}) (a.lua:3)`,
      `step wf-1 #3 ActivityFailed #2 Internal: ${LONG}`,
      `signal wf-1 approve ${JSON.stringify(big)}`,
      `run failed wf-1: Internal: ${LONG}`,
    ])
    expect(lines.join('\n')).not.toContain('…')
  })

  test('the timeline summary keeps its short form', () => {
    const e = HistoryEvent.parse({error: {kind: 'Internal', message: LONG}, seq: 5, ts: 5, type: 'WorkflowFailed'})
    expect(summarizeEvent(e)).toMatch(/…$/)
    expect(summarizeEvent(e, Number.POSITIVE_INFINITY)).toBe(`WorkflowFailed Internal: ${LONG}`)
  })
})
