/**
 * Committed histories are the compatibility contract (as in Temporal's replay tests): each
 * must replay cleanly against the current code, and an altered one must be refused with
 * the event index, without the file being touched.
 */
import {readFileSync} from 'node:fs'
import {join} from 'node:path'
import {afterAll, beforeAll, expect, test} from 'vitest'

import {Engine} from '../../src/engine/engine.js'
import {readHistoryBuffer} from '../../src/history/reader.js'
import type {TempProject} from '../helpers/project.js'
import {paymentProject} from './payment-project.js'

const DIR = join(import.meta.dirname, '../fixtures/histories')
let project: TempProject
let engine: Engine

beforeAll(async () => {
  project = paymentProject()
  engine = await Engine.start({env: {}, root: project.root})
})
afterAll(async () => {
  await engine.close()
  project.remove()
})

function load(name: string): {bytes: Buffer; events: ReturnType<typeof readHistoryBuffer>['events']} {
  const bytes = readFileSync(join(DIR, name))
  return {bytes, events: readHistoryBuffer(bytes, name).events}
}

// golden-payment-int64: typed forms (an amount beyond 2^53, value-forms.ts); replay rebuilds "ch_9007199254740993" from it exactly.
test.each(['golden-payment.jsonl', 'golden-approval.jsonl', 'golden-payment-int64.jsonl'])(
  '%s replays against the current code',
  async (name) => {
    const {events} = load(name)
    const check = await engine.checkEvents(events, events[0]!.type === 'WorkflowStarted' ? events[0]!.pid : name)
    expect(check).toMatchObject({ok: true, replayedEvents: events.length})
  },
)

test('an altered history is refused at the altered event and left untouched', async () => {
  const {bytes, events} = load('golden-payment-altered.jsonl')
  const check = await engine.checkEvents(events, 'golden-payment')
  expect(check.ok).toBe(false)
  expect(check.divergence).toMatchObject({eventIndex: 7, where: 'src/workflows/payment.lua:8'})
  expect(check.divergence!.expected).toContain('app.api:check_balance')
  expect(check.divergence!.got).toContain('app.api:check_status')
  expect(readFileSync(join(DIR, 'golden-payment-altered.jsonl')).equals(bytes)).toBe(true)
})
