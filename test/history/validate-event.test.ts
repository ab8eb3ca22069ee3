/**
 * The reader checks each history line with a hand-written validator (zod costs ~70 ms to load
 * and ~75 ms per 10k lines on `history inspect`). It must agree with the zod schema in
 * `events.ts` exactly: same accept/reject, same output, same first error message.
 */
import fc from 'fast-check'
import {describe, expect, test} from 'vitest'

import {HistoryEvent} from '../../src/history/events.js'
import {validateEvent} from '../../src/history/event-check.js'

const TYPES = [
  'WorkflowStarted',
  'ActivityScheduled',
  'ActivityCompleted',
  'ActivityFailed',
  'ActivityCancelRequested',
  'TimerStarted',
  'TimerFired',
  'TimerCancelled',
  'SideEffect',
  'SignalReceived',
  'SignalSent',
  'ChildWorkflowStarted',
  'ChildWorkflowCompleted',
  'CancelRequested',
  'MarkerRecorded',
  'AttributesUpserted',
  'TimeSkipped',
  'WorkflowCompleted',
  'WorkflowFailed',
  'WorkflowCancelled',
  'WorkflowTerminated',
]
const KEYS = [
  'seq',
  'ts',
  'type',
  'format',
  'workflowId',
  'runId',
  'pid',
  'entry',
  'host',
  'input',
  'codeHash',
  'seed',
  'parent',
  'context',
  'forkedFrom',
  'memo',
  'searchAttributes',
  'search',
  'args',
  'options',
  'async',
  'where',
  'scheduled',
  'result',
  'attempts',
  'error',
  'durationMs',
  'fireAt',
  'started',
  'op',
  'value',
  'topic',
  'payload',
  'from',
  'signalId',
  'target',
  'childPid',
  'wait',
  'reason',
  'name',
  'byMs',
  'details',
  'kind',
  'message',
  'retryable',
  'traceback',
  'at',
  'crc',
  'extra',
]
/** A valid event body per type, which the property then mutates. */
const GOOD: Record<string, Record<string, unknown>> = {
  ActivityCancelRequested: {scheduled: 1},
  ActivityCompleted: {attempts: 1, result: 'x', scheduled: 1},
  ActivityFailed: {attempts: 2, error: {message: 'm'}, scheduled: 1},
  ActivityScheduled: {args: [1], entry: 'e'},
  AttributesUpserted: {memo: {}, search: {a: 1}},
  CancelRequested: {},
  ChildWorkflowCompleted: {childPid: 'c', started: 1},
  ChildWorkflowStarted: {childPid: 'c', entry: 'e', host: 'h', input: []},
  MarkerRecorded: {name: 'n', value: null},
  SideEffect: {op: 'o', value: 1},
  SignalReceived: {from: 'f', payload: [], topic: 't'},
  SignalSent: {payload: [], target: 't', topic: 't'},
  TimeSkipped: {byMs: 0},
  TimerCancelled: {started: 1},
  TimerFired: {started: 1},
  TimerStarted: {durationMs: 5, fireAt: 6},
  WorkflowCancelled: {},
  WorkflowCompleted: {result: null},
  WorkflowFailed: {error: {message: 'm'}},
  WorkflowStarted: {
    codeHash: 'c',
    entry: 'e',
    format: 1,
    host: 'h',
    input: [],
    pid: 'p',
    runId: 'r',
    seed: 1,
    workflowId: 'w',
  },
  WorkflowTerminated: {},
}

const leaf = fc.oneof(
  fc.constant(undefined),
  fc.constant(null),
  fc.boolean(),
  fc.integer({max: 3, min: -3}),
  fc.constantFrom(1.5, 0, 1, -0, 2 ** 60, 1e308, 'x', ''),
  fc.string({maxLength: 3}),
  fc.constant([]),
  fc.constant([1, 'a']),
  fc.constant({}),
)
const errorLike = fc.dictionary(
  fc.constantFrom('message', 'kind', 'details', 'retryable', 'traceback', 'extra'),
  leaf,
  {maxKeys: 5},
)
const value = fc.oneof(
  {arbitrary: leaf, weight: 4},
  {arbitrary: errorLike, weight: 1},
  {
    arbitrary: fc.record(
      {
        at: fc.oneof(fc.constant(2), leaf),
        pid: fc.oneof(fc.constant('p'), leaf),
        seq: fc.oneof(fc.constant(1), leaf),
        z: leaf,
      },
      {requiredKeys: []},
    ),
    weight: 1,
  },
)

describe("validateEvent (the reader's schema check)", () => {
  test('agrees with the zod schema on mutated events: accept/reject, output and first message', () => {
    const cases = fc.tuple(
      fc.constantFrom(...TYPES, 'Nope'),
      fc.dictionary(fc.constantFrom(...KEYS), value, {maxKeys: 4}),
      fc.dictionary(fc.constantFrom(...KEYS), fc.constant(undefined), {maxKeys: 2}),
      fc.boolean(),
    )
    let valid = 0
    fc.assert(
      fc.property(cases, ([type, mutations, deletions, reversed]) => {
        const event: Record<string, unknown> = {seq: 1, ts: 5, type, ...GOOD[type], ...mutations}
        for (const k of Object.keys(deletions)) delete event[k]
        const ordered = reversed ? Object.fromEntries(Object.entries(event).reverse()) : event
        // Only JSON values reach the validator (it reads parsed lines).
        const json: unknown = JSON.parse(JSON.stringify(ordered))
        const zod = HistoryEvent.safeParse(json)
        const ours = validateEvent(json)
        if (zod.success) {
          valid++
          expect(ours).toEqual(zod.data)
          expect(JSON.stringify(ours)).toBe(JSON.stringify(zod.data))
        } else {
          const issue = zod.error.issues[0]!
          expect(ours).toBe(`${issue.path.length > 0 ? issue.path.join('.') + ': ' : ''}${issue.message}`)
        }
      }),
      {numRuns: Number(process.env.FUZZ_RUNS ?? 5000), seed: 7},
    )
    // The generator must exercise both sides.
    expect(valid).toBeGreaterThan(100)
  })
})
