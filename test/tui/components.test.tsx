/**
 * The TUI's views as pure components: each state (empty, running, failed, blocked/diverged)
 * rendered with ink-testing-library and compared as an ANSI-stripped inline snapshot at 80
 * columns (the smallest terminal we support).
 */
import {render} from 'ink-testing-library'
import {stripVTControlCharacters} from 'node:util'
import {describe, expect, test} from 'vitest'

import {HistoryEvent} from '../../src/history/events.js'
import {ConfirmPrompt} from '../../src/tui/ConfirmPrompt.js'
import {Header} from '../../src/tui/Header.js'
import {HelpView} from '../../src/tui/HelpView.js'
import {ProcessList} from '../../src/tui/ProcessList.js'
import {ProcessView} from '../../src/tui/ProcessView.js'
import {SignalPrompt} from '../../src/tui/SignalPrompt.js'
import {ReplaySteps} from '../../src/tui/ReplaySteps.js'
import {Timeline} from '../../src/tui/Timeline.js'
import {sortRuns} from '../../src/tui/feed-state.js'
import {type KeySlot, charKey} from '../../src/tui/keys.js'
import {renderInTerminal} from './harness.js'
import {timelineRows} from '../../src/tui/timeline-model.js'
import {
  FAILED_HISTORY,
  PAYMENT_HISTORY,
  REPLAY_DIVERGED,
  REPLAY_OK,
  RUNS,
  SLEEPING_HISTORY,
  T0,
  run,
  status,
} from './fixtures.js'

const W = 80
const DIVERGED_PROBLEM =
  'Workflow {app:temporal_client@app:temporal_worker|wf-6eb6d9d7f572} diverges from its history at event 5: expected no new command before SignalReceived, got funcs.call app.orders:fulfill("Q-1") (src/workflows/approval.lua:12).'

function frame(node: React.ReactElement): string {
  const {lastFrame, unmount} = render(node)
  const text = stripVTControlCharacters(lastFrame() ?? '')
  unmount()
  return (
    '\n' +
    text
      .split('\n')
      .map((l) => l.trimEnd())
      .join('\n') +
    '\n'
  )
}

describe('Header', () => {
  test('shows the project, persistence, control address and counts', () => {
    expect(frame(<Header info={{watching: true}} status={status()} width={W} />)).toMatchInlineSnapshot(`
      "
      wippy dev · shop · persistence on (durable) .wippy/dev · control /tmp/wippy-dev…
      5 runs: 3 open, 1 blocked · 14 entries · watching
      "
    `)
  })

  test('shows the last reload with its changes, or its errors', () => {
    const ok = {
      added: ['app.workflows:new'],
      changed: ['app.workflows:payment'],
      errors: [],
      ms: 14.2,
      removed: [],
      workflows: [{compatible: false, pid: RUNS[2]!.pid}],
    }
    expect(frame(<Header info={{}} lastReload={ok} status={status()} width={W} />)).toMatchInlineSnapshot(`
      "
      wippy dev · shop · persistence on (durable) .wippy/dev · control /tmp/wippy-dev…
      5 runs: 3 open, 1 blocked · 14 entries · reloaded in 14 ms: +1 ~1 -0, 1 run kept on old code
      "
    `)
    const failed = {...ok, errors: [{code: 'WIPPY_YAML', message: "Can't parse the YAML."}], workflows: []}
    expect(frame(<Header info={{}} lastReload={failed} status={status()} width={W} />)).toMatchInlineSnapshot(`
      "
      wippy dev · shop · persistence on (durable) .wippy/dev · control /tmp/wippy-dev…
      5 runs: 3 open, 1 blocked · 14 entries · reload failed in 14 ms: 1 error
      "
    `)
  })
})

describe('ProcessList', () => {
  test('empty: tells how to start a run', () => {
    expect(frame(<ProcessList filter="" height={5} now={T0} runs={[]} selected={0} total={0} width={W} />))
      .toMatchInlineSnapshot(`
      "
      RUNS 0 of 0
          ID       ENTRY      STATUS   AGE
        No runs yet. Start one: wippy spawn <entry> '<json input>'


      "
    `)
  })

  test('running, sleeping, blocked, failed and completed runs with their waits and ages', () => {
    expect(
      frame(
        <ProcessList filter="" height={8} now={T0} runs={sortRuns(RUNS)} selected={1} total={RUNS.length} width={W} />,
      ),
    ).toMatchInlineSnapshot(`
      "
      RUNS 5 of 5
          ID           ENTRY                  STATUS                               AGE
        ■ wf-pay-8     app.workflows:payment  blocked #7 payment.lua:9: expecte…  1h1m
      › ● wf-approve-1 app.workflows:approval waiting for a signal                 12s
        ● wf-pay-7     app.workflows:payment  sleeping, 23h59m left                 3m
        ✗ wf-retry-2   app.workflows:retry    failed: app.api:flaky: bad input      1m
        ✓ wf-steps-3   app.workflows:steps    completed                             2d

      "
    `)
  })

  test('a filter that matches nothing says so', () => {
    expect(frame(<ProcessList filter="nope" height={4} now={T0} runs={[]} selected={0} total={5} width={W} />))
      .toMatchInlineSnapshot(`
      "
      RUNS 0 of 5 · filter /nope
          ID       ENTRY      STATUS   AGE
        No runs match /nope/ (esc clears the filter)

      "
    `)
  })

  test('windowed: 10,000 runs render only the rows that fit, around the selection', () => {
    const many = Array.from({length: 10_000}, (_, i) =>
      run(`wf-${String(i).padStart(5, '0')}`, {startedAt: T0 - i * 1000}),
    )
    const t0 = performance.now()
    const text = frame(
      <ProcessList filter="" height={7} now={T0} runs={many} selected={5000} total={many.length} width={W} />,
    )
    const ms = performance.now() - t0
    expect(text).toMatchInlineSnapshot(`
      "
      RUNS 10000 of 10000 · 4999-5003
          ID       ENTRY                  STATUS                 AGE
        ● wf-04998 app.workflows:approval waiting for a signal 1h23m
        ● wf-04999 app.workflows:approval waiting for a signal 1h23m
      › ● wf-05000 app.workflows:approval waiting for a signal 1h23m
        ● wf-05001 app.workflows:approval waiting for a signal 1h23m
        ● wf-05002 app.workflows:approval waiting for a signal 1h23m
      "
    `)
    expect(ms).toBeLessThan(500)
  })
})

describe('Timeline', () => {
  test('empty while the history loads', () => {
    expect(frame(<Timeline expanded={false} height={4} loading rows={[]} selected={0} width={W} />))
      .toMatchInlineSnapshot(`
      "
      TIMELINE  · 0 events
        SEQ TIME EVENT SUMMARY                                               TOOK
        Loading the history…

      "
    `)
  })

  test('running: a sleeping payment, following the last event; the open timer shows …', () => {
    const rows = timelineRows(SLEEPING_HISTORY)
    expect(
      frame(
        <Timeline
          expanded={false}
          height={8}
          loading={false}
          rows={rows}
          run={RUNS[1]}
          selected={rows.length - 1}
          width={W}
        />,
      ),
    ).toMatchInlineSnapshot(`
      "
      TIMELINE wf-pay-7 · app.workflows:payment · 4 events · ● sleeping, 23h59m left
        SEQ TIME EVENT             SUMMARY                     TOOK      WHERE
        #1  +0ms WorkflowStarted   app.workflows:payment({"am…
        #2  +1ms ActivityScheduled app.api:charge_card({"amou… 3ms       payment.lua:5
        #3  +4ms ActivityCompleted #2 {"amount":10,"id":"ch_1…
      › #4  +4ms TimerStarted      24h                         …         payment.lua:7


      "
    `)
  })

  test('completed: durations as bars, the selected event unfolded with its file:line and result', () => {
    const rows = timelineRows(PAYMENT_HISTORY)
    const done = run('wf-pay-7', {entry: 'app.workflows:payment', status: 'completed', waiting: undefined})
    expect(frame(<Timeline expanded height={16} loading={false} rows={rows} run={done} selected={1} width={W} />))
      .toMatchInlineSnapshot(`
      "
      TIMELINE wf-pay-7 · app.workflows:payment · 11 events · ✓ completed
        SEQ TIME    EVENT             SUMMARY                 TOOK      WHERE
        #1  +0ms    WorkflowStarted   app.workflows:payment(…
      ▾ #2  +1ms    ActivityScheduled app.api:charge_card({"… 3ms       payment.lua:5
             │ at payment.lua:5
             │ args: [{"amount":10}]
        #3  +4ms    ActivityCompleted #2 {"amount":10,"id":"…
        #4  +4ms    TimerStarted      24h                     24h       payment.lua:7
        #5  +24h4ms TimeSkipped       +24h
        #6  +24h4ms TimerFired        #4
        #7  +24h5ms ActivityScheduled app.api:check_status("… 2ms       payment.lua:8
        #8  +24h7ms ActivityCompleted #7 "failed"
        #9  +24h8ms ActivityScheduled app.api:refund("ch_10") 1ms       payment.lua:10
        #10 +24h9ms ActivityCompleted #9 {"refunded":"ch_10"}
        #11 +24h9ms WorkflowCompleted {"charge":{"amount":10…

      "
    `)
  })

  test('failed: the error is in the rows; wide terminals get a WHERE column', () => {
    const rows = timelineRows(FAILED_HISTORY)
    expect(
      frame(
        <Timeline expanded={false} height={7} loading={false} rows={rows} run={RUNS[3]} selected={2} width={100} />,
      ),
    ).toMatchInlineSnapshot(`
      "
      TIMELINE wf-retry-2 · app.workflows:retry · 4 events · ✗ failed: app.api:flaky: bad input
        SEQ TIME EVENT             SUMMARY                                           TOOK      WHERE
        #1  +0ms WorkflowStarted   app.workflows:retry("fatal") wf-retry-2
        #2  +2ms ActivityScheduled app.api:flaky("fatal")                            3ms       retry.lua:4
      › #3  +5ms ActivityFailed    #2 INVALID: bad input
        #4  +6ms WorkflowFailed    INVALID: app.api:flaky: bad input

      "
    `)
  })
})

describe('ReplaySteps', () => {
  test('checking: the verdict is pending', () => {
    expect(frame(<ReplaySteps events={SLEEPING_HISTORY} height={10} id="wf-pay-7" selected={0} width={W} />))
      .toMatchInlineSnapshot(`
      "
      REPLAY wf-pay-7 · checking… · step 1/4
      › · #1   WorkflowStarted app.workflows:payment({"amount":10}) wf-pay-7
        · #2   ActivityScheduled app.api:charge_card({"amount":10})
        · #3   ActivityCompleted #2 {"amount":10,"id":"ch_10"}
        · #4   TimerStarted 24h

      ─ replaying the history against the current code…



      "
    `)
  })

  test('ok: every event ✓', () => {
    expect(
      frame(
        <ReplaySteps check={REPLAY_OK} events={PAYMENT_HISTORY} height={17} id="wf-pay-7" selected={10} width={W} />,
      ),
    ).toMatchInlineSnapshot(`
      "
      REPLAY wf-pay-7 · ✓ 11 events match the current code · step 11/11
        ✓ #1   WorkflowStarted app.workflows:payment({"amount":10}) wf-pay-7
        ✓ #2   ActivityScheduled app.api:charge_card({"amount":10})
        ✓ #3   ActivityCompleted #2 {"amount":10,"id":"ch_10"}
        ✓ #4   TimerStarted 24h
        ✓ #5   TimeSkipped +24h
        ✓ #6   TimerFired #4
        ✓ #7   ActivityScheduled app.api:check_status("ch_10")
        ✓ #8   ActivityCompleted #7 "failed"
        ✓ #9   ActivityScheduled app.api:refund("ch_10")
        ✓ #10  ActivityCompleted #9 {"refunded":"ch_10"}
      › ✓ #11  WorkflowCompleted {"charge":{"amount":10,"id":"ch_10"},"status":"refun…

      ─ ✓ #11 WorkflowCompleted matched



      "
    `)
  })

  test('diverged: ✓ until event 4, ✗ at it with expected vs got and file:line, · after', () => {
    expect(
      frame(
        <ReplaySteps
          check={REPLAY_DIVERGED}
          events={PAYMENT_HISTORY}
          height={12}
          id="wf-pay-7"
          selected={3}
          width={W}
        />,
      ),
    ).toMatchInlineSnapshot(`
      "
      REPLAY wf-pay-7 · ✗ diverges at event 4 · step 4/11
        ✓ #1   WorkflowStarted app.workflows:payment({"amount":10}) wf-pay-7
        ✓ #2   ActivityScheduled app.api:charge_card({"amount":10})
        ✓ #3   ActivityCompleted #2 {"amount":10,"id":"ch_10"}
      › ✗ #4   TimerStarted 24h
        · #5   TimeSkipped +24h
        · #6   TimerFired #4
        · #7   ActivityScheduled app.api:check_status("ch_10")
      ─ ✗ event 4: expected TimerStarted 24h
            got ActivityScheduled app.api:refund(["ch_10"])
             at payment.lua:7
        f: fork at event 3 (before it) · or revert, or guard with workflow.version()
      "
    `)
  })

  test('stepping past the divergence explains the step was not replayed', () => {
    expect(
      frame(
        <ReplaySteps
          check={REPLAY_DIVERGED}
          events={PAYMENT_HISTORY}
          height={12}
          id="wf-pay-7"
          selected={6}
          width={W}
        />,
      ),
    ).toMatchInlineSnapshot(`
      "
      REPLAY wf-pay-7 · ✗ diverges at event 4 · step 7/11
        ✗ #4   TimerStarted 24h
        · #5   TimeSkipped +24h
        · #6   TimerFired #4
      › · #7   ActivityScheduled app.api:check_status("ch_10")
        · #8   ActivityCompleted #7 "failed"
        · #9   ActivityScheduled app.api:refund("ch_10")
        · #10  ActivityCompleted #9 {"refunded":"ch_10"}
      ─ · #7 not replayed: the code diverged at event 4



      "
    `)
  })
})

describe('HelpView', () => {
  test('prints every shortcut from the table', () => {
    expect(frame(<HelpView height={17} width={W} />)).toMatchInlineSnapshot(`
      "
      KEYS
        ↑/k    move up                          /      filter runs (a new filter eac…
        ↓/j    move down                        s      send a signal (topic + JSON)
        pgup   page up                          t      time skip to the next timer
        pgdn   page down                        f      fork (at the event, before a …
        home/g first row                        c      cancel the run (asks first)
        end/G  last row                         x      terminate the run (asks first…
        enter  open the run’s timeline (a se…   r      replay check against the code
        enter  fold/unfold the event’s detai…   ?      this help (? again closes it)
        esc    back (help: close it)            q      quit: stops the dev server (C…







      "
    `)
  })
})

/** Types `text` into a prompt through its key slot, one key per character, and lets React flush. */
async function typeInto(slot: KeySlot, text: string): Promise<void> {
  for (const press of [...text].map(charKey)) {
    slot.current?.(press.input, press.key)
    await new Promise((r) => setTimeout(r, 5))
  }
  await new Promise((r) => setTimeout(r, 20))
}

function liveFrame(lastFrame: () => string | undefined): string {
  return (
    '\n' +
    stripVTControlCharacters(lastFrame() ?? '')
      .split('\n')
      .map((l) => l.trimEnd())
      .join('\n') +
    '\n'
  )
}

describe('SignalPrompt', () => {
  test('a bad payload: a UI hint (no shell quoting), wrapped inside the box; title and topic lines intact', async () => {
    const slot: KeySlot = {current: undefined}
    const {lastFrame, unmount} = render(
      <SignalPrompt keys={slot} onCancel={() => {}} onSend={async () => {}} target="wf-0c1549b7e16c" width={W} />,
    )
    await typeInto(slot, "approve\r{'approved': True}\r")
    const text = liveFrame(lastFrame)
    unmount()
    expect(text).toMatchInlineSnapshot(`
      "
      ╭────────────────────────────────────────────────────────────────────────────╮
      │Send a signal to wf-0c1549b7e16c                                            │
      │topic:   approve                                                            │
      │payload: {'approved': True}▏                                                │
      │The payload is not valid JSON at position 1 (near "{'approved'"): Expected  │
      │property name or '}' in JSON at position 1. Type plain JSON: double quotes  │
      │around keys and text, e.g. {"approved": true} or "text".                    │
      ╰────────────────────────────────────────────────────────────────────────────╯
      "
    `)
    expect(text).not.toMatch(/shell|single quotes/)
  })

  test('Ctrl-C closes it like Esc', async () => {
    const slot: KeySlot = {current: undefined}
    const closed: string[] = []
    const {unmount} = render(
      <SignalPrompt
        keys={slot}
        onCancel={() => closed.push('closed')}
        onSend={async () => {}}
        target="wf-1"
        width={W}
      />,
    )
    await typeInto(slot, 'appr\u0003')
    unmount()
    expect(closed).toEqual(['closed'])
  })
})

describe('ConfirmPrompt', () => {
  test('asks before a cancel; y confirms, n keeps; a terminate takes a reason', async () => {
    const slot: KeySlot = {current: undefined}
    const outcome: string[] = []
    const {lastFrame, unmount} = render(
      <ConfirmPrompt
        keys={slot}
        onCancel={() => outcome.push('kept')}
        onConfirm={(r) => outcome.push(`confirmed:${r}`)}
        question="Cancel wf-1? (records CancelRequested; can't be undone)"
        width={W}
      />,
    )
    expect(liveFrame(lastFrame)).toMatchInlineSnapshot(`
      "
      ╭────────────────────────────────────────────────────────────────────────────╮
      │Cancel wf-1? (records CancelRequested; can't be undone)                     │
      │y/enter confirm · n/esc/ctrl-c keep it running                              │
      ╰────────────────────────────────────────────────────────────────────────────╯
      "
    `)
    await typeInto(slot, 'zy')
    unmount()
    expect(outcome).toEqual(['confirmed:'])

    const reasonSlot: KeySlot = {current: undefined}
    const terminate = render(
      <ConfirmPrompt
        keys={reasonSlot}
        onCancel={() => outcome.push('kept')}
        onConfirm={(r) => outcome.push(`confirmed:${r}`)}
        question="Terminate wf-1 now?"
        width={W}
        withReason
      />,
    )
    await typeInto(reasonSlot, 'stuck on old code')
    expect(liveFrame(terminate.lastFrame)).toContain('reason:  stuck on old code▏')
    await typeInto(reasonSlot, '\r')
    terminate.unmount()
    expect(outcome).toEqual(['confirmed:', 'confirmed:stuck on old code'])
  })
})

describe('ProcessView', () => {
  test('a service: state, restarts, what it does now, its last problem and recent logs', () => {
    const row = {
      entry: 'app:heartbeat_proc',
      id: 'app:heartbeat',
      key: 'service:app:heartbeat',
      kind: 'service' as const,
      loaded: false,
      pid: '',
      problem: 'simulated crash after 5 beats\nstack traceback:\n  heartbeat.lua:31',
      restarts: 3,
      startedAt: T0 - 10_000,
      status: 'failed',
      waiting: 'restarting in 400 ms',
    }
    const logs = [
      {
        id: 1,
        level: 'warn',
        source: 'app:heartbeat',
        text: 'warn app:heartbeat: app:heartbeat failed (simulated crash after 5 beats); restart 3 in 400 ms',
      },
    ]
    expect(frame(<ProcessView height={12} logs={logs} now={T0} row={row} width={W} />)).toMatchInlineSnapshot(`
      "
      SERVICE app:heartbeat · ✗ failed
        entry     app:heartbeat_proc
        pid       (none: not running)
        restarts  3
        now       restarting in 400 ms
        age       10s
        last problem: simulated crash after 5 beats
          stack traceback:
          heartbeat.lua:31
      RECENT LOGS
        warn app:heartbeat: app:heartbeat failed (simulated crash after 5 beats); res…

      "
    `)
  })
})

describe('columns fit 80 and use 200', () => {
  const children = [
    run('wf-d4bb6080a42a.2', {
      entry: 'app.workflows:order_saga',
      status: 'failed',
      problem: 'Invalid: card declined',
      waiting: undefined,
    }),
    run('wf-d4bb6080a42a.3', {entry: 'app.workflows:order_saga', status: 'completed', waiting: undefined}),
    run('wf-d4bb6080a42a', {entry: 'app.workflows:order_batch', status: 'completed', waiting: undefined}),
    {
      ...run('app:metrics_service', {entry: 'app:metrics_reporter', waiting: 'sleeping 15000 ms'}),
      kind: 'service' as const,
      pid: '{app:processes|0x00001}',
    },
    run('wf-6eb6d9d7f572', {problem: DIVERGED_PROBLEM, status: 'blocked', waiting: undefined}),
  ]

  test('80: child IDs told apart, entry names whole, the blocked reason (event, file:line) visible', () => {
    const text = frame(
      <ProcessList filter="" height={8} now={T0} runs={children} selected={0} total={children.length} width={W} />,
    )
    expect(text).toMatchInlineSnapshot(`
      "
      RUNS 5 of 5
          ID              ENTRY                     STATUS                         AGE
      › ✗ wf-d4bb…0a42a.2 app.workflows:order_saga  failed: Invalid: card decli…    0s
        ✓ wf-d4bb…0a42a.3 app.workflows:order_saga  completed                       0s
        ✓ wf-d4bb6080a42a app.workflows:order_batch completed                       0s
        ● app:met…service app:metrics_reporter      service · sleeping 15000 ms     0s
        ■ wf-6eb6d9d7f572 app.workflows:approval    blocked #5 approval.lua:12:…    0s

      "
    `)
    expect(text).toMatch(/wf-d4bb…\S*a\.2 /)
    expect(text).toMatch(/wf-d4bb…\S*a\.3 /)
    expect(text).toContain('app.workflows:order_batch')
    expect(text).toMatch(/blocked #5 approval\.lua:12/)
    expect(Math.max(...text.split('\n').map((l) => l.length))).toBeLessThanOrEqual(W)
  })

  test('200: the status column ends with its longest text (no padding), the reason shows whole', async () => {
    // (ink-testing-library's stdout is 100 columns: a fake 200-column terminal)
    const term = renderInTerminal(
      <ProcessList filter="" height={8} now={T0} runs={children} selected={0} total={children.length} width={200} />,
      {columns: 200, rows: 12},
    )
    const text = await term.waitFor('RUNS 5 of 5')
    term.unmount()
    const row = text.split('\n').find((l) => l.includes('wf-d4bb6080a42a.3'))!
    expect(row.length).toBeLessThan(190)
    expect(text).toContain('got funcs.call app.orders:fulfill("Q-1")')
  })

  test('80: the timeline keeps WHERE, TIME never overflows, event names are whole', () => {
    const pid = '{app:temporal_client@app:temporal_worker|wf-d4bb6080a42a}'
    const child = (n: number) => `{app:temporal_client@app:temporal_worker|wf-d4bb6080a42a.${n}}`
    const events = [
      {
        codeHash: 'c',
        entry: 'app.workflows:order_batch',
        format: 1,
        host: 'app:temporal_worker',
        input: [{ids: ['B-1', 'B-2']}],
        pid,
        runId: 'r',
        seed: 1,
        seq: 1,
        ts: T0,
        type: 'WorkflowStarted',
        workflowId: 'wf-d4bb6080a42a',
      },
      {
        childPid: child(2),
        entry: 'app.workflows:order_saga',
        host: 'app:temporal_worker',
        input: [{amount: 10, id: 'B-1'}],
        seq: 2,
        ts: T0 + 8,
        type: 'ChildWorkflowStarted',
        where: 'src/workflows/order_batch.lua:17',
      },
      {
        childPid: child(2),
        result: {order_id: 'B-1'},
        seq: 3,
        started: 2,
        ts: T0 + 218_520,
        type: 'ChildWorkflowCompleted',
      },
    ].map((e) => HistoryEvent.parse(e))
    const rows = timelineRows(events)
    const text = frame(<Timeline expanded={false} height={6} loading={false} rows={rows} selected={0} width={W} />)
    expect(text).toMatchInlineSnapshot(`
      "
      TIMELINE  · 3 events
        SEQ TIME     EVENT           SUMMARY              TOOK      WHERE
      › #1  +0ms     WorkflowStarted app.workflows:order…
        #2  +8ms     ChildStarted    app.workflows:order… 3m38.5s   order_batch.lua:17
        #3  +3m38.5s ChildCompleted  wf-d4bb6080a42a.2 {…

      "
    `)
    // Event names are shortened, not cut
    expect(text).toMatch(/ChildCompleted /)
    expect(text).not.toMatch(/Child\S*…/)
    expect(text).toContain('order_batch.lua:17')
    expect(text).toContain('+3m38.5s')
    expect(text).not.toContain(pid)
    expect(Math.max(...text.split('\n').map((l) => l.length))).toBeLessThanOrEqual(W)
  })
})
