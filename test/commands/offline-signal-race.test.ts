/**
 * Offline `wippy signal` under concurrency, through the built CLI: parallel signals with no
 * server serialise on the state lock and leave a valid history (before the lock, two got
 * seq 3 and the dev server then refused to start), and signals racing a starting `wippy dev`
 * are each recorded exactly once, queued or delivered through the server.
 */
import {readFile, rm, writeFile} from 'node:fs/promises'
import {join} from 'node:path'
import {afterEach, beforeEach, describe, expect, it} from 'vitest'

import {stateLayout} from '../../src/engine/state-dir.js'
import {readHistoryBuffer} from '../../src/history/reader.js'
import {HistoryStore} from '../../src/history/store.js'
import {runCli} from '../helpers/cli.js'
import {makeProject, startDev} from '../helpers/dev-server.js'

const T0 = 1_700_000_000_000
let root: string

const LISTENER = `local funcs = require("funcs")
local function main(request)
    funcs.call("app.reviews:submit", request)
    local inbox = process.inbox()
    while true do inbox:receive() end
end
return {main = main}
`

beforeEach(async () => {
  root = await makeProject('templates/approval')
  // A workflow that takes every signal and never finishes, so each one can be counted (the
  // template's approval would complete on the first, and refuse the rest as closed).
  await writeFile(join(root, 'src/workflows/approval.lua'), LISTENER)
  // A run waiting for its approval signal, as a stopped dev server leaves it.
  const store = new HistoryStore(stateLayout(root).histories)
  const log = await store.create('race1~aaaa0001', {
    codeHash: 'x',
    entry: 'app.workflows:approval',
    format: 1,
    host: 'app:temporal_worker',
    input: [{amount: 1, order_id: 'o-1'}],
    pid: '{app:temporal_client@app:temporal_worker|race1}',
    runId: 'aaaa0001',
    seed: 7,
    ts: T0,
    type: 'WorkflowStarted',
    workflowId: 'race1',
  })
  await log.append([
    {
      args: [{amount: 1, order_id: 'o-1'}],
      entry: 'app.reviews:submit',
      ts: T0 + 5,
      type: 'ActivityScheduled',
      where: 'src/workflows/approval.lua:11',
    },
    {attempts: 1, result: 'submitted', scheduled: 2, ts: T0 + 9, type: 'ActivityCompleted'},
  ])
  await log.close()
  await store.close()
})
afterEach(async () => {
  await rm(root, {force: true, recursive: true})
})

/** The history as the recovery reader sees it (it throws WIPPY_HISTORY_CORRUPT on a repeated seq). */
async function historyEvents() {
  const file = join(stateLayout(root).histories, 'race1~aaaa0001.jsonl')
  return readHistoryBuffer(await readFile(file), file).events
}

const signal = (i: number) =>
  runCli(['signal', 'race1', 'ping', JSON.stringify({i}), '--json'], {cwd: root, timeout: 60_000})

describe('offline signal under concurrency', () => {
  it('12 parallel signals with no server are all queued, in 12 distinct events, and the dev server then starts', async () => {
    const results = await Promise.all(Array.from({length: 12}, (_, i) => signal(i)))
    for (const r of results) expect(r.exitCode, r.stderr).toBe(0)
    const seqs = results.map((r) => JSON.parse(r.stdout).seq as number).sort((a, b) => a - b)
    expect(seqs).toEqual(Array.from({length: 12}, (_, i) => i + 4))

    const events = await historyEvents()
    expect(events.map((e) => e.seq)).toEqual(Array.from({length: 15}, (_, i) => i + 1))
    const sent = events
      .filter((e) => e.type === 'SignalReceived')
      .map((e) => (e as {payload: Array<{i: number}>}).payload[0]!.i)
    expect(sent.sort((a, b) => a - b)).toEqual(Array.from({length: 12}, (_, i) => i))

    const dev = await startDev({args: ['--no-watch'], root})
    expect(await dev.waitForOutput(/by replaying 15 events/)).not.toContain('WIPPY_HISTORY_CORRUPT')
  }, 120_000)

  it('signals racing a starting dev server are each recorded exactly once, queued or delivered', async () => {
    const dev = await startDev({args: ['--no-watch'], root, waitReady: false})
    const results = await Promise.all(Array.from({length: 8}, (_, i) => signal(i)))
    for (const r of results) expect(r.exitCode, r.stderr).toBe(0)
    await dev.waitForOutput(/ready in \d+ ms/)
    const outcomes = results.map((r) => JSON.parse(r.stdout) as {delivered: boolean})
    expect(outcomes.length).toBe(8)

    // Each signal is in the history once, whichever way it went; the file reads without damage.
    await expect
      .poll(async () => (await historyEvents()).filter((e) => e.type === 'SignalReceived').length, {timeout: 10_000})
      .toBe(8)
    const events = await historyEvents()
    expect(events.map((e) => e.seq)).toEqual(Array.from({length: events.length}, (_, i) => i + 1))
    const sent = events
      .filter((e) => e.type === 'SignalReceived')
      .map((e) => (e as {payload: Array<{i: number}>}).payload[0]!.i)
    expect(sent.sort((a, b) => a - b)).toEqual(Array.from({length: 8}, (_, i) => i))
  }, 120_000)
})
