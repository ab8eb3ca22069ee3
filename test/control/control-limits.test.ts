/**
 * What one control client may cost the server, over real Unix sockets: a subscriber that
 * stops reading is dropped at the high-water mark (the others keep their streams), connections
 * past the cap are refused with WIPPY_CONTROL_BUSY, a connection that never asks for anything
 * is closed, and shutdown does not wait for stalled sockets. The engine is a small test double
 * of EngineApi, as in control-channel.test.ts.
 */
import {mkdtemp, rm} from 'node:fs/promises'
import {type Socket, connect} from 'node:net'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {afterEach, beforeEach, describe, expect, it} from 'vitest'

import {connectControl} from '../../src/control/client.js'
import {type ControlLimits, startControlServer} from '../../src/dev/control-server.js'
import type {EngineApi, EngineEvent} from '../../src/engine/api.js'

/** An engine that only streams: `emit` fans an event out to every subscriber. */
function streamingEngine() {
  const listeners = new Set<(e: EngineEvent) => void>()
  const engine = {
    status: () => ({
      entries: 1,
      persistence: {dir: '/x', durable: true},
      processes: 0,
      root: '/r',
      workflows: {blocked: 0, open: 0, total: 0},
    }),
    subscribe: (l: (e: EngineEvent) => void) => {
      listeners.add(l)
      return () => listeners.delete(l)
    },
  } as unknown as EngineApi
  return {emit: (e: EngineEvent) => listeners.forEach((l) => l(e)), engine, listeners}
}

let root: string
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'wippy-limits-'))
})
afterEach(async () => {
  await rm(root, {force: true, recursive: true})
})

async function serve(limits: Partial<ControlLimits>) {
  const fake = streamingEngine()
  const notes: string[] = []
  const server = await startControlServer({engine: fake.engine, limits, onNote: (m) => notes.push(m), root})
  return {...fake, notes, server}
}

/** A raw connection; resolves once connected. */
function rawConnect(address: string): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const conn = connect(address, () => resolve(conn))
    conn.once('error', reject)
  })
}

const closed = (conn: Socket) =>
  new Promise<void>((resolve) => (conn.destroyed ? resolve() : conn.once('close', () => resolve())))
const PAD = 'x'.repeat(4096)

describe('control server limits', () => {
  it('drops a subscriber that stops reading at the high-water mark; a reading one gets every event', async () => {
    const {emit, listeners, notes, server} = await serve({highWaterBytes: 256 * 1024})
    try {
      // Given a subscriber that never reads, and one that does
      const stalled = await rawConnect(server.address)
      stalled.write('{"id": 1, "method": "subscribe"}\n')
      stalled.pause()
      const client = (await connectControl(root))!
      let got = 0
      const off = await client.subscribe(() => got++)
      await expect.poll(() => listeners.size).toBe(2)

      // When 8 MB of events stream out (in steps, as a running engine emits them)
      for (let batch = 0; batch < 200; batch++) {
        for (let i = 0; i < 10; i++) emit({level: 'info', message: PAD, type: 'log'})
        await new Promise((r) => setTimeout(r, 1))
      }

      // Then the stalled one is dropped with a note, and the reader got all 2,000
      expect(listeners.size).toBe(1)
      expect(notes.join('\n')).toMatch(/dropped a control client that stopped reading its stream \(\d+ KiB unsent\)/)
      await expect.poll(() => got, {timeout: 5000}).toBe(2000)
      off()
      client.close()
      stalled.destroy()
    } finally {
      await server.close()
    }
  })

  it('refuses connections past the cap with WIPPY_CONTROL_BUSY, and serves again once one leaves', async () => {
    const {server} = await serve({maxConnections: 4})
    try {
      const held = await Promise.all(Array.from({length: 4}, () => rawConnect(server.address)))
      const extra = await rawConnect(server.address)
      let text = ''
      extra.setEncoding('utf8')
      extra.on('data', (d: string) => (text += d))
      await closed(extra)
      expect(JSON.parse(text.trim())).toMatchObject({
        error: {code: 'WIPPY_CONTROL_BUSY', hint: expect.stringContaining('Close other')},
        ok: false,
      })

      held[0]!.destroy()
      await expect
        .poll(async () => {
          const client = await connectControl(root)
          try {
            return (await client?.status())?.entries
          } catch {
            return undefined
          } finally {
            client?.close()
          }
        })
        .toBe(1)
      for (const c of held) c.destroy()
    } finally {
      await server.close()
    }
  })

  it('closes a connection that never sends a request; one that asked stays open', async () => {
    const {server} = await serve({idleMs: 200})
    try {
      const idle = await rawConnect(server.address)
      const busy = await rawConnect(server.address)
      busy.write('{"id": 1, "method": "status"}\n')
      const started = Date.now()
      await closed(idle)
      expect(Date.now() - started).toBeLessThan(2000)
      await new Promise((r) => setTimeout(r, 400))
      expect(busy.destroyed).toBe(false)
      busy.destroy()
    } finally {
      await server.close()
    }
  })

  it('shuts down at once with stalled subscribers holding megabytes unsent', async () => {
    const {emit, listeners, server} = await serve({highWaterBytes: 1 << 30})
    const stalled = await Promise.all(Array.from({length: 10}, () => rawConnect(server.address)))
    for (const conn of stalled) {
      conn.write('{"id": 1, "method": "subscribe"}\n')
      conn.pause()
    }
    await expect.poll(() => listeners.size).toBe(10)
    for (let i = 0; i < 500; i++) emit({level: 'info', message: PAD, type: 'log'})
    const started = Date.now()
    await server.close()
    expect(Date.now() - started).toBeLessThan(1000)
    expect(listeners.size).toBe(0)
    for (const conn of stalled) conn.destroy()
  })
})
