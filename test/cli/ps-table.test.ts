import {describe, expect, it} from 'vitest'

import {idOf, shortenPids, shownRun} from '../../src/cli/ids.js'
import {formatPsTable} from '../../src/cli/ps-table.js'
import type {ProcessInfo} from '../../src/engine/api.js'

const PID = '{app:temporal_client@app:temporal_worker|wf-6eb6d9d7f572}'
const NOW = 1_800_000_000_000

function row(over: Partial<ProcessInfo>): ProcessInfo {
  return {
    entry: 'app.workflows:approval',
    id: 'wf-6eb6d9d7f572',
    kind: 'workflow',
    loaded: true,
    pid: PID,
    startedAt: NOW - 5_000,
    status: 'running',
    ...over,
  }
}

describe('ps table', () => {
  const blocked = row({
    problem: `Workflow ${PID} diverges from its history at event 5: expected no new command before SignalReceived, got funcs.call app.orders:fulfill("Q-1") at src/workflows/approval.lua:12`,
    status: 'blocked',
  })
  const waiting = row({
    id: 'wf-0c1549b7e16c',
    pid: PID.replace('wf-6eb6d9d7f572', 'wf-0c1549b7e16c'),
    waiting: 'waiting for a signal',
  })

  it('cuts only the WAITING column, last, to the terminal width; other rows are not padded to it', () => {
    for (const columns of [80, 120]) {
      for (const line of formatPsTable([blocked, waiting], {columns, now: NOW}).split('\n'))
        expect(line.length).toBeLessThanOrEqual(columns)
    }
    const lines = formatPsTable([blocked, waiting], {columns: 120, now: NOW}).split('\n')
    expect(lines[0]).toMatch(/^ID +ENTRY +KIND +STATUS +AGE +WAITING$/)
    // The reason names the workflow ID, not the PID that used to push it off screen
    expect(lines[1]).toContain('Workflow wf-6eb6d9d7f572 diverges from its history')
    expect(lines[1]!.endsWith('…')).toBe(true)
    expect(lines[2]!.endsWith('waiting for a signal')).toBe(true)
  })

  it('keeps the whole text with --wide, or when the output is not a terminal', () => {
    for (const options of [{columns: 80, now: NOW, wide: true}, {now: NOW}]) {
      expect(formatPsTable([blocked], options)).toContain('at src/workflows/approval.lua:12')
    }
  })

  it('counts AGE as the TUI does and shows how long closed runs took', () => {
    const done = row({closedAt: NOW - 3_000 + 40, startedAt: NOW - 3_000, status: 'completed'})
    const lines = formatPsTable([waiting, done, row({startedAt: 0, kind: 'process', status: 'exited'})], {
      now: NOW,
    }).split('\n')
    expect(lines[0]).toMatch(/^ID +ENTRY +KIND +STATUS +AGE +TOOK +WAITING$/)
    expect(lines[1]).toMatch(/ 5s +waiting for a signal$/)
    expect(lines[2]).toMatch(/ 3s +40ms$/)
    // A process with no start time shows no age (not 20791 days)
    expect(lines[3]).toMatch(/exited +-$/)
  })
})

describe('a reused workflow ID', () => {
  it('shows each run by its run key, which every command accepts', () => {
    const first = row({
      closedAt: NOW - 4_000,
      id: 'order-1',
      runKey: 'order-1~aaaa0001',
      startedAt: NOW - 6_000,
      status: 'completed',
    })
    const second = row({id: 'order-1', runKey: 'order-1~bbbb0002', waiting: 'waiting for a signal'})
    const other = row({id: 'order-2', runKey: 'order-2~cccc0003', waiting: 'waiting for a signal'})
    const lines = formatPsTable([second, first, other], {now: NOW}).split('\n')
    expect(lines.slice(1).map((l) => l.split(/\s+/)[0])).toEqual(['order-1~bbbb0002', 'order-1~aaaa0001', 'order-2'])
  })
})

describe('ps table --attrs', () => {
  it('adds a compact SEARCH column only when asked and some row has search attributes', () => {
    const tagged = row({searchAttributes: {customer: 'c-1', tier: 2}, waiting: 'waiting for a signal'})
    const plain = row({id: 'wf-0c1549b7e16c', waiting: 'waiting for a signal'})
    const lines = formatPsTable([tagged, plain], {attrs: true, now: NOW}).split('\n')
    expect(lines[0]).toMatch(/^ID +ENTRY +KIND +STATUS +AGE +SEARCH +WAITING$/)
    expect(lines[1]).toMatch(/ customer=c-1 tier=2 +waiting for a signal$/)
    expect(lines[2]).toMatch(/ - +waiting for a signal$/)
    expect(formatPsTable([tagged], {now: NOW})).not.toContain('SEARCH')
    expect(formatPsTable([plain], {attrs: true, now: NOW})).not.toContain('SEARCH')
  })
})

describe('workflow IDs in human output', () => {
  it("are the PID's workflow ID; --verbose adds the PID", () => {
    expect(idOf(PID)).toBe('wf-6eb6d9d7f572')
    expect(shownRun(PID, false)).toBe('wf-6eb6d9d7f572')
    expect(shownRun(PID, true)).toBe(`wf-6eb6d9d7f572 (${PID})`)
  })

  it('replace PIDs inside messages, but not other text in braces', () => {
    expect(shortenPids(`Can't cancel workflow ${PID}: it has already failed.`)).toBe(
      "Can't cancel workflow wf-6eb6d9d7f572: it has already failed.",
    )
    expect(shortenPids('--id "{x|y}" is not valid')).toBe('--id "{x|y}" is not valid')
  })
})
