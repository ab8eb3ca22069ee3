/**
 * The commands' end of the control channel: {@link connectControl} finds the project's running
 * `wippy dev` and returns a {@link ControlClient}: the {@link ControlApi} of `protocol.ts`'s method
 * table over the socket, built from the table's names (one generic request, one decode point for
 * every reply), plus the two streams. Streams (`subscribe`, `followHistory`) use a connection of
 * their own, so closing one never disturbs requests in flight.
 */
import {type Socket, connect} from 'node:net'

import type {EngineEvent} from '../engine/api.js'
import type {HistoryEvent} from '../history/events.js'
import {socketProblem} from '../engine/private-dir.js'
import {WippyError} from '../errors.js'
import {resolveSocketPath} from './address.js'
import type {ControlApi, ControlMethod, ParamsMap, RequestMethod, ResultMap, StreamMethod} from './protocol.js'
import {
  MAX_REQUEST_BYTES,
  REQUEST_METHODS,
  type ServerMessage,
  decodeMessage,
  encodeMessage,
  errorFromWire,
} from './wire.js'

/** What `followHistory` returns: the run as it is, and a handle to stop following. */
export interface FollowHandle {
  /** Resolves when the run closed (`end`) or the connection dropped. */
  done: Promise<void>
  pid: string
  status: string
  stop(): void
}

/** The engine's request methods over the socket (`client.signal({pid, topic, payload})`), and the streams. */
export interface ControlClient extends ControlApi {
  readonly address: string
  /** Ends the connection; pending requests reject. */
  close(): void
  /** Streams a run's history events from `from` until it closes. */
  followHistory(
    pid: string,
    from: number | undefined,
    onEvent: (event: HistoryEvent) => void,
    runId?: string,
  ): Promise<FollowHandle>
  /** Streams every engine event; resolves once subscribed, with the unsubscribe function. */
  subscribe(listener: (event: EngineEvent) => void): Promise<() => void>
}

export interface ConnectOptions {
  /** Connect timeout (ms); default 2000. */
  connectTimeoutMs?: number
  /** Timeout of each request except `wait`, `call` and `update`, which wait as long as the run does (ms); default 30000. */
  requestTimeoutMs?: number
  stateDir?: string
}

/** No timeout for requests that last as long as a run, or (`update`) that the server times out itself. */
const UNBOUNDED: ReadonlySet<ControlMethod> = new Set<RequestMethod>(['call', 'update', 'wait'])

/**
 * The one place a reply's result becomes typed. The server is ours (the socket is checked to be
 * our user's, in our 0700 dir) and answers from the same table, so the shape is trusted once it is
 * a JSON object or array; the types are checked at compile time on both ends of the table.
 */
function decodeResult<M extends ControlMethod>(method: M, raw: unknown): ResultMap[M] {
  if (typeof raw !== 'object' || raw === null) {
    throw new WippyError(
      'WIPPY_CONTROL_BAD_REPLY',
      `The dev server answered "${method}" with ${JSON.stringify(raw) ?? 'nothing'}, not an object.`,
      {
        hint: 'Check that `wippy dev` and this command are the same wippy version.',
        kind: 'bug',
      },
    )
  }
  return raw as ResultMap[M]
}

/** The error commands throw when they need a dev server and none runs. */
export function devNotRunning(root: string): WippyError {
  return new WippyError('WIPPY_DEV_NOT_RUNNING', `No \`wippy dev\` runs for the project ${root}.`, {
    hint: 'Start `wippy dev` in the project (in another terminal), then run this command again.',
  })
}

/**
 * Connects to the project's dev server.
 * @returns undefined when no dev server runs (no socket, or nobody answers on it).
 * @throws WippyError `WIPPY_CONTROL_TIMEOUT` when the socket exists but does not answer in time.
 */
export async function connectControl(root: string, options: ConnectOptions = {}): Promise<ControlClient | undefined> {
  const address = resolveSocketPath(root, options.stateDir)
  const socket = await openSocket(address, options.connectTimeoutMs ?? 2000)
  if (!socket) return undefined
  return createClient(new Channel(address, socket, options))
}

/** Like {@link connectControl}, but a missing dev server is a `WIPPY_DEV_NOT_RUNNING` error. */
export async function requireControl(root: string, options: ConnectOptions = {}): Promise<ControlClient> {
  const client = await connectControl(root, options)
  if (!client) throw devNotRunning(root)
  return client
}

/** Polls for a dev server that is starting; undefined when none answers within `timeoutMs`. */
export async function waitForControl(
  root: string,
  options: ConnectOptions & {timeoutMs: number},
): Promise<ControlClient | undefined> {
  const deadline = Date.now() + options.timeoutMs
  for (;;) {
    const client = await connectControl(root, options)
    if (client || Date.now() > deadline) return client
    await new Promise((r) => setTimeout(r, 50))
  }
}

function openSocket(address: string, timeoutMs: number): Promise<Socket | undefined> {
  // Only a socket of ours in a dir of ours: anyone else listening there would read our requests and forge replies.
  const problem = socketProblem(address)
  if (problem) {
    return Promise.reject(
      new WippyError(
        'WIPPY_CONTROL_UNSAFE',
        `The control socket ${address} ${problem}; wippy does not talk through it.`,
        {
          details: {socket: address},
          hint: 'Another local user may be impersonating the dev server. Stop `wippy dev`, remove that socket or directory, and start it again.',
        },
      ),
    )
  }
  return new Promise((resolve, reject) => {
    const socket = connect(address)
    const timer = setTimeout(() => {
      socket.destroy()
      reject(
        new WippyError(
          'WIPPY_CONTROL_TIMEOUT',
          `The dev server does not answer on ${address} within ${timeoutMs} ms.`,
          {
            hint: 'Check that `wippy dev` is not stuck; restart it if needed.',
          },
        ),
      )
    }, timeoutMs)
    socket.once('connect', () => {
      clearTimeout(timer)
      socket.removeAllListeners('error')
      resolve(socket)
    })
    socket.once('error', (error: NodeJS.ErrnoException) => {
      clearTimeout(timer)
      socket.destroy()
      // ENOENT: no server ever; ECONNREFUSED: a stale socket file of a killed server.
      if (error.code === 'ENOENT' || error.code === 'ECONNREFUSED' || error.code === 'ENOTSOCK') resolve(undefined)
      else
        reject(
          new WippyError('WIPPY_CONTROL_CONNECT', `Can't connect to the dev server on ${address}: ${error.message}.`, {
            hint: 'Check the permissions of the project state directory (.wippy/dev).',
          }),
        )
    })
  })
}

interface Pending {
  reject(error: Error): void
  resolve(value: unknown): void
  timer?: NodeJS.Timeout
  onStream?: (message: ServerMessage) => void
}

/** A client over a channel: one method per request row of the table, all through {@link Channel.request}. */
function createClient(channel: Channel): ControlClient {
  const api: Partial<Record<RequestMethod, unknown>> = {}
  for (const method of REQUEST_METHODS)
    api[method] = (params?: ParamsMap[typeof method]) => channel.request(method, params ?? {})
  return Object.assign(api as ControlApi, {
    address: channel.address,
    close: () => channel.close(),
    followHistory: channel.followHistory.bind(channel),
    subscribe: channel.subscribe.bind(channel),
  })
}

/** One connection to the dev server: requests matched to replies by id, and streams on connections of their own. */
class Channel {
  readonly #pending = new Map<number, Pending>()
  readonly #streams = new Set<Socket>()
  #nextId = 1
  #closedError: WippyError | undefined

  constructor(
    readonly address: string,
    private readonly socket: Socket,
    private readonly options: ConnectOptions,
  ) {
    attachReader(
      socket,
      (message) => this.#onMessage(message),
      () => this.#onClose(),
    )
    // Requests keep the process alive; an idle client must not.
    socket.unref()
  }

  async subscribe(listener: (event: EngineEvent) => void): Promise<() => void> {
    const stream = await this.#openStream('subscribe', {}, (message) => {
      if ('stream' in message && message.stream === 'event') listener(message.event)
    })
    return () => stream.socket.destroy()
  }

  async followHistory(
    pid: string,
    from: number | undefined,
    onEvent: (event: HistoryEvent) => void,
    runId?: string,
  ): Promise<FollowHandle> {
    let finish!: () => void
    const done = new Promise<void>((resolve) => (finish = resolve))
    const stream = await this.#openStream(
      'follow',
      {pid, ...(from === undefined ? {} : {from}), ...(runId === undefined ? {} : {runId})},
      (message) => {
        if (!('stream' in message)) return
        if (message.stream === 'history') onEvent(message.event)
        if (message.stream === 'end') finish()
      },
      finish,
    )
    const head = decodeResult('follow', stream.result)
    return {done, pid: head.pid, status: head.status, stop: () => stream.socket.destroy()}
  }

  close(): void {
    this.socket.destroy()
    for (const s of this.#streams) s.destroy()
  }

  /** A stream on a fresh connection; resolves with the first reply. */
  async #openStream<M extends StreamMethod>(
    method: M,
    params: ParamsMap[M],
    onMessage: (m: ServerMessage) => void,
    onClose?: () => void,
  ): Promise<{result: unknown; socket: Socket}> {
    const socket = await openSocket(this.address, this.options.connectTimeoutMs ?? 2000)
    if (!socket)
      throw new WippyError('WIPPY_DEV_NOT_RUNNING', 'The dev server stopped.', {
        hint: 'Start `wippy dev` in the project again.',
      })
    this.#streams.add(socket)
    return new Promise((resolve, reject) => {
      let first = true
      attachReader(
        socket,
        (message) => {
          if (first) {
            first = false
            if ('ok' in message && !message.ok) {
              socket.destroy()
              reject(errorFromWire(message.error))
            } else resolve({result: 'ok' in message && message.ok ? message.result : undefined, socket})
            return
          }
          onMessage(message)
        },
        () => {
          this.#streams.delete(socket)
          if (first)
            reject(
              new WippyError('WIPPY_CONTROL_CLOSED', 'The dev server closed the connection.', {
                hint: 'Check the `wippy dev` terminal.',
              }),
            )
          onClose?.()
        },
      )
      socket.write(encodeMessage({id: 1, method, params}))
    })
  }

  /** Sends one request; resolves with its result, decoded in one place ({@link decodeResult}). */
  request<M extends RequestMethod>(method: M, params: ParamsMap[M]): Promise<ResultMap[M]> {
    if (this.#closedError) return Promise.reject(this.#closedError)
    const id = this.#nextId++
    const line = encodeMessage({id, method, params})
    // The server answers an oversized line with id null, which no pending request would match.
    const bytes = Buffer.byteLength(line)
    if (bytes > MAX_REQUEST_BYTES) {
      return Promise.reject(
        new WippyError(
          'WIPPY_CONTROL_TOO_LARGE',
          `The "${method}" request is ${bytes} bytes; the dev server takes at most ${MAX_REQUEST_BYTES}.`,
          {
            hint: 'Send a smaller payload, or pass large data by reference (e.g. a file path the workflow reads).',
          },
        ),
      )
    }
    return new Promise((resolve, reject) => {
      const pending: Pending = {
        reject,
        resolve: (raw) => {
          try {
            resolve(decodeResult(method, raw))
          } catch (error) {
            reject(error as Error)
          }
        },
      }
      const timeoutMs = this.options.requestTimeoutMs ?? 30_000
      if (!UNBOUNDED.has(method)) {
        pending.timer = setTimeout(() => {
          this.#settle(id)
          reject(
            new WippyError(
              'WIPPY_CONTROL_TIMEOUT',
              `The dev server does not answer "${method}" within ${timeoutMs} ms.`,
              {
                hint: 'Check the `wippy dev` terminal for errors; restart it if it is stuck.',
              },
            ),
          )
        }, timeoutMs)
      }
      this.#pending.set(id, pending)
      this.socket.ref()
      this.socket.write(line)
    })
  }

  #settle(id: number): Pending | undefined {
    const pending = this.#pending.get(id)
    if (!pending) return undefined
    this.#pending.delete(id)
    if (pending.timer) clearTimeout(pending.timer)
    if (this.#pending.size === 0) this.socket.unref()
    return pending
  }

  #onMessage(message: ServerMessage): void {
    if (!('ok' in message) || typeof message.id !== 'number') return
    const pending = this.#settle(message.id)
    if (!pending) return
    if (message.ok) pending.resolve(message.result)
    else pending.reject(errorFromWire(message.error))
  }

  #onClose(): void {
    this.#closedError = new WippyError('WIPPY_CONTROL_CLOSED', 'The dev server closed the connection.', {
      hint: 'Check the `wippy dev` terminal; it may have stopped.',
    })
    for (const id of [...this.#pending.keys()]) this.#settle(id)?.reject(this.#closedError)
  }
}

/** Splits a socket's data into JSON lines; lines that aren't JSON are ignored. */
function attachReader(socket: Socket, onMessage: (m: ServerMessage) => void, onClose: () => void): void {
  let buffer = ''
  socket.setEncoding('utf8')
  socket.on('data', (chunk: string) => {
    buffer += chunk
    let nl
    while ((nl = buffer.indexOf('\n')) !== -1) {
      const line = buffer.slice(0, nl)
      buffer = buffer.slice(nl + 1)
      if (line.trim() === '') continue
      let message: ServerMessage
      try {
        message = decodeMessage(line) as ServerMessage
      } catch {
        continue
      }
      onMessage(message)
    }
  })
  socket.on('error', () => socket.destroy())
  socket.on('close', onClose)
}
