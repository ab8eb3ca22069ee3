/**
 * The dev server's end of the control channel: a Unix socket, mode 0600, in a 0700 state dir,
 * that serves {@link EngineApi} to `wippy signal`, `wippy ps` and friends: each request is
 * looked up in {@link HANDLERS}, typed by the protocol's method table (`control/protocol.ts`). Local only by construction: no TCP, and the file mode keeps other
 * users out.
 *
 * Invariants:
 * - Nothing a client sends can crash the server: every line is validated, oversized lines are
 *   skipped up to their newline and answered with an error, and a handler's throw becomes an
 *   error reply.
 * - A stale socket file (a killed server) is removed on start, but only after a connect to it
 *   fails; a live server is never unlinked from under its clients.
 * - No client can exhaust the server: connections are capped, a connection that never sends a
 *   request is closed, and a subscriber that stops reading is dropped at a high-water mark.
 */
import {chmodSync, rmSync, writeFileSync, renameSync} from 'node:fs'
import {type Server, type Socket, connect, createServer} from 'node:net'

import type {EngineApi, EngineEvent} from '../engine/api.js'
import {ensurePrivateDir} from '../engine/private-dir.js'
import {prepareStateDir} from '../engine/state-dir.js'
import {WippyError} from '../errors.js'
import {closedStatusOf, isClosedStatus} from '../history/run-view.js'
import {chooseSocketPath, controlInfoFile, type ControlInfo} from '../control/address.js'
import {
  type ControlReply,
  type ControlRequest,
  type ParamsMap,
  type RequestMethod,
  type ResultMap,
  type ServerMessage,
  MAX_REQUEST_BYTES,
  encodeMessage,
  errorToWire,
  oversizedReply,
  parseRequest,
} from '../control/protocol.js'

export interface ControlServerOptions {
  engine: EngineApi
  /** Bounds on what clients may hold; defaults in {@link DEFAULT_CONTROL_LIMITS}. */
  limits?: Partial<ControlLimits>
  /** Tells the developer about a client the server dropped (a stalled subscriber). */
  onNote?: (message: string) => void
  root: string
  stateDir?: string
}

/** What one client may cost the server: no client can grow its memory or take its fds. */
export interface ControlLimits {
  /** Unsent bytes a streaming connection may queue; past it the subscriber is dropped. */
  highWaterBytes: number
  /** A connection that sends no complete request within this long is closed (ms). */
  idleMs: number
  /** Connections served at once; more are answered `WIPPY_CONTROL_BUSY` and closed. */
  maxConnections: number
}

export const DEFAULT_CONTROL_LIMITS: ControlLimits = {
  highWaterBytes: 8 * 1024 * 1024,
  idleMs: 10_000,
  maxConnections: 256,
}

/** A listening control server. */
export interface ControlServer {
  /** The socket path clients connect to. */
  readonly address: string
  /** Stops listening, ends every connection and removes the socket and `control.json`. */
  close(): Promise<void>
}

/**
 * Starts the control server for a project.
 * @throws WippyError `WIPPY_CONTROL_IN_USE` when another live server answers on the socket.
 */
export async function startControlServer(options: ControlServerOptions): Promise<ControlServer> {
  // Checked, never chmodded: a folder we did not create keeps its mode (and is refused if open).
  prepareStateDir(options.root, options.stateDir, {create: true})
  const {dir, socket} = chooseSocketPath(options.root, options.stateDir)
  if (dir) ensurePrivateDir(dir)
  await removeStaleSocket(socket)

  const limits: ControlLimits = {...DEFAULT_CONTROL_LIMITS, ...options.limits}
  /** Each open connection and what ends its subscriptions. */
  const connections = new Map<Socket, () => void>()
  const server = createServer((conn) => {
    if (connections.size >= limits.maxConnections) {
      refuseBusy(conn, limits.maxConnections)
      return
    }
    connections.set(conn, serveConnection(conn, options.engine, limits, options.onNote ?? (() => {})))
    conn.on('close', () => connections.delete(conn))
  })
  // umask makes the socket 0600 from its first moment; chmod makes sure on platforms that ignore it.
  const oldMask = process.umask(0o177)
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject)
      server.listen(socket, () => {
        server.off('error', reject)
        resolve()
      })
    })
  } finally {
    process.umask(oldMask)
  }
  chmodSync(socket, 0o600)
  writeControlInfo(options.root, options.stateDir, {pid: process.pid, socket, startedAt: Date.now()})

  let closing: Promise<void> | undefined
  return {
    address: socket,
    close: () =>
      (closing ??= closeServer(server, connections, socket, controlInfoFile(options.root, options.stateDir))),
  }
}

/** Stops at once: a stalled client's unsent bytes are thrown away, never waited for. */
async function closeServer(
  server: Server,
  connections: Map<Socket, () => void>,
  socket: string,
  infoFile: string,
): Promise<void> {
  const closed = new Promise<void>((resolve) => server.close(() => resolve()))
  for (const [conn, unsubscribe] of connections) {
    unsubscribe()
    conn.destroy()
  }
  await closed
  rmSync(socket, {force: true})
  rmSync(infoFile, {force: true})
}

function writeControlInfo(root: string, stateDir: string | undefined, info: ControlInfo): void {
  const file = controlInfoFile(root, stateDir)
  const tmp = `${file}.${process.pid}.tmp`
  writeFileSync(tmp, JSON.stringify(info) + '\n', {mode: 0o600})
  renameSync(tmp, file)
}

/** Removes a socket file nobody answers on; refuses when a live server answers. */
async function removeStaleSocket(socket: string): Promise<void> {
  const answered = await new Promise<boolean>((resolve) => {
    const probe = connect(socket)
    probe.once('connect', () => {
      probe.destroy()
      resolve(true)
    })
    probe.once('error', () => resolve(false))
  })
  if (answered) {
    throw new WippyError('WIPPY_CONTROL_IN_USE', `Another dev server answers on ${socket}.`, {
      hint: 'Stop the other `wippy dev` of this project first.',
    })
  }
  rmSync(socket, {force: true})
}

/** Answers a connection over the cap with one error line and closes it. */
function refuseBusy(conn: Socket, max: number): void {
  conn.on('error', () => conn.destroy())
  const reply: ControlReply = {
    error: {
      code: 'WIPPY_CONTROL_BUSY',
      hint: 'Close other wippy commands that hold connections (follows, subscriptions) and try again.',
      kind: 'user',
      message: `The dev server already serves ${max} connections.`,
    },
    id: null,
    ok: false,
  }
  conn.end(encodeMessage(reply))
  // A client that never reads must not keep the refused socket open.
  setTimeout(() => conn.destroy(), 1000).unref()
}

/**
 * Reads request lines from one connection and answers each; streams stay open until the client
 * leaves; returns what ends its subscriptions. Replies are always written; a stream message finding more than `highWaterBytes`
 * unsent drops the connection (its subscriptions end, the developer is told), so a client that
 * stops reading costs at most that much memory.
 */
function serveConnection(
  conn: Socket,
  engine: EngineApi,
  limits: ControlLimits,
  onNote: (message: string) => void,
): () => void {
  const unsubscribes: Array<() => void> = []
  const unsubscribeAll = () => {
    for (const off of unsubscribes.splice(0)) off()
  }
  let buffer = ''
  let discarding = false
  let dropped = false
  const send = (message: ServerMessage): void => {
    if (conn.destroyed || !conn.writable || dropped) return
    if ('stream' in message && conn.writableLength > limits.highWaterBytes) {
      dropped = true
      unsubscribeAll()
      onNote(
        `dropped a control client that stopped reading its stream (${Math.round(conn.writableLength / 1024)} KiB unsent)`,
      )
      conn.destroy()
      return
    }
    conn.write(encodeMessage(message))
  }
  // A connection must ask for something soon; an idle one only holds an fd.
  const idle = setTimeout(() => conn.destroy(), limits.idleMs)
  idle.unref()
  conn.setEncoding('utf8')
  conn.on('error', () => conn.destroy())
  conn.on('close', () => {
    clearTimeout(idle)
    unsubscribeAll()
  })
  conn.on('data', (chunk: string) => {
    let start = 0
    for (let nl = chunk.indexOf('\n'); nl !== -1; nl = chunk.indexOf('\n', start)) {
      clearTimeout(idle)
      const piece = chunk.slice(start, nl)
      start = nl + 1
      if (discarding) {
        discarding = false
        buffer = ''
        continue
      }
      const line = buffer + piece
      buffer = ''
      if (line.trim() === '') continue
      if (Buffer.byteLength(line) > MAX_REQUEST_BYTES) {
        send(oversizedReply())
        continue
      }
      void handleLine(line, engine, send, unsubscribes)
    }
    if (discarding) return
    buffer += chunk.slice(start)
    if (buffer.length > MAX_REQUEST_BYTES) {
      // Don't buffer an endless line: answer now and skip the rest of it.
      send(oversizedReply())
      buffer = ''
      discarding = true
    }
  })
  return unsubscribeAll
}

async function handleLine(
  line: string,
  engine: EngineApi,
  send: (m: ServerMessage) => void,
  unsubscribes: Array<() => void>,
): Promise<void> {
  const parsed = parseRequest(line)
  if (!parsed.ok) {
    send(parsed.reply)
    return
  }
  const request = parsed.request
  try {
    if (request.method === 'subscribe') {
      send({id: request.id, ok: true, result: {streaming: true} satisfies ResultMap['subscribe']})
      unsubscribes.push(engine.subscribe((event: EngineEvent) => send({event, id: request.id, stream: 'event'})))
      return
    }
    if (request.method === 'follow') {
      await follow(request, engine, send, unsubscribes)
      return
    }
    send({id: request.id, ok: true, result: await dispatch(request, engine)})
  } catch (error) {
    const reply: ControlReply = {error: errorToWire(error), id: request.id, ok: false}
    send(reply)
  }
}

/**
 * The engine behind each request row of the protocol's table: params object in, the engine's
 * positional call out. Typed by the table, so a method the table lists and the engine lacks,
 * or a result that is not the table's, fails to compile.
 */
const HANDLERS: {
  [M in RequestMethod]: (engine: EngineApi, params: ParamsMap[M]) => ResultMap[M] | Promise<ResultMap[M]>
} = {
  call: (engine, p) => engine.call(p.entry, p.args),
  cancel: (engine, p) => engine.cancel(p.pid, p.reason, p.runId),
  fork: (engine, p) => engine.fork(p.pid, p.at, p.id, p.runId),
  history: (engine, p) => engine.history(p.pid, p.range, p.runId),
  ps: (engine, p) => engine.ps(p.filter),
  replayCheck: (engine, p) => engine.replayCheck(p.pid, p.runId),
  repair: (engine, p) => engine.repair(p.pid, p.runId),
  signal: (engine, p) => engine.signal(p.pid, p.topic, p.payload, p.runId),
  skipTime: (engine, p) => engine.skipTime(p.pid, p.by, p.runId),
  spawn: (engine, p) => engine.spawn(p),
  status: (engine) => engine.status(),
  terminate: (engine, p) => engine.terminate(p.pid, p.reason, p.runId),
  update: (engine, p) => engine.update(p.pid, p.name, p.payload, p.timeoutMs, p.runId),
  wait: (engine, p) => engine.wait(p.pid),
}

/** Calls the engine method a request names: a lookup in {@link HANDLERS}. */
async function dispatch<M extends RequestMethod>(
  request: {method: M; params: ParamsMap[M]},
  engine: EngineApi,
): Promise<ResultMap[M]> {
  return HANDLERS[request.method](engine, request.params)
}

/**
 * Streams one run's history: the events from `from` on, then each new one as the engine
 * records it, then `end` once the run closes. Subscribing before reading means no event falls
 * between the read and the subscription; duplicates are dropped by seq.
 */
async function follow(
  request: Extract<ControlRequest, {method: 'follow'}>,
  engine: EngineApi,
  send: (m: ServerMessage) => void,
  unsubscribes: Array<() => void>,
): Promise<void> {
  const queued: EngineEvent[] = []
  let live: ((e: EngineEvent) => void) | undefined
  const off = engine.subscribe((event) => (live ? live(event) : queued.push(event)))
  unsubscribes.push(off)
  let view
  try {
    view = await engine.history(
      request.params.pid,
      request.params.from === undefined ? undefined : {from: request.params.from},
      request.params.runId,
    )
  } catch (error) {
    off()
    throw error
  }
  send({
    id: request.id,
    ok: true,
    result: {pid: view.pid, status: view.status, total: view.total} satisfies ResultMap['follow'],
  })
  let lastSeq = 0
  let ended = false
  const emit = (event: EngineEvent): void => {
    if (ended || event.type !== 'history' || event.pid !== view.pid || event.event.seq <= lastSeq) return
    lastSeq = event.event.seq
    send({event: event.event, id: request.id, stream: 'history'})
    if (closedStatusOf(event.event) !== undefined) end()
  }
  const end = (): void => {
    ended = true
    off()
    send({id: request.id, stream: 'end'})
  }
  for (const event of view.events) emit({event, pid: view.pid, type: 'history'})
  if (!ended && isClosedStatus(view.status)) end()
  for (const event of queued.splice(0)) emit(event)
  live = emit
}
