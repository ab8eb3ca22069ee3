/**
 * Fuzz: a real workflow history (the payment saga run by the real Engine, with a 24 h timer
 * skipped) truncated at every byte offset and damaged by flipped bytes →
 * `HistoryStore.read/open` recovers a torn tail (the events are an exact prefix of the
 * original, and open() keeps the dropped bytes in a `.torn-` copy), refuses damage with
 * `WIPPY_HISTORY_CORRUPT` — including a flipped byte in a *complete* last line, which a torn
 * write cannot leave (reliability finding 11) — and never skips silently: no event from after
 * a damaged line ever comes back.
 */
import fc from 'fast-check'
import {copyFile, mkdtemp, readFile, readdir, rm, stat, writeFile} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {Engine} from '../../src/engine/engine.js'
import {stateLayout} from '../../src/engine/state-dir.js'
import {WippyError} from '../../src/errors.js'
import type {HistoryEvent} from '../../src/history/events.js'
import {HistoryStore} from '../../src/history/store.js'
import {paymentProject} from '../engine/payment-project.js'
import type {TempProject} from '../helpers/project.js'
import {RUNS, budget, params} from './arbitraries.js'

let project: TempProject
let work: string
let original: Buffer
let events: HistoryEvent[]
/** Byte offset where each line starts (line i+1 starts at starts[i]). */
let starts: number[]
const KEY = 'run'

beforeAll(async () => {
  // Given a history written by the real engine: activities, a 24 h timer moved by time skip, a result
  project = paymentProject()
  const engine = await Engine.start({env: {}, root: project.root})
  try {
    const {id} = await engine.spawn({entry: 'app.workflows:payment', input: [{amount: 10}]})
    for (let t = Date.now(); !engine.ps().some((p) => p.id === id && p.waiting?.startsWith('sleeping'));) {
      if (Date.now() - t > 10_000) throw new Error('the payment workflow never slept')
      await new Promise((r) => setTimeout(r, 10))
    }
    await engine.skipTime(id, 'next-timer')
    await engine.wait(id)
  } finally {
    await engine.close()
  }
  const dir = stateLayout(project.root).histories
  const [name] = (await readdir(dir)).filter((n) => n.endsWith('.jsonl'))
  original = await readFile(join(dir, name!))
  work = await mkdtemp(join(tmpdir(), 'wippy-fuzz-hist-'))
  await writeFile(join(work, `${KEY}.jsonl`), original)
  events = (await new HistoryStore(work).read(KEY)).events
  starts = [0]
  for (let i = 0; i < original.length - 1; i++) if (original[i] === 0x0a) starts.push(i + 1)
})

afterAll(async () => {
  project?.remove()
  if (work) await rm(work, {force: true, recursive: true})
})

/** Reads `bytes` as the run's history: the events, or the WippyError it was refused with. */
async function readAs(
  bytes: Buffer,
  mode: 'open' | 'read',
): Promise<{error?: WippyError; events?: HistoryEvent[]; kept?: Buffer; size: number}> {
  const dir = await mkdtemp(join(work, 'case-'))
  try {
    const store = new HistoryStore(dir)
    await writeFile(store.pathOf(KEY), bytes)
    try {
      if (mode === 'read') return {events: (await store.read(KEY)).events, size: bytes.length}
      const opened = await store.open(KEY)
      await opened.log.close()
      const kept = opened.recovered?.keptAs === undefined ? undefined : await readFile(opened.recovered.keptAs)
      return {events: opened.events, size: (await stat(store.pathOf(KEY))).size, ...(kept ? {kept} : {})}
    } catch (error) {
      if (!(error instanceof WippyError)) throw error
      return {error, size: (await stat(store.pathOf(KEY))).size}
    } finally {
      await store.close()
    }
  } finally {
    await rm(dir, {force: true, recursive: true})
  }
}

/** How many whole lines (newline included) the first `cut` bytes hold. */
const completeLines = (cut: number) =>
  starts.filter((s, i) => (starts[i + 1] ?? original.length) <= cut && s < cut).length

describe('fuzz: history files', () => {
  it('starts from a real engine history', () => {
    expect(events.map((e) => e.type)).toContain('TimeSkipped')
    expect(events.length).toBeGreaterThanOrEqual(10)
    expect(starts).toHaveLength(events.length)
  })

  it(
    'recovers an exact prefix when cut at every byte offset (read and open)',
    async () => {
      let refused = 0
      for (let cut = 0; cut <= original.length; cut++) {
        const complete = completeLines(cut)
        for (const mode of ['read', 'open'] as const) {
          // When the file is cut at `cut` bytes
          const got = await readAs(original.subarray(0, cut), mode)
          if (got.error) {
            // Then only a file without one whole record may be refused, with a history code
            expect(complete, `cut ${cut} (${mode}): ${got.error.message}`).toBe(0)
            expect(got.error.code).toMatch(/^WIPPY_HISTORY_/)
            expect(got.error.hint).toBeTruthy()
            refused++
            continue
          }
          // Otherwise the events are exactly the complete records, in order
          expect(got.events, `cut ${cut} (${mode})`).toEqual(events.slice(0, complete))
          // And open() truncates the torn tail to the last record boundary, keeping the dropped bytes
          if (mode === 'open') {
            const boundary = complete === 0 ? 0 : (starts[complete] ?? original.length)
            expect(got.size).toBe(boundary)
            if (boundary < cut)
              expect(got.kept?.equals(original.subarray(boundary, cut)), `cut ${cut}: the dropped bytes are kept`).toBe(
                true,
              )
          }
        }
      }
      expect(refused).toBeGreaterThan(0)
    },
    budget(original?.length ?? 0, 10, 120_000),
  )

  it(
    `refuses ${RUNS} random byte flips before the last line and never returns events after the damage`,
    async () => {
      const lastLineStart = () => starts[starts.length - 1]!
      await fc.assert(
        fc.asyncProperty(
          fc.array(fc.tuple(fc.nat(), fc.integer({min: 1, max: 255})), {minLength: 1, maxLength: 4}),
          fc.boolean(),
          fc.constantFrom('read' as const, 'open' as const),
          async (flips, keepTail, mode) => {
            // Given one to four bytes flipped (xor with a non-zero value), mostly in the middle
            const bytes = Buffer.from(original)
            const positions = flips.map(([pos, x]) => {
              const p = keepTail ? pos % lastLineStart() : pos % original.length
              bytes[p]! ^= x
              return p
            })
            const first = Math.min(...positions)
            // The last line as the damaged bytes split it (a changed newline merges two lines)
            const lastNewline = bytes.lastIndexOf(0x0a, bytes.length - 2)
            const lastStart = lastNewline + 1
            // When it is read
            const got = await readAs(bytes, mode)
            if (got.error) {
              // Then the damage is refused with WIPPY_HISTORY_CORRUPT (and the file left as it was)
              expect(got.error.code, got.error.message).toBe('WIPPY_HISTORY_CORRUPT')
              expect(got.error.hint).toBeTruthy()
              expect(got.size).toBe(original.length)
              return
            }
            // Otherwise all the damage sat in the last line, dropped as a torn tail: an exact prefix
            // of the events before it, none from after the damage
            expect(first, `flips at ${positions.join(',')} were accepted`).toBeGreaterThanOrEqual(lastStart)
            // And only a last line a torn write could leave counts as torn (finding 11): one that
            // lost its newline, or holds NULs (a page that never landed); never a complete line
            const tail = bytes.subarray(lastStart)
            expect(
              tail.at(-1) !== 0x0a || tail.includes(0),
              `a complete last line was dropped (flips at ${positions.join(',')})`,
            ).toBe(true)
            expect(got.events).toEqual(events.slice(0, got.events!.length))
            expect(starts[got.events!.length] ?? original.length).toBeLessThanOrEqual(first)
          },
        ),
        params(),
      )
    },
    budget(RUNS, 30),
  )

  it('refuses every flipped byte inside the complete last line: an acknowledged event, not a torn write (finding 11)', async () => {
    const lastStart = starts[starts.length - 1]!
    let checked = 0
    for (let at = lastStart; at < original.length - 1; at++) {
      for (const x of [0x01, 0x20, 0x80]) {
        const bytes = Buffer.from(original)
        bytes[at]! ^= x
        if (bytes[at] === 0 || bytes[at] === 0x0a) continue
        for (const mode of ['read', 'open'] as const) {
          const got = await readAs(bytes, mode)
          expect(got.error?.code, `flip 0x${x.toString(16)} at ${at} (${mode})`).toBe('WIPPY_HISTORY_CORRUPT')
          expect(got.error?.details, `flip at ${at}`).toMatchObject({goodEvents: events.length - 1, offset: lastStart})
          expect(got.size).toBe(original.length)
          checked++
        }
      }
    }
    expect(checked).toBeGreaterThan(100)
  }, 120_000)

  it('refuses a record whose newline turned into another byte (it would merge into the last line)', async () => {
    for (let line = 1; line < starts.length; line++) {
      const nl = starts[line]! - 1
      for (const byte of [0x20, 0x0b, 0x7b, 0xff, 0x0a ^ 0x1d]) {
        const bytes = Buffer.from(original)
        bytes[nl] = byte
        for (const mode of ['read', 'open'] as const) {
          const got = await readAs(bytes, mode)
          expect(got.error?.code, `newline of line ${line} → 0x${byte.toString(16)} (${mode})`).toBe(
            'WIPPY_HISTORY_CORRUPT',
          )
          expect(got.size).toBe(original.length)
        }
      }
    }
  })

  it('keeps the original file readable after the fuzzing (copies only)', async () => {
    const dir = await mkdtemp(join(work, 'final-'))
    await copyFile(join(work, `${KEY}.jsonl`), join(dir, `${KEY}.jsonl`))
    expect((await new HistoryStore(dir).read(KEY)).events).toEqual(events)
  })
})
