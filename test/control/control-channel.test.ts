/**
 * The control channel in-process: a real Unix socket server and the real client, over a small
 * test double of EngineApi (the engine itself is covered end to end in test/dev).
 */
import {mkdtemp, mkdir, rm, stat, writeFile} from 'node:fs/promises'
import {connect} from 'node:net'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {afterEach, beforeEach, describe, expect, it} from 'vitest'

import {chooseSocketPath, readControlInfo} from '../../src/control/address.js'
import {connectControl, requireControl} from '../../src/control/client.js'
import {MAX_REQUEST_BYTES, parseRequest} from '../../src/control/protocol.js'
import {startControlServer} from '../../src/dev/control-server.js'
import type {EngineApi, EngineEvent, HistoryView} from '../../src/engine/api.js'
import type {HistoryEvent} from '../../src/history/events.js'
import {WippyError} from '../../src/errors.js'

const PID = '{app:c@app:w|wf-abc}'

/** A minimal engine: records signals, streams events, fails on an unknown pid. */
function fakeEngine() {
  const listeners = new Set<(e: EngineEvent) => void>()
  const events: HistoryEvent[] = [
    {
      codeHash: 'h',
      entry: 'app:wf',
      format: 1,
      host: 'app:w',
      input: [],
      pid: PID,
      runId: 'r1',
      seed: 1,
      seq: 1,
      ts: 1000,
      type: 'WorkflowStarted',
      workflowId: 'wf-abc',
    },
  ]
  const signals: Array<{pid: string; topic: string; payload: unknown[]}> = []
  const resolvePid = (pid: string) => {
    if (!'wf-abc'.startsWith(pid) && pid !== PID)
      throw new WippyError('WIPPY_PID_UNKNOWN', `No workflow matches "${pid}".`, {
        hint: 'List workflows with `wippy ps --all`.',
      })
    return PID
  }
  const emit = (e: EngineEvent) => listeners.forEach((l) => l(e))
  const engine: EngineApi = {
    call: async (entry, args) => ({value: {args, entry}}),
    cancel: async (pid) => ({pid: resolvePid(pid)}),
    fork: async () => ({entry: 'app:wf', existing: false, host: 'app:w', id: 'wf-new', pid: '{app:c@app:w|wf-new}'}),
    history: async (pid, range): Promise<HistoryView> => ({
      events: events.filter((e) => e.seq >= (range?.from ?? 1)),
      pid: resolvePid(pid),
      status: 'running',
      total: events.length,
    }),
    ps: () => [
      {entry: 'app:wf', id: 'wf-abc', kind: 'workflow', loaded: true, pid: PID, startedAt: 1000, status: 'running'},
    ],
    replayCheck: async (pid) => ({ok: true, pid, replayedEvents: 1}),
    repair: async (pid) => {
      throw new WippyError('WIPPY_RUN_NOT_DAMAGED', `Workflow ${resolvePid(pid)} is not damaged.`, {
        hint: 'List damaged runs with `wippy ps --status damaged`.',
      })
    },
    signal: async (pid, topic, payload) => {
      signals.push({payload, pid: resolvePid(pid), topic})
      return {pid: PID}
    },
    skipTime: async (pid, by) => ({now: 5, pid, skippedMs: by === 'next-timer' ? 1 : by}),
    spawn: async (req) => ({entry: req.entry, existing: false, host: 'app:w', id: req.id ?? 'wf-abc', pid: PID}),
    status: () => ({
      entries: 3,
      persistence: {dir: '/x', durable: true},
      processes: 0,
      root: '/r',
      workflows: {blocked: 0, open: 1, total: 1},
    }),
    subscribe: (l) => {
      listeners.add(l)
      return () => listeners.delete(l)
    },
    terminate: async (pid) => ({pid}),
    update: async (pid, name, payload) => ({
      name,
      pid: resolvePid(pid),
      result: payload[0] ?? null,
      status: 'completed',
      update: '{update|u-1}',
    }),
    wait: async (pid) => ({pid, result: 42, status: 'completed'}),
  }
  const append = (e: HistoryEvent) => {
    events.push(e)
    emit({event: e, pid: PID, type: 'history'})
  }
  return {append, emit, engine, listeners, signals}
}

let root: string
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'wippy-ctl-'))
})
afterEach(async () => {
  await rm(root, {force: true, recursive: true})
})

describe('protocol', () => {
  it('validates requests and never throws', () => {
    expect(parseRequest('{"id":1,"method":"signal","params":{"pid":"wf","topic":"t","payload":[1]}}')).toMatchObject({
      ok: true,
      request: {method: 'signal'},
    })
    for (const bad of [
      '',
      '[]',
      'null',
      '{"id":{},"method":"status"}',
      '{"id":1,"method":"toString"}',
      '{"id":1,"method":"skipTime","params":{"pid":"x","by":-5}}',
      '\u0000',
    ]) {
      const parsed = parseRequest(bad)
      expect(parsed.ok, bad).toBe(false)
      if (!parsed.ok) expect(parsed.reply).toMatchObject({error: {code: 'WIPPY_CONTROL_BAD_REQUEST'}, ok: false})
    }
  })
})

describe('control server and client', () => {
  it('serves every EngineApi call and carries errors with code and hint', async () => {
    // Given a server over the test engine
    const fake = fakeEngine()
    const server = await startControlServer({engine: fake.engine, root})
    const client = (await connectControl(root))!
    try {
      // When a command signals, Then the engine gets it
      expect(await client.signal({payload: [{ok: true}], pid: 'wf-a', topic: 'approve'})).toEqual({pid: PID})
      expect(fake.signals).toEqual([{payload: [{ok: true}], pid: PID, topic: 'approve'}])
      expect(await client.status()).toMatchObject({entries: 3})
      expect(await client.ps()).toHaveLength(1)
      expect(await client.skipTime({by: 'next-timer', pid: 'wf-abc'})).toMatchObject({skippedMs: 1})
      expect(await client.wait({pid: 'wf-abc'})).toMatchObject({result: 42})
      expect(await client.spawn({entry: 'app:wf', id: 'x', input: []})).toMatchObject({id: 'x'})
      // An update's answer comes back whole (the client waits as long as the server's timeout)
      expect(await client.update({name: 'approve', payload: [{n: 1}], pid: 'wf-a', timeoutMs: 1000})).toEqual({
        name: 'approve',
        pid: PID,
        result: {n: 1},
        status: 'completed',
        update: '{update|u-1}',
      })

      // When the engine throws a WippyError, Then the client rethrows it intact
      const error = await client.cancel({pid: 'zzz'}).catch((e: unknown) => e)
      expect(error).toBeInstanceOf(WippyError)
      expect(error).toMatchObject({code: 'WIPPY_PID_UNKNOWN', hint: 'List workflows with `wippy ps --all`.'})
    } finally {
      client.close()
      await server.close()
    }
  })

  it('keeps serving after malformed, oversized and wrong-typed requests', async () => {
    const fake = fakeEngine()
    const server = await startControlServer({engine: fake.engine, root})
    try {
      const huge = 'x'.repeat(MAX_REQUEST_BYTES + 10)
      const replies = await exchange(
        server.address,
        [huge, '{"id":7,"method":"signal","params":{"pid":1}}', '{oops', '{"id":8,"method":"status","params":{}}'],
        4,
      )
      expect(replies.filter((r) => !r.ok).map((r) => r.error.code)).toEqual([
        'WIPPY_CONTROL_BAD_REQUEST',
        'WIPPY_CONTROL_BAD_REQUEST',
        'WIPPY_CONTROL_BAD_REQUEST',
      ])
      expect(replies.find((r) => r.ok)).toMatchObject({id: 8, result: {entries: 3}})
      // And a fresh client still works
      const client = (await connectControl(root))!
      expect(await client.status()).toMatchObject({entries: 3})
      client.close()
    } finally {
      await server.close()
    }
  })

  it('streams subscriptions and follows one run until it closes', async () => {
    const fake = fakeEngine()
    const server = await startControlServer({engine: fake.engine, root})
    const client = (await connectControl(root))!
    try {
      const seen: EngineEvent[] = []
      const off = await client.subscribe((e) => seen.push(e))
      const followed: number[] = []
      const handle = await client.followHistory('wf-abc', undefined, (e) => followed.push(e.seq))
      fake.emit({level: 'info', message: 'hi', type: 'log'})
      fake.append({seq: 2, topic: 't', payload: [], from: 'x', ts: 2000, type: 'SignalReceived'})
      fake.append({result: 1, seq: 3, ts: 3000, type: 'WorkflowCompleted'})
      await handle.done
      expect(followed).toEqual([1, 2, 3])
      await until(() => seen.length >= 3)
      expect(seen[0]).toEqual({level: 'info', message: 'hi', type: 'log'})
      // When the subscriber leaves, Then the server drops its listener
      off()
      await until(() => fake.listeners.size === 0)
    } finally {
      client.close()
      await server.close()
    }
  })

  it('creates the socket 0600 in a 0700 dir, and removes a stale socket on start', async () => {
    const fake = fakeEngine()
    const first = await startControlServer({engine: fake.engine, root})
    expect((await stat(first.address)).mode & 0o777).toBe(0o600)
    expect((await stat(join(root, '.wippy/dev'))).mode & 0o777).toBe(0o700)
    // A second server while the first answers is refused
    await expect(startControlServer({engine: fake.engine, root})).rejects.toMatchObject({code: 'WIPPY_CONTROL_IN_USE'})
    await first.close()
    expect(await connectControl(root)).toBeUndefined()

    // Given a stale socket file nobody answers on (a plain file stands in for it)
    await mkdir(join(root, '.wippy/dev'), {recursive: true})
    await writeFile(join(root, '.wippy/dev/control.sock'), '')
    const second = await startControlServer({engine: fake.engine, root})
    expect((await connectControl(root))?.address).toBe(second.address)
    await second.close()
  })

  it('puts a too-long socket path in the temp dir and publishes it in control.json', async () => {
    const deep = join(root, 'a'.repeat(60), 'b'.repeat(60))
    await mkdir(deep, {recursive: true})
    const chosen = chooseSocketPath(deep)
    expect(chosen.socket.startsWith(tmpdir())).toBe(true)
    const server = await startControlServer({engine: fakeEngine().engine, root: deep})
    try {
      expect(server.address).toBe(chosen.socket)
      expect(readControlInfo(deep)).toMatchObject({pid: process.pid, socket: chosen.socket})
      expect((await stat(chosen.dir!)).mode & 0o777).toBe(0o700)
      const client = await requireControl(deep)
      expect(await client.status()).toMatchObject({entries: 3})
      client.close()
    } finally {
      await server.close()
    }
    expect(readControlInfo(deep)).toBeUndefined()
  })

  it('says WIPPY_DEV_NOT_RUNNING with a hint when no server runs', async () => {
    await expect(requireControl(root)).rejects.toMatchObject({
      code: 'WIPPY_DEV_NOT_RUNNING',
      hint: expect.stringContaining('wippy dev'),
    })
  })

  it('times out a request the server never answers', async () => {
    const fake = fakeEngine()
    fake.engine.replayCheck = () => new Promise(() => {})
    const server = await startControlServer({engine: fake.engine, root})
    const client = (await connectControl(root, {requestTimeoutMs: 100}))!
    try {
      await expect(client.replayCheck({pid: 'wf-abc'})).rejects.toMatchObject({code: 'WIPPY_CONTROL_TIMEOUT'})
    } finally {
      client.close()
      await server.close()
    }
  })
})

async function until(check: () => boolean, timeoutMs = 2000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not met in time')
    await new Promise((r) => setTimeout(r, 5))
  }
}

function exchange(socket: string, lines: string[], count: number): Promise<any[]> {
  return new Promise((resolve, reject) => {
    const conn = connect(socket)
    let buffer = ''
    conn.setEncoding('utf8')
    conn.on('data', (chunk: string) => {
      buffer += chunk
      const got = buffer.split('\n').filter(Boolean)
      if (got.length >= count) {
        conn.destroy()
        resolve(got.map((l) => JSON.parse(l)))
      }
    })
    conn.on('error', reject)
    conn.write(lines.join('\n') + '\n')
  })
}
