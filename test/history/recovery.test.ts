import {readFile, stat, writeFile} from 'node:fs/promises'
import {describe, expect, it} from 'vitest'

import type {WippyError} from '../../src/errors.js'
import {lineChecksum, readHistoryBuffer, scanHistoryBuffer} from '../../src/history/reader.js'
import {HistoryStore} from '../../src/history/store.js'
import {started, step, tempDir} from './helpers.js'

const EVENTS = 24

/** Writes a real history of EVENTS events; returns the store, its bytes and line starts. */
async function realHistory(): Promise<{bytes: Buffer; file: string; starts: number[]; store: HistoryStore}> {
  const store = new HistoryStore(await tempDir())
  const log = await store.create('run', started())
  for (let i = 2; i <= EVENTS; i++) await log.append([step(i)])
  await log.close()
  const file = store.pathOf('run')
  const bytes = await readFile(file)
  const starts = [0]
  for (let i = 0; i < bytes.length - 1; i++) if (bytes[i] === 0x0a) starts.push(i + 1)
  expect(starts).toHaveLength(EVENTS)
  return {bytes, file, starts, store}
}

async function caught(promise: Promise<unknown>): Promise<WippyError> {
  try {
    await promise
  } catch (error) {
    return error as WippyError
  }
  throw new Error('expected a rejection')
}

describe('recovery reader on real files', () => {
  it('recovers every earlier event when the file is cut at any byte of the last or a middle record', async () => {
    const {bytes, file, starts, store} = await realHistory()
    const middle = 12
    const offsets: number[] = []
    for (let c = starts[EVENTS - 1]!; c <= bytes.length; c++) offsets.push(c)
    for (let c = starts[middle - 1]!; c <= starts[middle]!; c++) offsets.push(c)

    for (const cut of offsets) {
      // Given the history cut at `cut` bytes (as a crash mid-write would leave it)
      await writeFile(file, bytes.subarray(0, cut))
      // The complete records are the lines that end at or before the cut
      const complete = starts.filter((s, i) => (starts[i + 1] ?? bytes.length) <= cut && s < cut).length
      const boundary = complete === EVENTS ? bytes.length : starts[complete]!

      // When it is read (read-only), the torn tail is reported but left in place
      const read = await store.read('run')
      expect(read.events).toHaveLength(complete)
      expect((await stat(file)).size).toBe(cut)

      // When it is opened for writing, the tail is truncated and reported
      const {events, log, recovered} = await store.open('run')
      expect(
        events.map((e) => e.seq),
        `cut at ${cut}`,
      ).toEqual(Array.from({length: complete}, (_, i) => i + 1))
      if (cut === boundary) {
        expect(recovered, `cut at ${cut} leaves a complete file`).toBeUndefined()
      } else {
        expect(recovered).toMatchObject({
          atOffset: boundary,
          droppedBytes: cut - boundary,
          line: complete + 1,
          reason: 'no-newline',
        })
        // And the dropped bytes are kept beside the file before they are cut
        const {keptAs, ...report} = recovered!
        expect(read.recovered).toEqual(report)
        expect(keptAs).toMatch(/run\.jsonl\.torn-\d{8}T\d{9}Z(-\d+)?$/)
        expect((await readFile(keptAs!)).equals(bytes.subarray(boundary, cut))).toBe(true)
      }
      expect((await stat(file)).size).toBe(boundary)
      // And appends continue cleanly after the last complete record
      const [next] = await log.append([step(complete + 1)])
      expect(next!.seq).toBe(complete + 1)
      await log.close()
      expect((await store.read('run')).events).toHaveLength(complete + 1)
    }
    expect(offsets.length).toBeGreaterThan(300)
  })

  it('refuses a file cut inside its first record: no WorkflowStarted survives', async () => {
    const {bytes, file, starts, store} = await realHistory()
    for (let cut = 0; cut < starts[1]!; cut += 7) {
      await writeFile(file, bytes.subarray(0, cut))
      const error = await caught(store.open('run'))
      expect(error.code).toBe('WIPPY_HISTORY_CORRUPT')
      expect(error.message).toMatch(cut === 0 ? /the file is empty \(0 bytes\)/ : /no complete WorkflowStarted/)
      // And the hint does not offer to fork from a "seq 0"
      expect(error.hint).not.toMatch(/seq 0|--at 0/)
      expect(error.hint).toMatch(/wippy history repair run/)
      expect((await stat(file)).size).toBe(cut)
    }
  })

  it('refuses a flipped byte anywhere in a middle record with its line and offset, leaving the file untouched', async () => {
    const {bytes, file, starts, store} = await realHistory()
    const line = 10
    const lineStart = starts[line - 1]!
    for (let at = lineStart; at < starts[line]!; at++) {
      // Given one byte of line 10 changed (including its newline)
      const damaged = Buffer.from(bytes)
      damaged[at] = damaged[at]! ^ 0x04
      await writeFile(file, damaged)
      const before = await stat(file)

      // Then opening it fails loudly, naming the line and byte offset
      const error = await caught(store.open('run'))
      expect(error.code, `flip at ${at}`).toBe('WIPPY_HISTORY_CORRUPT')
      expect(error.line).toBe(line)
      expect(error.details).toMatchObject({goodEvents: line - 1, offset: lineStart})
      expect(error.file).toBe(file)
      expect(error.message).toContain(`line ${line} (byte ${lineStart})`)
      // And the hint names commands that work without a dev server (repair) and with one (fork)
      expect(error.hint).toContain(
        `\`wippy history repair run\` keeps a copy of the file and cuts the history back to event ${line - 1}`,
      )
      expect(error.hint).toContain(`\`wippy fork run --at ${line - 1}\``)

      // And the file is byte-for-byte unchanged
      expect((await readFile(file)).equals(damaged)).toBe(true)
      expect((await stat(file)).mtimeMs).toBe(before.mtimeMs)
    }
  })

  it('catches a change that still parses (a digit in a number) thanks to the line checksum', async () => {
    const {bytes, file, starts, store} = await realHistory()
    const text = bytes.toString('utf8')
    const damaged = text.replace('"amount":110', '"amount":910')
    expect(damaged).not.toBe(text)
    await writeFile(file, damaged)
    const error = await caught(store.read('run'))
    expect(error.code).toBe('WIPPY_HISTORY_CORRUPT')
    expect(error.message).toMatch(/checksum/)
    expect(error.details).toMatchObject({offset: starts[9]})
  })

  it('treats a last line with NULs in it (a page that never landed) as a torn tail', async () => {
    const {bytes, file, starts, store} = await realHistory()
    const damaged = Buffer.from(bytes)
    damaged[bytes.length - 30] = 0x00
    await writeFile(file, damaged)
    const {events, recovered} = await store.open('run')
    expect(events).toHaveLength(EVENTS - 1)
    expect(recovered).toMatchObject({atOffset: starts[EVENTS - 1], reason: 'checksum-mismatch'})
  })

  it('drops NUL padding after the last record', async () => {
    const {bytes, file, store} = await realHistory()
    await writeFile(file, Buffer.concat([bytes, Buffer.alloc(4096)]))
    const {events, log, recovered} = await store.open('run')
    expect(events).toHaveLength(EVENTS)
    expect(recovered).toMatchObject({atOffset: bytes.length, droppedBytes: 4096, reason: 'nul-padding'})
    await log.close()
    expect((await readFile(file)).equals(bytes)).toBe(true)
  })

  it('drops a partial line followed by NUL padding', async () => {
    const {bytes, file, starts, store} = await realHistory()
    await writeFile(file, Buffer.concat([bytes.subarray(0, bytes.length - 50), Buffer.alloc(1000)]))
    const {events, recovered} = await store.open('run')
    expect(events).toHaveLength(EVENTS - 1)
    expect(recovered).toMatchObject({
      atOffset: starts[EVENTS - 1],
      droppedBytes: bytes.length - 50 - starts[EVENTS - 1]! + 1000,
    })
  })
})

/** A hand-written history (no crc) from plain objects. */
function handWritten(events: object[]): Buffer {
  return Buffer.from(events.map((e) => JSON.stringify(e) + '\n').join(''))
}

const ok = (seq: number) => ({seq, ...step(seq)})

describe('recovery reader: sequence and structure', () => {
  it('accepts a hand-written history without checksums', () => {
    const buf = handWritten([{seq: 1, ...started()}, ok(2), ok(3)])
    expect(readHistoryBuffer(buf, 'h.jsonl').events.map((e) => e.seq)).toEqual([1, 2, 3])
  })

  it('refuses a seq gap or repeat mid-file, and on the last line too', () => {
    const cases: Array<[object[], RegExp, number]> = [
      [[{seq: 1, ...started()}, ok(2), ok(4), ok(5)], /seq 4 skips ahead: expected 3/, 3],
      [[{seq: 1, ...started()}, ok(2), ok(2), ok(3)], /seq 2 repeats or goes back: expected 3/, 3],
      [[{seq: 1, ...started()}, ok(2), ok(7)], /skips ahead/, 3],
      [[{seq: 2, ...started()}, ok(3)], /expected 1/, 1],
    ]
    for (const [events, message, line] of cases) {
      expect(() => readHistoryBuffer(handWritten(events), 'h.jsonl')).toThrow(message)
      try {
        readHistoryBuffer(handWritten(events), 'h.jsonl')
      } catch (error) {
        expect(error).toMatchObject({code: 'WIPPY_HISTORY_CORRUPT', line})
      }
    }
  })

  it('refuses a file whose first event is not WorkflowStarted, or that starts twice', () => {
    expect(() => readHistoryBuffer(handWritten([ok(1), ok(2)]), 'h')).toThrow(
      /first event is ActivityCompleted|first event is ActivityScheduled/,
    )
    expect(() => readHistoryBuffer(handWritten([{seq: 1, ...started()}, {seq: 2, ...started()}, ok(3)]), 'h')).toThrow(
      /appears again/,
    )
  })

  it('refuses a schema failure or a blank line mid-file', () => {
    const bad = handWritten([
      {seq: 1, ...started()},
      {seq: 2, type: 'TimerStarted', ts: 1, durationMs: 'soon', fireAt: 2},
      ok(3),
    ])
    expect(() => readHistoryBuffer(bad, 'h')).toThrow(/line 2 .*durationMs/)
    const blank = Buffer.concat([handWritten([{seq: 1, ...started()}]), Buffer.from('\n'), handWritten([ok(2)])])
    expect(() => readHistoryBuffer(blank, 'h')).toThrow(/line 2 .*not valid JSON/)
  })

  it('refuses a file mixing lines with and without a checksum', () => {
    const withCrc = (e: object) => {
      const body = JSON.stringify(e).slice(0, -1)
      return `${body},"crc":"${lineChecksum(body)}"}\n`
    }
    const mixed = Buffer.from(withCrc({seq: 1, ...started()}) + JSON.stringify(ok(2)) + '\n' + withCrc(ok(3)))
    expect(() => readHistoryBuffer(mixed, 'h')).toThrow(/line 2 .*lacks the "crc" field/)
    const good = Buffer.from(withCrc({seq: 1, ...started()}) + withCrc(ok(2)))
    expect(readHistoryBuffer(good, 'h').events).toHaveLength(2)
  })
})

describe('recovery reader: a mangled checksum suffix', () => {
  it('is corruption mid-file and a torn tail on the last line', async () => {
    const store = new HistoryStore(await tempDir())
    const log = await store.create('m', started())
    await log.append([step(2), step(3)])
    await store.close()
    const bytes = await readFile(store.pathOf('m'))
    const text = bytes.toString()
    const lines = text.split('\n')
    // Uppercase hex is not what wippy writes: the suffix no longer counts as a checksum
    const mangle = (l: string) =>
      l.replace(/"crc":"([0-9a-f]{8})"/, (_, h: string) => `"crc":"${h.toUpperCase().replace(/[0-9]/g, 'A')}"`)
    const mid = [lines[0], mangle(lines[1]!), lines[2], ''].join('\n')
    expect(() => readHistoryBuffer(Buffer.from(mid), 'm')).toThrow(/line 2 .*lacks the "crc" field/)
    // On a complete last line (it ends in its newline) it is damage too: a torn write cannot leave one
    const last = [lines[0], lines[1], mangle(lines[2]!), ''].join('\n')
    expect(() => readHistoryBuffer(Buffer.from(last), 'm')).toThrow(/line 3 .*lacks the "crc" field.*not a torn write/)
    // Without its newline it may be a torn append of record 3
    const cut = [lines[0], lines[1], mangle(lines[2]!)].join('\n')
    expect(readHistoryBuffer(Buffer.from(cut), 'm').torn).toMatchObject({line: 3, reason: 'no-newline'})
  })
})

describe('recovery reader: torn tail or damage (reliability findings 3 and 11)', () => {
  it('calls a flipped byte in a complete last line damage, not a torn tail, and leaves the file untouched', async () => {
    const {bytes, file, starts, store} = await realHistory()
    const lastStart = starts[EVENTS - 1]!
    for (let at = lastStart; at < bytes.length - 1; at += 3) {
      // Given one byte of the last line changed, its newline intact (an acknowledged event)
      const damaged = Buffer.from(bytes)
      damaged[at] = damaged[at]! ^ 0x01
      await writeFile(file, damaged)
      // Then it is refused as damage, naming the line and the intact events before it
      const error = await caught(store.open('run'))
      expect(error.code, `flip at ${at}`).toBe('WIPPY_HISTORY_CORRUPT')
      expect(error.details).toEqual({goodEvents: EVENTS - 1, offset: lastStart})
      expect(error.message).toMatch(/not a torn write|does not begin like record|without its newline/)
      // And nothing is cut
      expect((await readFile(file)).equals(damaged)).toBe(true)
    }
  })

  it('refuses a last line without its newline that cannot be the start of the next record', async () => {
    const {bytes, starts} = await realHistory()
    const good = bytes.subarray(0, starts[EVENTS - 1])
    for (const tail of ['{garbage', 'xx', '{"seq":99,"type":"Act', '{"seq":24,"typ3"']) {
      const scanned = scanHistoryBuffer(Buffer.concat([good, Buffer.from(tail)]))
      expect(scanned.damage, tail).toMatchObject({goodEvents: EVENTS - 1, line: EVENTS, offset: starts[EVENTS - 1]})
      expect(scanned.damage!.reason).toMatch(/does not begin like record 24/)
    }
    // A prefix of record 24's start (or NULs where a page never landed) is a torn append
    for (const tail of ['{', '{"se', '{"seq":2', '{"seq":24,"type":"ActivityComp', '\0\0\0{"seq"']) {
      expect(scanHistoryBuffer(Buffer.concat([good, Buffer.from(tail)])).torn, JSON.stringify(tail)).toMatchObject({
        line: EVENTS,
        reason: 'no-newline',
      })
    }
  })

  it('scans every kind of damage without throwing: where it is, what it is, how much is intact', async () => {
    const {bytes, starts} = await realHistory()
    const line = (n: number) => bytes.subarray(starts[n - 1], starts[n] ?? bytes.length)
    const withCrc = (e: object) => {
      const body = JSON.stringify(e).slice(0, -1)
      return Buffer.from(`${body},"crc":"${lineChecksum(body)}"}\n`)
    }
    const cases: Array<[string, Buffer, {goodEvents: number; line: number}, RegExp]> = [
      ['empty', Buffer.alloc(0), {goodEvents: 0, line: 1}, /the file is empty \(0 bytes\)/],
      ['{}', Buffer.from('{}\n'), {goodEvents: 0, line: 1}, /not a history event \(no "type" field\)/],
      ['[]', Buffer.from('[]\n'), {goodEvents: 0, line: 1}, /not a JSON object/],
      [
        'a duplicated line',
        Buffer.concat([bytes.subarray(0, starts[5]), line(5), bytes.subarray(starts[5]!)]),
        {goodEvents: 5, line: 6},
        /seq 5 repeats/,
      ],
      [
        'a future event type with a valid crc',
        Buffer.concat([bytes, withCrc({seq: EVENTS + 1, type: 'WorkflowPaused', ts: 1})]),
        {goodEvents: EVENTS, line: EVENTS + 1},
        /event type "WorkflowPaused" is not one this wippy knows/,
      ],
    ]
    for (const [what, buf, where, reason] of cases) {
      const scanned = scanHistoryBuffer(buf)
      expect(scanned.damage, what).toMatchObject(where)
      expect(scanned.damage!.reason, what).toMatch(reason)
      expect(scanned.events, what).toHaveLength(where.goodEvents)
      // And the thrown form's hint never offers a fork from "seq 0"
      const error = (() => {
        try {
          readHistoryBuffer(buf, '/x/wf-1~r1.jsonl')
        } catch (e) {
          return e as WippyError
        }
        throw new Error(`${what} was accepted`)
      })()
      expect(error.hint, what).toContain('`wippy history repair wf-1~r1`')
      if (where.goodEvents === 0) expect(error.hint, what).toMatch(/nothing to fork from/)
      else expect(error.hint, what).toContain(`\`wippy fork wf-1~r1 --at ${where.goodEvents}\``)
    }
  })
})
