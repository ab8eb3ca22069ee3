/** Shared builders for the history tests: realistic events and temp dirs. */
import {mkdtemp, rm} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {onTestFinished} from 'vitest'

import type {NewHistoryEvent} from '../../src/history/events.js'

/** A fresh temp dir, removed when the test finishes. */
export async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'wippy-history-'))
  onTestFinished(() => rm(dir, {force: true, recursive: true}))
  return dir
}

export function started(workflowId = 'order-1'): NewHistoryEvent {
  return {
    codeHash: 'sha256:abc',
    entry: 'app:order_flow',
    format: 1,
    host: 'app:worker',
    input: [{amount: 100, currency: 'USD'}],
    pid: `{wippy@app:worker|${workflowId}}`,
    runId: 'run-1',
    seed: 42,
    ts: 1_700_000_000_000,
    type: 'WorkflowStarted',
    workflowId,
  }
}

/** The i-th event of a payment-like workflow (alternating schedule / complete). */
export function step(i: number): NewHistoryEvent {
  return i % 2 === 0
    ? {args: [{amount: 100 + i, currency: 'USD', key: `k-${i}`}], entry: 'app.api:charge_card', ts: 1_700_000_000_000 + i, type: 'ActivityScheduled', where: 'workflow.lua:12'}
    : {attempts: 1, result: {charge_id: `ch_${i}`, status: 'ok'}, scheduled: i, ts: 1_700_000_000_000 + i, type: 'ActivityCompleted'}
}
