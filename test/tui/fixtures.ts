/**
 * Real data objects in the shapes the engine emits (ProcessInfo from `ps`/the status stream,
 * HistoryEvent from histories), with fixed clocks so frames are stable. Each history is
 * parsed by the HistoryEvent schema, so a fixture cannot drift from the on-disk contract.
 */
import type {EngineStatus, ProcessInfo, ReplayCheckResult} from '../../src/engine/api.js'
import {HistoryEvent} from '../../src/history/events.js'

export const T0 = Date.UTC(2026, 0, 1, 12, 0, 0)
const PID = (id: string): string => `{app:temporal_client@app:temporal_worker|${id}}`

export function run(id: string, fields: Partial<ProcessInfo> = {}): ProcessInfo {
  return {
    entry: 'app.workflows:approval',
    id,
    kind: 'workflow',
    loaded: true,
    pid: PID(id),
    startedAt: T0,
    status: 'running',
    waiting: 'waiting for a signal',
    ...fields,
  }
}

export const RUNS: ProcessInfo[] = [
  run('wf-approve-1', {startedAt: T0 - 12_000}),
  run('wf-pay-7', {entry: 'app.workflows:payment', startedAt: T0 - 3 * 60_000, waiting: 'sleeping, 23h59m left'}),
  run('wf-pay-8', {
    entry: 'app.workflows:payment',
    problem: `Workflow ${PID('wf-pay-8')} diverges from its history at event 7: expected TimerStarted 24h, got ActivityScheduled app.api:refund (src/workflows/payment.lua:9).`,
    startedAt: T0 - 3_700_000,
    status: 'blocked',
    waiting: undefined,
  }),
  run('wf-retry-2', {
    closedAt: T0 - 1000,
    entry: 'app.workflows:retry',
    problem: 'app.api:flaky: bad input',
    startedAt: T0 - 90_000,
    status: 'failed',
    waiting: undefined,
  }),
  run('wf-steps-3', {
    closedAt: T0 - 2000,
    entry: 'app.workflows:steps',
    startedAt: T0 - 2 * 86_400_000,
    status: 'completed',
    waiting: undefined,
  }),
]

export function status(fields: Partial<EngineStatus> = {}): EngineStatus {
  return {
    controlAddress: '/tmp/wippy-dev/ctl.sock',
    entries: 14,
    persistence: {dir: '/home/dev/shop/.wippy/dev', durable: true},
    processes: 0,
    root: '/home/dev/shop',
    workflows: {blocked: 1, open: 3, total: 5},
    ...fields,
  }
}

const pid = PID('wf-pay-7')
/** The payment workflow: charged, slept 24h (skipped), checked, refunded. */
export const PAYMENT_HISTORY: HistoryEvent[] = [
  {
    codeHash: 'c0ffee',
    entry: 'app.workflows:payment',
    format: 1,
    host: 'app:temporal_worker',
    input: [{amount: 10}],
    pid,
    runId: 'r1',
    seed: 7,
    seq: 1,
    ts: T0,
    type: 'WorkflowStarted',
    workflowId: 'wf-pay-7',
  },
  {
    args: [{amount: 10}],
    entry: 'app.api:charge_card',
    seq: 2,
    ts: T0 + 1,
    type: 'ActivityScheduled',
    where: 'payment.lua:5',
  },
  {attempts: 1, result: {amount: 10, id: 'ch_10'}, scheduled: 2, seq: 3, ts: T0 + 4, type: 'ActivityCompleted'},
  {
    durationMs: 86_400_000,
    fireAt: T0 + 4 + 86_400_000,
    seq: 4,
    ts: T0 + 4,
    type: 'TimerStarted',
    where: 'payment.lua:7',
  },
  {byMs: 86_400_000, seq: 5, ts: T0 + 4 + 86_400_000, type: 'TimeSkipped'},
  {seq: 6, started: 4, ts: T0 + 4 + 86_400_000, type: 'TimerFired'},
  {
    args: ['ch_10'],
    entry: 'app.api:check_status',
    seq: 7,
    ts: T0 + 5 + 86_400_000,
    type: 'ActivityScheduled',
    where: 'payment.lua:8',
  },
  {attempts: 1, result: 'failed', scheduled: 7, seq: 8, ts: T0 + 7 + 86_400_000, type: 'ActivityCompleted'},
  {
    args: ['ch_10'],
    entry: 'app.api:refund',
    seq: 9,
    ts: T0 + 8 + 86_400_000,
    type: 'ActivityScheduled',
    where: 'payment.lua:10',
  },
  {attempts: 1, result: {refunded: 'ch_10'}, scheduled: 9, seq: 10, ts: T0 + 9 + 86_400_000, type: 'ActivityCompleted'},
  {
    result: {charge: {amount: 10, id: 'ch_10'}, status: 'refunded'},
    seq: 11,
    ts: T0 + 9 + 86_400_000,
    type: 'WorkflowCompleted',
  },
].map((e) => HistoryEvent.parse(e))

/** The same run while it sleeps: the first four events. */
export const SLEEPING_HISTORY = PAYMENT_HISTORY.slice(0, 4)

/** A run that failed on a non-retryable error. */
export const FAILED_HISTORY: HistoryEvent[] = [
  {
    codeHash: 'c0ffee',
    entry: 'app.workflows:retry',
    format: 1,
    host: 'app:temporal_worker',
    input: ['fatal'],
    pid: PID('wf-retry-2'),
    runId: 'r2',
    seed: 3,
    seq: 1,
    ts: T0,
    type: 'WorkflowStarted',
    workflowId: 'wf-retry-2',
  },
  {args: ['fatal'], entry: 'app.api:flaky', seq: 2, ts: T0 + 2, type: 'ActivityScheduled', where: 'retry.lua:4'},
  {
    attempts: 1,
    error: {kind: 'INVALID', message: 'bad input', retryable: false},
    scheduled: 2,
    seq: 3,
    ts: T0 + 5,
    type: 'ActivityFailed',
  },
  {error: {kind: 'INVALID', message: 'app.api:flaky: bad input'}, seq: 4, ts: T0 + 6, type: 'WorkflowFailed'},
].map((e) => HistoryEvent.parse(e))

export const REPLAY_OK: ReplayCheckResult = {ok: true, pid, replayedEvents: 11}

/** The check of a run whose code now refunds before sleeping. */
export const REPLAY_DIVERGED: ReplayCheckResult = {
  divergence: {
    eventIndex: 4,
    expected: 'TimerStarted 24h',
    got: 'ActivityScheduled app.api:refund(["ch_10"])',
    message: 'Workflow diverges at event 4',
    where: 'payment.lua:7',
  },
  ok: false,
  pid,
  replayedEvents: 3,
}
