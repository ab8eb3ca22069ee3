/**
 * Fuzz: control-channel requests written straight to the socket of a running
 * `wippy dev --no-tui` (malformed JSON lines, binary, wrong types, unknown methods, lines over
 * 1 MiB) → each is answered with an error carrying a WIPPY_* code and a hint, and the next
 * valid request on the same connection is served. Needs `npm run build`.
 */
import fc from 'fast-check'
import {type Socket, connect} from 'node:net'
import {describe, expect, it} from 'vitest'

import {resolveSocketPath} from '../../src/control/address.js'
import {MAX_REQUEST_BYTES} from '../../src/control/protocol.js'
import {startDev} from '../helpers/dev-server.js'
import {RUNS, WIPPY_CODE, anyJson, badRequestLine, budget, params, signalTopic, unknownPid} from './arbitraries.js'

/** A raw line-oriented connection: write bytes, read the next reply line. */
interface RawConnection {
  close(): void
  /** Waits for the next reply line that satisfies `match` (replies with other ids are kept). */
  next(match: (reply: Record<string, unknown>) => boolean, timeoutMs?: number): Promise<Record<string, unknown>>
  write(data: string | Buffer): Promise<void>
}

async function open(path: string): Promise<RawConnection> {
  const socket: Socket = connect(path)
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve)
    socket.once('error', reject)
  })
  let buffer = ''
  const replies: Array<Record<string, unknown>> = []
  let wake: (() => void) | undefined
  let closed = false
  socket.setEncoding('utf8')
  socket.on('data', (chunk: string) => {
    buffer += chunk
    for (let nl = buffer.indexOf('\n'); nl !== -1; nl = buffer.indexOf('\n')) {
      replies.push(JSON.parse(buffer.slice(0, nl)) as Record<string, unknown>)
      buffer = buffer.slice(nl + 1)
    }
    wake?.()
  })
  socket.on('close', () => {
    closed = true
    wake?.()
  })
  return {
    close: () => socket.destroy(),
    next: async (match, timeoutMs = 10_000) => {
      const deadline = Date.now() + timeoutMs
      for (;;) {
        const i = replies.findIndex(match)
        if (i !== -1) return replies.splice(i, 1)[0]!
        if (closed) throw new Error('the server closed the connection')
        if (Date.now() > deadline) throw new Error(`no matching reply; got ${JSON.stringify(replies).slice(0, 500)}`)
        await new Promise<void>((resolve) => {
          wake = resolve
          setTimeout(resolve, 50)
        })
      }
    },
    write: (data) =>
      new Promise<void>((resolve, reject) => socket.write(data, (error) => (error ? reject(error) : resolve()))),
  }
}

const isError = (r: Record<string, unknown>) => r.ok === false
const expectCodedError = (reply: Record<string, unknown>, sent: string) => {
  const error = reply.error as Record<string, unknown>
  expect(error.code, sent.slice(0, 200)).toMatch(WIPPY_CODE)
  expect(error.message).toBeTruthy()
  expect(error.hint).toBeTruthy()
}

describe('fuzz: control channel', () => {
  it(
    `answers ${RUNS} malformed requests with coded errors and keeps serving valid ones`,
    async () => {
      const dev = await startDev({args: ['--no-watch']})
      const path = resolveSocketPath(dev.root)
      let conn = await open(path)
      let n = 0
      await fc.assert(
        fc.asyncProperty(
          badRequestLine,
          fc.boolean(),
          fc.integer({min: 0, max: 9}),
          async (line, asBytes, reconnect) => {
            // Sometimes on a fresh connection, mostly on the same one
            if (reconnect === 0) {
              conn.close()
              conn = await open(path)
            }
            // When a malformed line is sent (as text or as raw latin1 bytes)
            await conn.write(asBytes ? Buffer.concat([Buffer.from(line, 'latin1'), Buffer.from('\n')]) : `${line}\n`)
            // Then it is answered with a coded, hinted error
            expectCodedError(await conn.next(isError), line)
            // And the next valid request is served
            const id = `ok-${n++}`
            await conn.write(JSON.stringify({id, method: n % 2 ? 'status' : 'ps', params: {}}) + '\n')
            expect(await conn.next((r) => r.id === id)).toMatchObject({id, ok: true})
          },
        ),
        params(),
      )
      conn.close()
    },
    budget(RUNS, 50, 60_000),
  )

  it(
    `answers ${RUNS} well-formed requests for unknown pids and entries with coded errors`,
    async () => {
      const dev = await startDev({args: ['--no-watch']})
      const conn = await open(resolveSocketPath(dev.root))
      const request = fc.oneof(
        fc
          .tuple(unknownPid, signalTopic, fc.array(anyJson, {maxLength: 2}))
          .map(([pid, topic, payload]) => ({method: 'signal', params: {payload, pid, topic}})),
        fc
          .tuple(fc.constantFrom('cancel', 'terminate', 'history', 'wait', 'replayCheck', 'follow'), unknownPid)
          .map(([method, pid]) => ({method, params: {pid}})),
        fc
          .tuple(unknownPid, fc.oneof(fc.nat(), fc.constant('next-timer')))
          .map(([pid, by]) => ({method: 'skipTime', params: {by, pid}})),
        fc.tuple(unknownPid, fc.nat()).map(([pid, at]) => ({method: 'fork', params: {at, pid}})),
        fc
          .tuple(
            fc.constantFrom('spawn', 'call'),
            fc.string({minLength: 1, maxLength: 40}),
            fc.array(anyJson, {maxLength: 2}),
          )
          .map(([method, entry, input]) =>
            method === 'spawn'
              ? {method, params: {entry: `nope:${entry}`, input}}
              : {method, params: {args: input, entry: `nope:${entry}`}},
          ),
      )
      let n = 0
      await fc.assert(
        fc.asyncProperty(request, async (req) => {
          const id = n++
          const line = JSON.stringify({id, ...req})
          await conn.write(line + '\n')
          const reply = await conn.next((r) => r.id === id)
          expect(reply.ok, line.slice(0, 200)).toBe(false)
          expectCodedError(reply, line)
          expect((reply.error as {kind?: string}).kind, line.slice(0, 200)).not.toBe('bug')
        }),
        params(),
      )
      await conn.write(JSON.stringify({id: 'last', method: 'status', params: {}}) + '\n')
      expect(await conn.next((r) => r.id === 'last')).toMatchObject({ok: true})
      conn.close()
    },
    budget(RUNS, 50, 60_000),
  )

  it('refuses lines over 1 MiB (with and without a newline in sight) and serves the next request', async () => {
    const dev = await startDev({args: ['--no-watch']})
    const conn = await open(resolveSocketPath(dev.root))
    const big = (n: number) =>
      JSON.stringify({id: 1, method: 'signal', params: {payload: ['x'.repeat(n)], pid: 'wf', topic: 't'}})
    const cases: Array<[string, Array<string | Buffer>]> = [
      ['one line just over the limit', [big(MAX_REQUEST_BYTES) + '\n']],
      ['3 MiB in 64 KiB chunks, then a newline', [...Array.from({length: 48}, () => 'y'.repeat(64 * 1024)), '\n']],
      ['binary garbage over the limit', [Buffer.alloc(MAX_REQUEST_BYTES + 10, 0xff), Buffer.from('\n')]],
      [
        'multi-byte text over the limit in bytes, under it in characters',
        ['é'.repeat(MAX_REQUEST_BYTES / 2 + 10) + '\n'],
      ],
    ]
    for (const [i, [name, chunks]] of cases.entries()) {
      for (const chunk of chunks) await conn.write(chunk)
      const reply = await conn.next(isError, 20_000)
      expectCodedError(reply, name)
      expect((reply.error as {message: string}).message, name).toMatch(/longer than/)
      const id = `after-${i}`
      await conn.write(JSON.stringify({id, method: 'status', params: {}}) + '\n')
      expect(await conn.next((r) => r.id === id), name).toMatchObject({ok: true})
    }
    conn.close()
  }, 60_000)
})
