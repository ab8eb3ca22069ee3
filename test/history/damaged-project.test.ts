/**
 * One damaged history must not take the project down (reliability finding 3, ux finding 8,
 * reliability finding 11): every kind of damage from the review's table, side by side in one
 * project, with the real CLI (`node bin/run.js`) and a real `wippy dev`. Each damaged run is
 * quarantined (listed as `damaged` with file, line, byte and reason, online and offline),
 * `history inspect` shows its good prefix and the damage, everything else comes up and works,
 * and `wippy history repair` (offline and through the server) keeps a copy and lets the run go on.
 * Needs `npm run build`.
 */
import {lstat, mkdir, readFile, readdir, writeFile} from 'node:fs/promises'
import {join} from 'node:path'
import {describe, expect, it, onTestFinished} from 'vitest'
import {rm} from 'node:fs/promises'

import {stateLayout} from '../../src/engine/state-dir.js'
import type {NewHistoryEvent} from '../../src/history/events.js'
import {lineChecksum} from '../../src/history/reader.js'
import {HistoryStore} from '../../src/history/store.js'
import {runCli} from '../helpers/cli.js'
import {makeProject, startDev} from '../helpers/dev-server.js'

const pidOf = (id: string) => `{app:temporal_client@app:temporal_worker|${id}}`
const T0 = 1_700_000_000_000
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

/** Writes a real 3-event history (started, submit scheduled, submit completed) with the store. */
async function writeRun(dir: string, id: string): Promise<{bytes: Buffer; file: string; starts: number[]}> {
  const store = new HistoryStore(dir)
  const log = await store.create(`${id}~r1`, {
    codeHash: 'x',
    entry: 'app.workflows:approval',
    format: 1,
    host: 'app:temporal_worker',
    input: [{amount: 1, order_id: 'o-1'}],
    pid: pidOf(id),
    runId: 'r1',
    seed: 7,
    ts: T0,
    type: 'WorkflowStarted',
    workflowId: id,
  })
  await log.append(SUBMITTED)
  await store.close()
  const file = store.pathOf(`${id}~r1`)
  const bytes = await readFile(file)
  const starts = [0]
  for (let i = 0; i < bytes.length - 1; i++) if (bytes[i] === 0x0a) starts.push(i + 1)
  return {bytes, file, starts}
}

/** A line with a valid checksum, as the store would write it. */
const checksummed = (event: object) => {
  const body = JSON.stringify(event).slice(0, -1)
  return `${body},"crc":"${lineChecksum(body)}"}\n`
}

interface Row {
  id: string
  pid: string
  problem?: string
  status: string
}

/** The damage kinds of the review's table, each in its own run: id → [line, goodEvents, reason]. */
const DAMAGED: Record<string, [line: number, goodEvents: number, reason: RegExp]> = {
  bad: [1, 0, /not a history event \(no "type" field\)/],
  dir: [0, 0, /it is a directory, not a file/],
  'wf-dup': [3, 2, /seq 2 repeats or goes back: expected 3/],
  'wf-empty': [1, 0, /the file is empty \(0 bytes\)/],
  'wf-flip': [2, 1, /checksum does not match/],
  'wf-future': [4, 3, /event type "FutureEvent" is not one this wippy knows/],
  'wf-lastflip': [3, 2, /checksum does not match.*complete.*not a torn write/],
  'wf-sed': [3, 2, /not valid JSON.*complete/],
}

async function damagedProject(): Promise<{dir: string; root: string}> {
  const root = await makeProject('templates/approval')
  onTestFinished(() => rm(root, {force: true, recursive: true}))
  const dir = stateLayout(root).histories
  await writeRun(dir, 'wf-ok')
  // A byte flip mid-file (line 2)
  const flip = await writeRun(dir, 'wf-flip')
  const flipped = Buffer.from(flip.bytes)
  flipped[flip.starts[1]! + 20]! ^= 0x01
  await writeFile(flip.file, flipped)
  // A duplicated line
  const dup = await writeRun(dir, 'wf-dup')
  await writeFile(
    dup.file,
    Buffer.concat([dup.bytes.subarray(0, dup.starts[2]), dup.bytes.subarray(dup.starts[1]!, dup.starts[2])]),
  )
  // An empty file
  await writeFile(join(dir, 'wf-empty~r1.jsonl'), '')
  // `{}` in a file with an odd name
  await writeFile(join(dir, 'bad~name.jsonl'), '{}\n')
  // A directory with a history's name
  await mkdir(join(dir, 'dir~x.jsonl'))
  // An unknown (future) event type with a valid checksum
  const future = await writeRun(dir, 'wf-future')
  await writeFile(
    future.file,
    Buffer.concat([future.bytes, Buffer.from(checksummed({seq: 4, type: 'FutureEvent', ts: T0 + 20}))]),
  )
  // Finding 11: a flipped byte inside the complete last line (it ends in its newline)
  const last = await writeRun(dir, 'wf-lastflip')
  const lastFlipped = Buffer.from(last.bytes)
  lastFlipped[last.starts[2]! + 30]! ^= 0x02
  await writeFile(last.file, lastFlipped)
  // ux finding 8: `sed -i '3s/.*/{garbage/'`
  const sed = await writeRun(dir, 'wf-sed')
  await writeFile(sed.file, Buffer.concat([sed.bytes.subarray(0, sed.starts[2]), Buffer.from('{garbage\n')]))
  // A real torn tail: the last 20 bytes never landed
  const torn = await writeRun(dir, 'wf-torn')
  await writeFile(torn.file, torn.bytes.subarray(0, torn.bytes.length - 20))
  return {dir, root}
}

function expectQuarantined(rows: Row[]): void {
  for (const [id, [line, good, reason]] of Object.entries(DAMAGED)) {
    const row = rows.find((r) => r.id === id)
    expect(row, `${id} is listed`).toBeDefined()
    expect(row!.status, id).toBe('damaged')
    expect(row!.problem, id).toMatch(reason)
    expect(row!.problem, id).toContain(line === 0 ? 'dir~x.jsonl' : `at line ${line} (byte `)
    expect(row!.problem, id).toContain(good === 0 ? 'no event is readable' : `events 1..${good} are intact`)
  }
}

const json = <T>(r: {exitCode: number; stderr: string; stdout: string}): T => {
  expect(r.exitCode, r.stderr + r.stdout).toBe(0)
  return JSON.parse(r.stdout) as T
}

describe('a project with damaged histories', () => {
  it('lists and inspects damaged runs without a dev server, and repairs one offline', async () => {
    const {dir, root} = await damagedProject()
    const cli = (args: string[]) => runCli(args, {cwd: root})

    // ps works, listing every damaged run (by default too) next to the healthy ones
    const ps = json<{processes: Row[]; source: string}>(await cli(['ps', '--json']))
    expect(ps.source).toBe('files')
    expectQuarantined(ps.processes)
    expect(ps.processes.find((r) => r.id === 'wf-ok')?.status).toBe('running')
    const onlyDamaged = json<{processes: Row[]}>(await cli(['ps', '--status', 'damaged', '--json']))
    expect(onlyDamaged.processes.map((r) => r.id).sort()).toEqual(Object.keys(DAMAGED).sort())

    // inspect shows the good prefix and the damage
    const view = json<{
      damage: {goodEvents: number; line: number; offset: number}
      events: Array<{seq: number}>
      status: string
    }>(await cli(['history', 'inspect', 'wf-lastflip', '--json']))
    expect(view.status).toBe('damaged')
    expect(view.events.map((e) => e.seq)).toEqual([1, 2])
    expect(view.damage).toMatchObject({goodEvents: 2, line: 3})
    const human = await cli(['history', 'inspect', 'wf-empty'])
    expect(human.exitCode, human.stderr).toBe(0)
    expect(human.stdout).toContain('DAMAGED')
    expect(human.stdout).toContain(
      'the file is empty (0 bytes); no event is readable. Run `wippy history repair wf-empty`',
    )
    expect(human.stdout + human.stderr).not.toMatch(/seq 0|--at 0/)

    // repair without a dev server: a copy is kept, the history is cut to its last good event
    const before = await readFile(join(dir, 'wf-dup~r1.jsonl'))
    const repaired = json<{keptAs: string; keptEvents: number; removed: boolean; source: string; summary: Row}>(
      await cli(['history', 'repair', 'wf-dup', '--json']),
    )
    expect(repaired).toMatchObject({
      keptEvents: 2,
      removed: false,
      source: 'files',
      summary: {id: 'wf-dup', status: 'running'},
    })
    expect((await readFile(repaired.keptAs)).equals(before)).toBe(true)
    expect(json<{status: string; total: number}>(await cli(['history', 'inspect', 'wf-dup', '--json']))).toMatchObject({
      status: 'running',
      total: 2,
    })
    // A run that is not damaged has nothing to repair
    const intact = await cli(['history', 'repair', 'wf-ok', '--json'])
    expect(intact.exitCode).not.toBe(0)
    expect(JSON.parse(intact.stdout).error.code).toBe('WIPPY_RUN_NOT_DAMAGED')

    // And the next `wippy dev` recovers the repaired run like any other: it waits for its signal again
    const dev = await startDev({args: ['--no-watch'], root})
    for (let t = Date.now(); ;) {
      const row = json<{processes: Array<Row & {waiting?: string}>}>(await dev.cli(['ps', '--json'])).processes.find(
        (r) => r.id === 'wf-dup',
      )
      if (row?.status === 'running' && row.waiting === 'waiting for a signal') break
      if (Date.now() - t > 15_000) throw new Error(`wf-dup was not recovered: ${JSON.stringify(row)}`)
      await new Promise((r) => setTimeout(r, 100))
    }
    expect(dev.output()).not.toContain('quarantined history wf-dup')
    expect(await dev.stop()).toBe(0)
  }, 90_000)

  it('starts `wippy dev` with every damaged run quarantined, keeps the rest working, forks and repairs through the server', async () => {
    const {dir, root} = await damagedProject()
    const dev = await startDev({args: ['--no-watch'], root})
    const out = dev.output()
    // The dev log names each quarantined file and the command that works now
    for (const id of Object.keys(DAMAGED))
      expect(out, id).toMatch(
        new RegExp(
          `quarantined history .*${id === 'bad' ? 'bad~name' : id === 'dir' ? 'dir~x' : id}.*wippy history repair`,
        ),
      )
    // The real torn tail was dropped, and its bytes kept
    expect(out).toMatch(
      /recovered history wf-torn~r1: dropped \d+ bytes of a torn last line at byte \d+ \(kept in .*wf-torn~r1\.jsonl\.torn-/,
    )
    expect((await readdir(dir)).some((n) => n.startsWith('wf-torn~r1.jsonl.torn-'))).toBe(true)

    // ps through the server lists the quarantined runs too
    const ps = json<{processes: Row[]; source: string}>(await dev.cli(['ps', '--json']))
    expect(ps.source).toBe('engine')
    expectQuarantined(ps.processes)
    const onlyDamaged = json<{processes: Row[]}>(await dev.cli(['ps', '--status', 'damaged', '--json']))
    expect(onlyDamaged.processes.map((r) => r.id).sort()).toEqual(Object.keys(DAMAGED).sort())

    // Everything else works: the healthy run takes a signal and completes
    json(await dev.cli(['signal', 'wf-ok', 'decision', '{"approved":true}', '--json']))
    for (let t = Date.now(); ;) {
      const all = json<{processes: Row[]}>(await dev.cli(['ps', '--all', '--json']))
      if (all.processes.find((r) => r.id === 'wf-ok')?.status === 'completed') break
      if (Date.now() - t > 15_000) throw new Error(`wf-ok never completed: ${JSON.stringify(all)}`)
      await new Promise((r) => setTimeout(r, 100))
    }
    // A damaged run takes no delivery, and says what to do
    const refused = await dev.cli(['signal', 'wf-flip', 'decision', '{}', '--json'])
    expect(refused.exitCode).toBe(1)
    expect(JSON.parse(refused.stdout).error).toMatchObject({
      code: 'WIPPY_RUN_DAMAGED',
      hint: expect.stringContaining('wippy history repair wf-flip'),
    })

    // inspect through the server shows the good prefix and the damage
    const view = json<{damage: {line: number}; events: Array<{seq: number}>; status: string}>(
      await dev.cli(['history', 'inspect', 'wf-future', '--json']),
    )
    expect(view).toMatchObject({damage: {line: 4}, status: 'damaged', total: 3})

    // fork --at the last good event reads the good prefix
    const fork = json<{id: string}>(await dev.cli(['fork', 'wf-lastflip', '--at', '2', '--id', 'wf-forked', '--json']))
    expect(fork.id).toBe('wf-forked')
    const forked = json<{events: Array<{type: string}>}>(await dev.cli(['history', 'inspect', 'wf-forked', '--json']))
    expect(forked.events.slice(1, 2).map((e) => e.type)).toEqual(['ActivityScheduled'])
    const noPrefix = await dev.cli(['fork', 'wf-empty', '--at', '1', '--json'])
    expect(JSON.parse(noPrefix.stdout).error).toMatchObject({
      code: 'WIPPY_FORK_AT_INVALID',
      message: expect.stringContaining('no event of its damaged history can be read'),
    })

    // repair through the server: the copy is kept and the run goes on at once
    const damagedBytes = await readFile(join(dir, 'wf-lastflip~r1.jsonl'))
    const repaired = json<{keptAs: string; keptEvents: number; source: string; summary: Row}>(
      await dev.cli(['history', 'repair', 'wf-lastflip', '--json']),
    )
    expect(repaired).toMatchObject({keptEvents: 2, source: 'engine', summary: {id: 'wf-lastflip'}})
    expect((await readFile(repaired.keptAs)).equals(damagedBytes)).toBe(true)
    // (the history goes on after event 2: the submit activity, whose result was lost, runs again)
    expect(
      (await readFile(join(dir, 'wf-lastflip~r1.jsonl'))).subarray(0, 300).equals(damagedBytes.subarray(0, 300)),
    ).toBe(true)
    for (let t = Date.now(); ;) {
      const row = json<{processes: Row[]}>(await dev.cli(['ps', '--json'])).processes.find(
        (r) => r.id === 'wf-lastflip',
      )
      if (row?.status === 'running' && (row as {waiting?: string}).waiting === 'waiting for a signal') break
      if (Date.now() - t > 15_000) throw new Error(`wf-lastflip did not go on: ${JSON.stringify(row)}`)
      await new Promise((r) => setTimeout(r, 100))
    }
    // A history with nothing readable (and a directory) is moved aside, never deleted
    const gone = json<{keptAs: string; removed: boolean}>(await dev.cli(['history', 'repair', 'bad', '--json']))
    expect(gone.removed).toBe(true)
    expect(await readFile(gone.keptAs, 'utf8')).toBe('{}\n')
    const dirGone = json<{keptAs: string; removed: boolean}>(await dev.cli(['history', 'repair', 'dir', '--json']))
    expect(dirGone.removed).toBe(true)
    expect((await lstat(dirGone.keptAs)).isDirectory()).toBe(true)
    const left = json<{processes: Row[]}>(await dev.cli(['ps', '--status', 'damaged', '--json']))
      .processes.map((r) => r.id)
      .sort()
    expect(left).toEqual(['wf-dup', 'wf-empty', 'wf-flip', 'wf-future', 'wf-sed'])
    expect(await dev.stop()).toBe(0)
  }, 90_000)
})
