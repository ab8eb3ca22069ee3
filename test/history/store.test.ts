import {execFileSync} from 'node:child_process'
import {close} from 'node:fs'
import {readFile, readdir, stat, unlink, writeFile} from 'node:fs/promises'
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'

import {WippyError} from '../../src/errors.js'
import {HistoryStore} from '../../src/history/store.js'
import {cannotMountTmpfs, fillDisk, mountTmpfs} from '../helpers/tmpfs.js'
import {started, step, tempDir} from './helpers.js'

const cannotMount = cannotMountTmpfs()

describe('HistoryStore', () => {
  it('round-trips events through the file with seq assigned and stable key order', async () => {
    // Given a new run with a few events
    const store = new HistoryStore(join(await tempDir(), 'state', 'histories'))
    const log = await store.create('order-1', started())
    const appended = await log.append([step(2), step(3)])
    await store.close()

    // Then seqs run 1..n, and the file is one line per event, seq/type/ts first, crc last
    expect(appended.map((e) => e.seq)).toEqual([2, 3])
    const text = await readFile(store.pathOf('order-1'), 'utf8')
    const lines = text.split('\n')
    expect(lines).toHaveLength(4)
    expect(lines[3]).toBe('')
    expect(lines[1]).toMatch(
      /^\{"seq":2,"type":"ActivityScheduled","ts":1700000000002,"args":.*,"crc":"[0-9a-f]{8}"\}$/,
    )

    // And reading gives back the same events (the crc field is not part of an event)
    const {events, recovered} = await new HistoryStore(store.dir).read('order-1')
    expect(recovered).toBeUndefined()
    expect(events).toEqual([{...started(), seq: 1}, ...appended])
    expect(events[1]).not.toHaveProperty('crc')
  })

  it('continues seq after what is on disk when a run is reopened', async () => {
    const dir = await tempDir()
    const first = new HistoryStore(dir)
    const log = await first.create('run-a', started())
    await log.append([step(2)])
    await first.close()

    // When another store opens it and appends
    const second = new HistoryStore(dir)
    const opened = await second.open('run-a')
    expect(opened.events.map((e) => e.seq)).toEqual([1, 2])
    expect(opened.log.length).toBe(2)
    const more = await opened.log.append([step(3), step(4)])
    await second.close()

    expect(more.map((e) => e.seq)).toEqual([3, 4])
    const {events} = await new HistoryStore(dir).read('run-a')
    expect(events.map((e) => e.seq)).toEqual([1, 2, 3, 4])
  })

  it('makes 100 concurrent runs durable and in order, sharing fsync rounds', async () => {
    // Given 100 runs, each appending 20 events one at a time (awaiting each)
    const dir = await tempDir()
    const store = new HistoryStore(dir)
    const keys = Array.from({length: 100}, (_, i) => `wf-${i}`)
    await Promise.all(
      keys.map(async (key) => {
        const log = await store.create(key, started(key))
        for (let i = 2; i <= 20; i++) {
          const [event] = await log.append([step(i)])
          expect(event!.seq).toBe(i)
        }
      }),
    )
    // Then far fewer rounds than appends happened (the syncs were shared)
    expect(store.stats.rounds).toBeLessThan((100 * 19) / 10)
    await store.close()

    // And every run reads back complete and in order
    const reader = new HistoryStore(dir)
    expect(await reader.list()).toEqual([...keys].sort())
    for (const key of keys) {
      const {events} = await reader.read(key)
      expect(events.map((e) => e.seq)).toEqual(Array.from({length: 20}, (_, i) => i + 1))
      expect(events[0]).toMatchObject({type: 'WorkflowStarted', workflowId: key})
    }
  })

  it('keeps a batch appended in one call contiguous and in order', async () => {
    const store = new HistoryStore(await tempDir())
    const log = await store.create('batch', started())
    const pending = [log.append([step(2), step(3)]), log.append([step(4)]), log.append([step(5), step(6), step(7)])]
    expect(log.length).toBe(7)
    const results = await Promise.all(pending)
    expect(results.flat().map((e) => e.seq)).toEqual([2, 3, 4, 5, 6, 7])
    await store.close()
    const {events} = await store.read('batch')
    expect(events.map((e) => e.type)).toEqual(['WorkflowStarted', ...[2, 3, 4, 5, 6, 7].map((i) => step(i).type)])
  })

  it('refuses to create a run that exists, and leaves no temp files', async () => {
    const dir = await tempDir()
    const store = new HistoryStore(dir)
    await store.create('dup', started())
    await expect(store.create('dup', started())).rejects.toMatchObject({code: 'WIPPY_HISTORY_EXISTS'})
    await store.close()
    // Also from another store (another process would behave the same: link() is exclusive)
    await expect(new HistoryStore(dir).create('dup', started())).rejects.toMatchObject({code: 'WIPPY_HISTORY_EXISTS'})
    expect(await readdir(dir)).toEqual(['dup.jsonl'])
  })

  it('validates run keys', async () => {
    const store = new HistoryStore(await tempDir())
    for (const bad of ['', '../x', 'a/b', 'a..b', '.hidden', 'a\\b', 'x'.repeat(201), 'a b']) {
      expect(() => store.pathOf(bad), bad).toThrow(WippyError)
      await expect(store.create(bad, started())).rejects.toMatchObject({code: 'WIPPY_HISTORY_BAD_KEY'})
    }
    expect(store.pathOf('order-1.r2@w_x')).toMatch(/order-1\.r2@w_x\.jsonl$/)
  })

  it('refuses events that do not match the schema without consuming a seq', async () => {
    const store = new HistoryStore(await tempDir())
    await expect(store.create('x', step(2))).rejects.toMatchObject({code: 'WIPPY_HISTORY_INVALID_EVENT'})
    const log = await store.create('y', started())
    const bad = {type: 'TimerStarted', ts: 1, durationMs: 'soon'} as never
    await expect(log.append([step(2), bad])).rejects.toMatchObject({code: 'WIPPY_HISTORY_INVALID_EVENT'})
    await expect(log.append([{...step(2), crc: 'x'} as never])).rejects.toMatchObject({
      code: 'WIPPY_HISTORY_INVALID_EVENT',
    })
    expect(log.length).toBe(1)
    const [next] = await log.append([step(2)])
    expect(next!.seq).toBe(2)
    await store.close()
  })

  it('ignores a seq the caller left on an event', async () => {
    const store = new HistoryStore(await tempDir())
    const log = await store.create('z', started())
    const [event] = await log.append([{...step(2), seq: 99} as never])
    expect(event!.seq).toBe(2)
    await store.close()
    expect((await store.read('z')).events[1]!.seq).toBe(2)
  })

  it('reports missing runs, busy runs and closed stores with codes', async () => {
    const dir = await tempDir()
    const store = new HistoryStore(dir)
    await expect(store.open('nope')).rejects.toMatchObject({code: 'WIPPY_HISTORY_NOT_FOUND'})
    await expect(store.read('nope')).rejects.toMatchObject({code: 'WIPPY_HISTORY_NOT_FOUND'})
    const log = await store.create('busy', started())
    await expect(store.open('busy')).rejects.toMatchObject({code: 'WIPPY_HISTORY_BUSY'})
    await log.close()
    await expect(log.append([step(2)])).rejects.toMatchObject({code: 'WIPPY_HISTORY_CLOSED'})
    const {log: again} = await store.open('busy')
    const pending = again.append([step(2)])
    await store.close()
    // close() flushed the pending append before closing the file
    expect((await pending)[0]!.seq).toBe(2)
    await expect(store.create('later', started())).rejects.toMatchObject({code: 'WIPPY_HISTORY_CLOSED'})
    expect((await new HistoryStore(dir).read('busy')).events).toHaveLength(2)
  })

  it('lists only history files, and nothing for a missing dir', async () => {
    const dir = await tempDir()
    expect(await new HistoryStore(join(dir, 'missing')).list()).toEqual([])
    const store = new HistoryStore(dir)
    await store.create('b', started())
    await store.create('a', started())
    await writeFile(join(dir, 'notes.txt'), 'hi')
    await writeFile(join(dir, 'b.jsonl.0a1b.tmp'), '')
    expect(await store.list()).toEqual(['a', 'b'])
    await store.close()
  })

  it('rejects appends after a write failure and refuses further appends', async () => {
    // Given a run whose fd was closed behind the store's back (the write fails with EBADF)
    const store = new HistoryStore(await tempDir())
    const log = await store.create('broken', started())
    const {fd} = log as unknown as {fd: number}
    await new Promise<void>((res, rej) => close(fd, (e) => (e ? rej(e) : res())))
    // Then the append rejects with a write error and the log stays failed
    await expect(log.append([step(2)])).rejects.toMatchObject({code: 'WIPPY_HISTORY_WRITE_FAILED'})
    await expect(log.append([step(3)])).rejects.toMatchObject({code: 'WIPPY_HISTORY_WRITE_FAILED'})
    const size = (await stat(store.pathOf('broken'))).size
    expect((await new HistoryStore(store.dir).read('broken')).events).toHaveLength(1)
    expect(size).toBeGreaterThan(0)
  })
})

describe('HistoryStore: what it refuses to acknowledge', () => {
  it('refuses an append to a history deleted while open, writing nothing', async () => {
    // Given an open run whose file is then removed
    const store = new HistoryStore(await tempDir())
    const log = await store.create('gone', started())
    await log.append([step(2)])
    await unlink(store.pathOf('gone'))
    // Then the next append is refused (not acknowledged into the unlinked inode)
    await expect(log.append([step(3)])).rejects.toMatchObject({
      code: 'WIPPY_HISTORY_DELETED',
      details: {recorded: 'no'},
    })
    await store.close()
  })

  it('refuses a batch past its limits without writing any of it; the log stays usable', async () => {
    const store = new HistoryStore(await tempDir())
    const log = await store.create('capped', started())
    await expect(log.append([step(2), step(3), step(4)], {maxBytes: 1e9, maxEvents: 3})).rejects.toMatchObject({
      code: 'WIPPY_HISTORY_LIMIT',
    })
    await expect(log.append([step(2)], {maxBytes: 10, maxEvents: 100})).rejects.toMatchObject({
      code: 'WIPPY_HISTORY_LIMIT',
    })
    // Nothing was numbered or written: the next append within the limits gets seq 2
    expect((await log.append([step(2)], {maxBytes: 1e9, maxEvents: 3})).map((e) => e.seq)).toEqual([2])
    await store.close()
    expect((await new HistoryStore(store.dir).read('capped')).events).toHaveLength(2)
  })

  it.skipIf(cannotMount !== undefined)(
    `on a full disk rejects with WIPPY_DISK_FULL and cuts the partial write away${cannotMount ? ` (skipped: ${cannotMount})` : ''}`,
    async () => {
      // Given a run on a 1 MiB tmpfs that is then filled to the last byte
      const dir = await tempDir()
      expect(mountTmpfs(dir, '1m')).toBeUndefined()
      try {
        const store = new HistoryStore(join(dir, 'h'))
        const log = await store.create('full', started())
        const before = (await stat(store.pathOf('full'))).size
        fillDisk(join(dir, 'filler'))
        // When a batch needs more room than the disk has (some of it fits in the file's last page)
        const big = Array.from({length: 20}, (_, i) => ({...step(2 + i), args: ['x'.repeat(1000)]}))
        const failure = log.append(big)
        // Then it is refused with the cause, nothing of it is left in the file, and the log stays failed
        await expect(failure).rejects.toMatchObject({
          code: 'WIPPY_DISK_FULL',
          details: {errno: 'ENOSPC', recorded: 'no'},
        })
        await expect(failure).rejects.toThrow(/the disk is full \(ENOSPC\)\. The event is not recorded\./)
        expect((await stat(store.pathOf('full'))).size).toBe(before)
        await expect(log.append([step(2)])).rejects.toMatchObject({code: 'WIPPY_DISK_FULL'})
        await store.close()
        // And once space is back, a reopened log continues after the last durable event
        await unlink(join(dir, 'filler'))
        const reopened = await new HistoryStore(join(dir, 'h')).open('full')
        expect(reopened.recovered).toBeUndefined()
        expect((await reopened.log.append([step(2)])).map((e) => e.seq)).toEqual([2])
        await reopened.log.close()
      } finally {
        execFileSync('umount', ['-l', dir])
      }
    },
  )
})
