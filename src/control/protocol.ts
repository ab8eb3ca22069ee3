/**
 * The control-channel wire protocol: newline-delimited JSON over a local Unix socket.
 *
 *   → {"id": 1, "method": "signal", "params": {"pid": "wf-3f", "topic": "approve", "payload": [{}]}}
 *   ← {"id": 1, "ok": true, "result": {"pid": "{app:temporal_client@app:temporal_worker|wf-3f...}"}}
 *   ← {"id": 1, "ok": false, "error": {"code": "WIPPY_PID_UNKNOWN", "message": "...", "hint": "..."}}
 *
 * {@link METHODS} is the one table of the engine's methods: each row has its params schema (zod,
 * checked on the server) and its result type. Everything else is derived from it: the client is a
 * typed proxy over {@link ControlApi} (`client.ts`), the server looks the method up in an adapter
 * typed by the same table (`dev/control-server.ts`), and the offline substitutes implement the read
 * half of {@link ControlApi} (`offline.ts`). Result types are types only, not schemas: the client
 * imports this module for its types alone, so `wippy signal` starts without loading zod.
 *
 * Two rows are streams: `subscribe` (every `EngineEvent` of engine/api.ts) and `follow` (one run's history
 * events). A stream request is answered with `{id, ok: true, result}`, then `{id, stream: "event", event}`
 * lines until `{id, stream: "end"}` or the client closes the connection.
 *
 * Every request is validated here; anything malformed, oversized or wrong-typed is answered
 * with `WIPPY_CONTROL_BAD_REQUEST` and the connection keeps serving.
 */
import {z} from 'zod'

import type {
  EngineStatus,
  HistoryView,
  ProcessInfo,
  RepairOutput,
  ReplayCheckResult,
  RunOutcome,
  SpawnResult,
  UpdateResult,
} from '../engine/api.js'
import type {LuaErrorValue} from '../lua/types.js'
import {
  type ControlReply,
  MAX_REQUEST_BYTES,
  MAX_UPDATE_TIMEOUT_MS,
  type REQUEST_METHODS,
  decodeMessage,
} from './wire.js'

export type {ControlErrorJson, ControlReply, ServerMessage, StreamMessage} from './wire.js'
export {MAX_REQUEST_BYTES, MAX_UPDATE_TIMEOUT_MS, encodeMessage, errorFromWire, errorToWire} from './wire.js'

/** A row's result, carried as a type only (the value is an empty object). */
interface Returns<R> {
  readonly result?: R
}
const returns = <R>(): Returns<R> => ({})

const pid = z.string().min(1).max(1000)
const reason = z.string().max(10_000).optional()
const topic = z.string().min(1).max(1000)
/** `--run-id`: which run of a reused workflow ID (a run ID or a unique prefix of one); the newest without it. */
const runId = z.string().min(1).max(200).optional()

/** The first reply of `follow`: the run as it is when following starts. */
export interface FollowHead {
  pid: string
  status: string
  total: number
}

/** What `call` answers: the function's value, or its error (`nil, err` in Lua). */
export interface CallResult {
  error?: LuaErrorValue
  value?: unknown
}

/** The engine's methods; the keys are the protocol's method names. */
export const METHODS = {
  call: {params: z.object({args: z.array(z.unknown()), entry: z.string().min(1)}), ...returns<CallResult>()},
  cancel: {params: z.object({pid, reason, runId}), ...returns<{pid: string; runId?: string}>()},
  follow: {
    params: z.object({from: z.number().int().nonnegative().optional(), pid, runId}),
    stream: true,
    ...returns<FollowHead>(),
  },
  fork: {
    params: z.object({at: z.number().int().nonnegative(), id: z.string().min(1).optional(), pid, runId}),
    ...returns<SpawnResult>(),
  },
  history: {
    params: z.object({
      pid,
      range: z
        .object({
          from: z.number().int().nonnegative().optional(),
          limit: z.number().int().positive().optional(),
          to: z.number().int().nonnegative().optional(),
        })
        .optional(),
      runId,
    }),
    ...returns<HistoryView>(),
  },
  ps: {
    params: z.object({filter: z.object({all: z.boolean().optional(), status: z.string().optional()}).optional()}),
    ...returns<ProcessInfo[]>(),
  },
  replayCheck: {params: z.object({pid, runId}), ...returns<ReplayCheckResult>()},
  repair: {params: z.object({pid, runId}), ...returns<RepairOutput>()},
  signal: {
    params: z.object({payload: z.array(z.unknown()), pid, runId, topic}),
    ...returns<{pid: string; runId?: string}>(),
  },
  skipTime: {
    params: z.object({by: z.union([z.number().nonnegative(), z.literal('next-timer')]), pid, runId}),
    ...returns<{now: number; pid: string; runId?: string; skippedMs: number}>(),
  },
  spawn: {
    params: z.object({
      context: z.record(z.string(), z.unknown()).optional(),
      entry: z.string().min(1),
      host: z.string().min(1).optional(),
      id: z.string().min(1).optional(),
      input: z.array(z.unknown()),
      messages: z.array(z.object({payload: z.array(z.unknown()), topic})).optional(),
      options: z.record(z.string(), z.unknown()).optional(),
    }),
    ...returns<SpawnResult>(),
  },
  status: {params: z.object({}), ...returns<EngineStatus>()},
  subscribe: {params: z.object({}), stream: true, ...returns<{streaming: true}>()},
  terminate: {params: z.object({pid, reason, runId}), ...returns<{pid: string; runId?: string}>()},
  update: {
    params: z.object({
      name: topic,
      payload: z.array(z.unknown()),
      pid,
      runId,
      timeoutMs: z.number().int().positive().max(MAX_UPDATE_TIMEOUT_MS).optional(),
    }),
    ...returns<UpdateResult>(),
  },
  wait: {params: z.object({pid}), ...returns<RunOutcome>()},
} as const

type Table = typeof METHODS
export type ControlMethod = keyof Table
/** The request methods: one request, one reply. */
export type RequestMethod = {[M in ControlMethod]: Table[M] extends {stream: true} ? never : M}[ControlMethod]
export type StreamMethod = Exclude<ControlMethod, RequestMethod>

// The client's list of names (`wire.ts`) and this table name the same request methods: a row
// added here and not there (or the reverse) fails to compile.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false
export const REQUEST_NAMES_MATCH: Same<(typeof REQUEST_METHODS)[number], RequestMethod> = true

/** The params and the result of each method, as plain maps (indexed by a generic `M`, they stay correlated). */
export type ParamsMap = {[M in ControlMethod]: z.infer<Table[M]['params']>}
export type ResultMap = {[M in ControlMethod]: Table[M] extends Returns<infer R> ? R : never}

/** The engine's request methods as the channel serves them: params object in (optional when every key is), result out. */
export type ControlApi = {[M in RequestMethod]: (...params: OptionalWhenEmpty<ParamsMap[M]>) => Promise<ResultMap[M]>}
type OptionalWhenEmpty<P> = Record<never, never> extends P ? [params?: P] : [params: P]

const RequestId = z.union([z.number().int(), z.string().max(100)])

const RequestEnvelope = z.object({
  id: RequestId,
  method: z.string(),
  params: z.unknown().optional(),
})

/** A request's method names an engine method (an own key of the table, not `toString`). */
function isMethod(name: string): name is ControlMethod {
  return Object.hasOwn(METHODS, name)
}

/** A validated request. */
export type ControlRequest = {
  [M in ControlMethod]: {id: number | string; method: M; params: ParamsMap[M]}
}[ControlMethod]

/** What {@link parseRequest} returns: a request, or the error reply to send back. */
export type ParsedRequest = {ok: true; request: ControlRequest} | {ok: false; reply: ControlReply}

/** Parses and validates one request line. Never throws. */
export function parseRequest(line: string): ParsedRequest {
  let raw: unknown
  try {
    raw = decodeMessage(line)
  } catch (error) {
    return bad(null, `The request is not valid JSON: ${(error as Error).message}.`)
  }
  const envelope = RequestEnvelope.safeParse(raw)
  if (!envelope.success) {
    const id =
      typeof raw === 'object' && raw !== null && 'id' in raw
        ? RequestId.safeParse((raw as {id: unknown}).id)
        : undefined
    return bad(id?.success ? id.data : null, `The request is not {id, method, params}: ${issues(envelope.error)}.`)
  }
  const {id, method} = envelope.data
  if (!isMethod(method))
    return bad(id, `Unknown method "${method}".`, `Known methods: ${Object.keys(METHODS).join(', ')}.`)
  const params = METHODS[method].params.safeParse(envelope.data.params ?? {})
  if (!params.success) return bad(id, `Bad parameters for ${method}: ${issues(params.error)}.`)
  return {ok: true, request: {id, method, params: params.data} as ControlRequest}
}

/** The reply for a request line longer than {@link MAX_REQUEST_BYTES}. */
export function oversizedReply(): ControlReply {
  return bad(
    null,
    `The request is longer than ${MAX_REQUEST_BYTES} bytes.`,
    'Send large payloads in pieces, or from a file the workflow reads.',
  ).reply
}

function bad(
  id: number | string | null,
  message: string,
  hint = 'Send one JSON object per line: {"id": 1, "method": "status", "params": {}}.',
): {ok: false; reply: ControlReply} {
  return {ok: false, reply: {error: {code: 'WIPPY_CONTROL_BAD_REQUEST', hint, kind: 'usage', message}, id, ok: false}}
}

function issues(error: z.ZodError): string {
  return error.issues
    .slice(0, 3)
    .map((i) => `${i.path.length > 0 ? i.path.join('.') + ': ' : ''}${i.message}`)
    .join('; ')
}
