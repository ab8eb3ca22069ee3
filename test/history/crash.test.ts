import {execa} from 'execa'
import {join} from 'node:path'
import {fileURLToPath} from 'node:url'
import {describe, expect, it} from 'vitest'

import {HistoryStore} from '../../src/history/store.js'
import {tempDir} from './helpers.js'

const here = fileURLToPath(new URL('.', import.meta.url))
const child = join(here, 'fixtures', 'append-loop.ts')
const KILLS = 12
const RUNS = 4

/** Starts the appender, waits until it has acknowledged something, then SIGKILLs it after `delayMs`. */
async function runAndKill(dir: string, delayMs: number): Promise<Map<string, number>> {
  const proc = execa('node', ['--import', 'tsx', child, dir, String(RUNS)], {reject: false, buffer: true})
  let out = ''
  await new Promise<void>((resolve, reject) => {
    proc.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString()
      if (out.includes('ack ')) resolve()
    })
    proc.catch(reject)
    void proc.then(() => resolve())
  })
  await new Promise((resolve) => setTimeout(resolve, delayMs))
  proc.kill('SIGKILL')
  const result = await proc
  expect(result.signal, result.stderr).toBe('SIGKILL')
  // The highest acknowledged seq per run; only whole lines count.
  const acked = new Map<string, number>()
  for (const line of String(result.stdout).split('\n')) {
    const m = /^ack (\S+) (\d+)$/.exec(line)
    if (m) acked.set(m[1]!, Math.max(acked.get(m[1]!) ?? 0, Number(m[2])))
  }
  return acked
}

describe('crash safety (SIGKILL of a real child process)', () => {
  it(`never loses an acknowledged event across ${KILLS} kills at random moments`, async () => {
    const dir = await tempDir()
    const highest = new Map<string, number>()
    for (let i = 0; i < KILLS; i++) {
      // Given a child appending to RUNS runs, killed after a random delay
      const acked = await runAndKill(dir, 5 + Math.floor(Math.random() * 150))
      expect(acked.size).toBeGreaterThan(0)

      // Then every run reopens cleanly and holds at least every acknowledged seq, in order
      const store = new HistoryStore(dir)
      for (const key of await store.list()) {
        const {events, log} = await store.open(key)
        const ackedSeq = Math.max(acked.get(key) ?? 0, highest.get(key) ?? 0)
        expect(events.length, `${key} after kill ${i}`).toBeGreaterThanOrEqual(ackedSeq)
        expect(events.map((e) => e.seq)).toEqual(Array.from({length: events.length}, (_, k) => k + 1))
        highest.set(key, events.length)
        await log.close()
      }
      await store.close()
    }
    // And the runs made progress across restarts (each restart continued the same files)
    expect(highest.size).toBe(RUNS)
    for (const n of highest.values()) expect(n).toBeGreaterThan(KILLS)
    // (SIGKILL lands between syscalls, so torn tails are rare here; recovery.test.ts covers them.)
  }, 120_000)
})
