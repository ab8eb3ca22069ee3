/**
 * The run view over hand-built histories (each checked against the event schemas): the status
 * a closing event leaves, what an open run waits for, the workflow clock after time skips,
 * the outcome of a closed run; and how what users type resolves to runs.
 */
import {describe, expect, it} from 'vitest'

import {EVENT_ROLES, HistoryEvent, type HistoryEventType, type NewHistoryEvent} from '../../src/history/events.js'
import {
  type RunView,
  attrsFields,
  closedStatusOf,
  describeWait,
  exitEventOf,
  exitResultOf,
  resolveRunQuery,
  viewOfRun,
} from '../../src/history/run-view.js'
import {isWippyError} from '../../src/errors.js'
import {started} from './fixtures/events.js'

const T0 = 1_700_000_000_000
const PID = '{wippy@app:worker|order-1}'

/** A history: WorkflowStarted at T0, then `rest`, numbered and checked like recorded events. */
function history(...rest: NewHistoryEvent[]): HistoryEvent[] {
  return [started(), ...rest].map((e, i) => HistoryEvent.parse({...e, seq: i + 1}))
}

const charge: NewHistoryEvent = {args: [1], entry: 'app.api:charge', ts: T0 + 1, type: 'ActivityScheduled'}
const sleep = (fireAt: number, ts = T0 + 1): NewHistoryEvent => ({
  durationMs: fireAt - ts,
  fireAt,
  ts,
  type: 'TimerStarted',
})
/** What an open run waits for (undefined for a closed one). */
const waitingOf = (view: RunView) => (view.status === 'running' ? view.waiting : undefined)
const child = (id: string, ts = T0 + 1): NewHistoryEvent => ({
  childPid: `{wippy@app:worker|${id}}`,
  entry: 'app:child',
  host: 'app:worker',
  input: [],
  ts,
  type: 'ChildWorkflowStarted',
  wait: true,
})

describe('viewOfRun', () => {
  it('an open run is running, with its clock and no outcome', () => {
    const view = viewOfRun(history(), T0 + 50)
    expect(view).toMatchObject({clock: T0 + 50, status: 'running', waiting: {kind: 'signal'}})
    expect(view).not.toHaveProperty('closedAt')
    expect(view).not.toHaveProperty('outcome')
  })

  it('each closing event leaves its status, its time and its outcome', () => {
    const closed = (e: NewHistoryEvent) => viewOfRun(history(charge, e), T0 + 100)
    expect(closed({result: {ok: true}, ts: T0 + 9, type: 'WorkflowCompleted'})).toMatchObject({
      closedAt: T0 + 9,
      outcome: {pid: PID, result: {ok: true}, status: 'completed'},
      status: 'completed',
    })
    expect(closed({error: {kind: 'Invalid', message: 'bad'}, ts: T0 + 9, type: 'WorkflowFailed'})).toMatchObject({
      outcome: {error: {kind: 'Invalid', message: 'bad'}, pid: PID, status: 'failed'},
      status: 'failed',
    })
    expect(closed({ts: T0 + 9, type: 'WorkflowCancelled'})).toMatchObject({
      outcome: {error: {kind: 'Canceled', message: 'workflow cancelled'}, pid: PID, status: 'cancelled'},
    })
    expect(closed({reason: 'history cap', ts: T0 + 9, type: 'WorkflowTerminated'})).toMatchObject({
      outcome: {error: {kind: 'Canceled', message: 'history cap'}, pid: PID, status: 'terminated'},
    })
    // A closed run waits for nothing, even with an activity left open.
    expect(closed({ts: T0 + 9, type: 'WorkflowTerminated'})).not.toHaveProperty('waiting')
  })

  it('the closing statuses are exactly the events of role close', () => {
    for (const type of Object.keys(EVENT_ROLES) as HistoryEventType[]) {
      expect(closedStatusOf({type} as HistoryEvent) !== undefined, type).toBe(EVENT_ROLES[type] === 'close')
    }
  })

  it('waits first on activities, then the next timer, then children, then a signal', () => {
    const wait = (...rest: NewHistoryEvent[]) => waitingOf(viewOfRun(history(...rest), T0 + 1000))
    expect(wait(charge, sleep(T0 + 5000), child('c1'))).toEqual({entries: ['app.api:charge'], kind: 'activities'})
    expect(wait(sleep(T0 + 61_000), sleep(T0 + 5000), child('c1'))).toEqual({
      fireAt: T0 + 5000,
      kind: 'timer',
      leftMs: 4000,
    })
    expect(wait(child('c1'))).toEqual({count: 1, kind: 'children'})
    expect(wait(child('c1'), child('c2'))).toEqual({count: 2, kind: 'children'})
    expect(wait()).toEqual({kind: 'signal'})
  })

  it('finished or failed-to-start children, fired timers and finished activities are not waited on', () => {
    const view = viewOfRun(
      history(
        charge,
        {attempts: 1, result: 1, scheduled: 2, ts: T0 + 2, type: 'ActivityCompleted'},
        sleep(T0 + 3, T0 + 2),
        {started: 4, ts: T0 + 3, type: 'TimerFired'},
        child('c1', T0 + 4),
        {childPid: '{wippy@app:worker|c1}', result: 'done', started: 6, ts: T0 + 5, type: 'ChildWorkflowCompleted'},
        {...child('c2', T0 + 6), error: {kind: 'AlreadyExists', message: 'taken'}} as NewHistoryEvent,
      ),
      T0 + 10,
    )
    expect(waitingOf(view)).toEqual({kind: 'signal'})
  })

  it('the clock adds every time skip and never reads before the last event', () => {
    const skipped = history(
      sleep(T0 + 86_400_000),
      {byMs: 3_600_000, ts: T0 + 3_600_002, type: 'TimeSkipped'},
      {byMs: 60_000, ts: T0 + 3_660_003, type: 'TimeSkipped'},
    )
    const view = viewOfRun(skipped, T0 + 10_000)
    expect(view.outstanding.skippedMs).toBe(3_660_000)
    expect(view.clock).toBe(T0 + 10_000 + 3_660_000)
    expect(waitingOf(view)).toEqual({fireAt: T0 + 86_400_000, kind: 'timer', leftMs: 86_400_000 - 3_670_000})
    // Real time behind the history (the machine's clock went back): the clock stays at its end.
    expect(viewOfRun(skipped, T0).clock).toBe(T0 + 3_660_003)
  })

  it('keeps the latest cancel request of an open run', () => {
    const view = viewOfRun(history({from: 'wippy-cli', reason: 'stop', ts: T0 + 4, type: 'CancelRequested'}), T0 + 5)
    expect(view.outstanding.cancelRequested).toEqual({at: T0 + 4, from: 'wippy-cli', reason: 'stop'})
  })
})

describe('describeWait', () => {
  it('says what the ps column says', () => {
    expect(describeWait({entries: ['app.api:charge', 'app.api:ship'], kind: 'activities'})).toBe(
      'running app.api:charge, app.api:ship',
    )
    expect(describeWait({fireAt: 0, kind: 'timer', leftMs: 86_340_000})).toBe('sleeping, 23h59m left')
    expect(describeWait({count: 1, kind: 'children'})).toBe('waiting for a child workflow')
    expect(describeWait({count: 3, kind: 'children'})).toBe('waiting for 3 child workflows')
    expect(describeWait({kind: 'signal'})).toBe('waiting for a signal')
  })
})

describe('exitEventOf', () => {
  it('hands Lua the result as value, or the error', () => {
    const [, done] = history({result: 42, ts: T0 + 3, type: 'WorkflowCompleted'})
    expect(exitEventOf(PID, done!)).toEqual({at: T0 + 3, from: PID, kind: 'pid.exit', result: {value: 42}})
    const [, cut] = history({reason: 'stop', ts: T0 + 3, type: 'WorkflowTerminated'})
    expect(exitEventOf(PID, cut!).result).toEqual({error: {kind: 'Canceled', message: 'stop'}})
  })
})

describe('exitResultOf', () => {
  it('is what an exec of the run resolves with: the result as value, or the error', () => {
    const [, done] = history({result: {ok: true}, ts: T0 + 3, type: 'WorkflowCompleted'})
    expect(exitResultOf(done!)).toEqual({value: {ok: true}})
    const [, cancelled] = history({ts: T0 + 3, type: 'WorkflowCancelled'})
    expect(exitResultOf(cancelled!)).toEqual({error: {kind: 'Canceled', message: 'workflow cancelled'}})
  })
})

describe('resolveRunQuery', () => {
  const run = (workflowId: string, runId: string) => ({
    pid: `{app:client@app:worker|${workflowId}}`,
    runKey: `${workflowId}~${runId}`,
    workflowId,
  })
  const runs = [run('wf-abc123', 'r1'), run('wf-abd456', 'r2'), run('order-7', 'r3'), run('wf-abc123', 'r4')]

  const failure = (query: string, candidates = runs) => {
    try {
      resolveRunQuery(candidates, query)
    } catch (error) {
      if (isWippyError(error)) return {code: error.code, hint: error.hint, message: error.message}
      throw error
    }
    throw new Error(`"${query}" resolved`)
  }

  it('an exact workflow ID names all its runs, oldest first; a run key or PID names them too', () => {
    expect(resolveRunQuery(runs, 'wf-abc123').map((r) => r.runKey)).toEqual(['wf-abc123~r1', 'wf-abc123~r4'])
    expect(resolveRunQuery(runs, 'wf-abc123~r1').map((r) => r.runKey)).toEqual(['wf-abc123~r1'])
    expect(resolveRunQuery(runs, '{app:client@app:worker|order-7}').map((r) => r.runKey)).toEqual(['order-7~r3'])
    // A PID from another client or host still names its workflow, as offline lookups always did.
    expect(resolveRunQuery(runs, '{other|order-7}').map((r) => r.runKey)).toEqual(['order-7~r3'])
    expect(resolveRunQuery(runs, '  order-7\n').map((r) => r.runKey)).toEqual(['order-7~r3'])
  })

  it('a unique prefix of a workflow ID (or a PID) names that workflow', () => {
    expect(resolveRunQuery(runs, 'wf-abc').map((r) => r.runKey)).toEqual(['wf-abc123~r1', 'wf-abc123~r4'])
    expect(resolveRunQuery(runs, 'ord').map((r) => r.runKey)).toEqual(['order-7~r3'])
    expect(resolveRunQuery(runs, '{app:client@app:worker|wf-abd').map((r) => r.runKey)).toEqual(['wf-abd456~r2'])
    // Files know only their run key: the candidates need no PID.
    expect(resolveRunQuery([{runKey: 'a~1', workflowId: 'a'}], 'a')).toEqual([{runKey: 'a~1', workflowId: 'a'}])
  })

  it('an ambiguous prefix lists up to five workflows', () => {
    expect(failure('wf-ab')).toEqual({
      code: 'WIPPY_PID_AMBIGUOUS',
      hint: 'Type more characters of the workflow ID.',
      message: '"wf-ab" matches 2 workflows: wf-abc123, wf-abd456.',
    })
    const many = ['wf-1', 'wf-2', 'wf-3', 'wf-4', 'wf-5', 'wf-6'].map((id) => run(id, 'r'))
    expect(failure('wf-', many).message).toBe('"wf-" matches 6 workflows: wf-1, wf-2, wf-3, wf-4, wf-5, ....')
  })

  it('an unknown query says how to list workflows', () => {
    expect(failure('nope')).toEqual({
      code: 'WIPPY_PID_UNKNOWN',
      hint: 'List workflows with `wippy ps --all`; a PID, a workflow ID or a unique prefix of one works.',
      message: 'No workflow matches "nope".',
    })
    expect(failure('x', []).code).toBe('WIPPY_PID_UNKNOWN')
  })
})

describe('search attributes and memo', () => {
  it('are the start values with each upsert merged over them; a null value removes a key', () => {
    const events = [
      {...started(), memo: {note: 'start'}, searchAttributes: {customer: 'c-1', tier: 1}},
      {search: {tier: 2}, ts: T0 + 1, type: 'AttributesUpserted'},
      {memo: {note: null, step: 'two'}, search: {region: 'eu'}, ts: T0 + 2, type: 'AttributesUpserted'},
    ].map((e, i) => HistoryEvent.parse({...e, seq: i + 1}))
    const {outstanding} = viewOfRun(events, T0 + 5)
    expect(attrsFields(outstanding)).toEqual({
      memo: {step: 'two'},
      searchAttributes: {customer: 'c-1', region: 'eu', tier: 2},
    })
    // the start event's own values are left as recorded
    expect(events[0]).toMatchObject({searchAttributes: {customer: 'c-1', tier: 1}})
    // a run that set none has neither field
    expect(attrsFields(viewOfRun(history(), T0).outstanding)).toEqual({})
  })
})
