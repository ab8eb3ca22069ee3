/**
 * The run commands without a dev server, through the built CLI: they read (and, for `signal`,
 * append to) the history files directly, or fail with WIPPY_DEV_NOT_RUNNING and a hint.
 * Histories are written with the real HistoryStore into a temp copy of the approval template.
 */
import {readFile, rm, writeFile} from 'node:fs/promises'
import {join} from 'node:path'
import {afterEach, beforeEach, describe, expect, it} from 'vitest'

import {stateLayout} from '../../src/engine/state-dir.js'
import type {NewHistoryEvent} from '../../src/history/events.js'
import {HistoryStore} from '../../src/history/store.js'
import {runCli} from '../helpers/cli.js'
import {makeProject} from '../helpers/dev-server.js'

let root: string
const pidOf = (id: string) => `{app:temporal_client@app:temporal_worker|${id}}`
const T0 = 1_700_000_000_000

async function writeRun(
  id: string,
  runId: string,
  rest: NewHistoryEvent[],
  input: unknown[] = [{amount: 1, order_id: 'o-1'}],
): Promise<void> {
  const store = new HistoryStore(stateLayout(root).histories)
  const log = await store.create(`${id}~${runId}`, {
    codeHash: 'x',
    entry: 'app.workflows:approval',
    format: 1,
    host: 'app:temporal_worker',
    input,
    pid: pidOf(id),
    runId,
    seed: 7,
    ts: T0,
    type: 'WorkflowStarted',
    workflowId: id,
  })
  await log.append(rest)
  await log.close()
  await store.close()
}

const SUBMITTED: NewHistoryEvent[] = [
  {
    args: [{amount: 1, order_id: 'o-1'}],
    entry: 'app.reviews:submit',
    ts: T0 + 5,
    type: 'ActivityScheduled',
    where: 'src/workflows/approval.lua:11',
  },
  {attempts: 1, result: 'submitted', scheduled: 2, ts: T0 + 9, type: 'ActivityCompleted'},
]

beforeEach(async () => {
  root = await makeProject('templates/approval')
  await writeRun('wf-open1', 'aaaa0001', SUBMITTED)
  await writeRun('wf-done1', 'aaaa0002', [...SUBMITTED, {result: 'ok', ts: T0 + 20, type: 'WorkflowCompleted'}])
})
afterEach(async () => {
  await rm(root, {force: true, recursive: true})
})

const cli = (args: string[], input?: string) => runCli(args, {cwd: root, ...(input === undefined ? {} : {input})})

describe('without a dev server', () => {
  it('ps lists runs from the files', async () => {
    const open = await cli(['ps', '--json'])
    expect(open.exitCode, open.stderr).toBe(0)
    expect(JSON.parse(open.stdout)).toMatchObject({
      processes: [
        {id: 'wf-open1', kind: 'workflow', status: 'running', waiting: 'waiting for a signal (engine stopped)'},
      ],
      source: 'files',
    })
    const all = JSON.parse((await cli(['ps', '--all', '--json'])).stdout)
    expect(all.processes.map((p: {id: string; status: string}) => `${p.id}:${p.status}`).sort()).toEqual([
      'wf-done1:completed',
      'wf-open1:running',
    ])
    const human = await cli(['ps', '--all'])
    expect(human.stdout.split('\n')[0]).toMatch(/^ID +ENTRY +KIND +STATUS +AGE +TOOK +WAITING$/)
  })

  it('history inspect reads a run by unique prefix, with ranges; ambiguous and unknown prefixes are errors', async () => {
    const view = JSON.parse((await cli(['history', 'inspect', 'wf-o', '--json'])).stdout)
    expect(view).toMatchObject({pid: pidOf('wf-open1'), status: 'running', total: 3})
    expect(view.events.map((e: {seq: number}) => e.seq)).toEqual([1, 2, 3])
    const range = JSON.parse(
      (await cli(['history', 'inspect', pidOf('wf-open1'), '--from', '2', '--limit', '1', '--json'])).stdout,
    )
    expect(range.events.map((e: {seq: number}) => e.seq)).toEqual([2])
    const human = await cli(['history', 'inspect', 'wf-open1'])
    expect(human.stdout).toContain(
      '   2    +0.005s  ActivityScheduled app.reviews:submit({"amount":1,"order_id":"o-1"})   src/workflows/approval.lua:11',
    )

    const ambiguous = await cli(['history', 'inspect', 'wf-'])
    expect(ambiguous.exitCode).toBe(1)
    expect(ambiguous.stderr).toContain('WIPPY_PID_AMBIGUOUS')
    const unknown = await cli(['history', 'inspect', 'nope', '--json'])
    expect(JSON.parse(unknown.stdout).error).toMatchObject({
      code: 'WIPPY_PID_UNKNOWN',
      hint: expect.stringContaining('wippy ps --all'),
    })
  })

  it('history inspect --follow on a closed run prints it and ends (and streams JSON lines with --json)', async () => {
    const human = await cli(['history', 'inspect', 'wf-done1', '--follow'])
    expect(human.exitCode, human.stderr).toBe(0)
    expect(human.stdout.trimEnd().split('\n')).toHaveLength(4)
    expect(human.stderr).toContain(': completed')
    const lines = await cli(['history', 'inspect', 'wf-done1', '--follow', '--json'])
    expect(
      lines.stdout
        .trimEnd()
        .split('\n')
        .map((l) => JSON.parse(l).seq),
    ).toEqual([1, 2, 3, 4])
  })

  it('signal appends SignalReceived durably (also from stdin) and refuses closed runs', async () => {
    const sent = await cli(['signal', 'wf-open', 'approve', '-', '--json'], '{"approved": true}')
    expect(sent.exitCode, sent.stderr).toBe(0)
    expect(JSON.parse(sent.stdout)).toEqual({
      delivered: false,
      id: 'wf-open1',
      pid: pidOf('wf-open1'),
      queued: true,
      runId: 'aaaa0001',
      seq: 4,
      topic: 'approve',
    })
    const text = await readFile(join(stateLayout(root).histories, 'wf-open1~aaaa0001.jsonl'), 'utf8')
    expect(JSON.parse(text.trim().split('\n').at(-1)!)).toMatchObject({
      from: 'wippy-cli',
      payload: [{approved: true}],
      seq: 4,
      topic: 'approve',
      type: 'SignalReceived',
    })

    const closed = await cli(['signal', 'wf-done1', 'approve', '{}'])
    expect(closed.exitCode).toBe(1)
    expect(closed.stderr).toContain('WIPPY_RUN_CLOSED')
  })

  it('bad JSON is WIPPY_JSON_INVALID with the position', async () => {
    const bad = await cli(['signal', 'wf-open1', 'approve', '{"approved": tru}', '--json'])
    expect(bad.exitCode).toBe(2)
    expect(JSON.parse(bad.stdout).error).toMatchObject({
      code: 'WIPPY_JSON_INVALID',
      details: {position: expect.any(Number)},
    })
    expect(JSON.parse(bad.stdout).error.message).toMatch(/at position \d+/)
  })

  it('spawn, cancel, terminate, fork and time skip need a dev server', async () => {
    for (const args of [
      ['spawn', 'app.workflows:approval'],
      ['cancel', 'wf-open1'],
      ['terminate', 'wf-open1'],
      ['fork', 'wf-open1', '--at', '2'],
      ['time', 'skip', 'wf-open1', '--by', '1h'],
    ]) {
      const r = await cli(args)
      expect(r.exitCode, args.join(' ')).toBe(1)
      expect(r.stderr).toContain('WIPPY_DEV_NOT_RUNNING')
      expect(r.stderr).toContain('Hint: Start `wippy dev` in the project')
    }
    const badDuration = await cli(['time', 'skip', 'wf-open1', '--by', '2d'])
    expect(badDuration.exitCode).toBe(2)
    expect(badDuration.stderr).toContain('There is no `d` unit')
  })

  it('history export writes JSONL that history replay checks against the current code', async () => {
    const file = join(root, 'approval.jsonl')
    const exported = await cli(['history', 'export', 'wf-open1', '-o', file, '--json'])
    expect(JSON.parse(exported.stdout)).toEqual({
      eventCount: 3,
      file,
      id: 'wf-open1',
      pid: pidOf('wf-open1'),
      runId: 'aaaa0001',
    })
    const ok = await cli(['history', 'replay', file, '--json'])
    expect(ok.exitCode, ok.stderr).toBe(0)
    expect(JSON.parse(ok.stdout)).toMatchObject({ok: true, replayedEvents: 3})

    // Given a history whose second step the code never issues
    const lines = (await readFile(file, 'utf8'))
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l))
    lines[1].entry = 'app.reviews:fulfill'
    const altered = join(root, 'altered.jsonl')
    await writeFile(altered, lines.map((l) => JSON.stringify(l)).join('\n') + '\n')
    const diverged = await cli(['history', 'replay', altered])
    expect(diverged.exitCode).toBe(1)
    expect(diverged.stderr).toMatch(/WIPPY_REPLAY_DIVERGED: .* diverges at event 2/)
    // And by PID, straight from the store
    expect((await cli(['history', 'replay', 'wf-open1'])).exitCode).toBe(0)
  })

  it('call runs a function in-process when no dev server runs', async () => {
    const r = await cli(['call', 'app.reviews:submit', '{"order_id": "o-9", "amount": 2}', '--json'])
    expect(r.exitCode, r.stderr).toBe(0)
    expect(JSON.parse(r.stdout)).toMatchObject({value: 'submitted'})
    // A (nil, err) return exits 1 with the error
    const failed = await cli(['call', 'app.reviews:submit', '{}'])
    expect(failed.exitCode).toBe(1)
    expect(failed.stderr).toContain('order_id is required')
  })
})
