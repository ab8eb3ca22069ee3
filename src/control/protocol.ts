/**
 * The control-channel wire protocol: newline-delimited JSON over a local Unix socket.
 *
 *   → {"id": 1, "method": "signal", "params": {"pid": "wf-3f", "topic": "approve", "payload": [{}]}}
 *   ← {"id": 1, "ok": true, "result": {"pid": "{app:temporal_client@app:temporal_worker|wf-3f...}"}}
 *   ← {"id": 1, "ok": false, "error": {"code": "WIPPY_PID_UNKNOWN", "message": "...", "hint": "..."}}
 *
 * One method per {@link EngineApi} method, plus two streams: `subscribe` (every
 * {@link EngineEvent}) and `follow` (one run's history events). A stream request is answered
 * with `{id, ok: true, result: {streaming: true}}`, then `{id, stream: "event", event}` lines until
 * `{id, stream: "end"}` or the client closes the connection.
 *
 * Every request is validated here; anything malformed, oversized or wrong-typed is answered
 * with `WIPPY_CONTROL_BAD_REQUEST` and the connection keeps serving.
 */
import {z} from 'zod'

import {type ControlReply, MAX_REQUEST_BYTES, decodeMessage} from './wire.js'

export type {ControlErrorJson, ControlReply, ServerMessage, StreamMessage} from './wire.js'
export {MAX_REQUEST_BYTES, encodeMessage, errorFromWire, errorToWire} from './wire.js'


const pid = z.string().min(1).max(1000)
const reason = z.string().max(10_000).optional()

/** The parameters of each method; the keys are the protocol's method names. */
export const METHOD_PARAMS = {
  call: z.object({args: z.array(z.unknown()), entry: z.string().min(1)}),
  cancel: z.object({pid, reason}),
  follow: z.object({from: z.number().int().nonnegative().optional(), pid}),
  fork: z.object({at: z.number().int().nonnegative(), id: z.string().min(1).optional(), pid}),
  history: z.object({
    pid,
    range: z
      .object({
        from: z.number().int().nonnegative().optional(),
        limit: z.number().int().positive().optional(),
        to: z.number().int().nonnegative().optional(),
      })
      .optional(),
  }),
  ps: z.object({filter: z.object({all: z.boolean().optional(), status: z.string().optional()}).optional()}),
  replayCheck: z.object({pid}),
  repair: z.object({pid}),
  signal: z.object({payload: z.array(z.unknown()), pid, topic: z.string().min(1).max(1000)}),
  skipTime: z.object({by: z.union([z.number().nonnegative(), z.literal('next-timer')]), pid}),
  spawn: z.object({
    entry: z.string().min(1),
    host: z.string().min(1).optional(),
    id: z.string().min(1).optional(),
    input: z.array(z.unknown()),
  }),
  status: z.object({}),
  subscribe: z.object({}),
  terminate: z.object({pid, reason}),
  wait: z.object({pid}),
} as const

export type ControlMethod = keyof typeof METHOD_PARAMS
export type MethodParams<M extends ControlMethod> = z.infer<(typeof METHOD_PARAMS)[M]>

/** Methods answered with a stream of events rather than one result. */
export const STREAM_METHODS: ReadonlySet<ControlMethod> = new Set(['follow', 'subscribe'])

const RequestId = z.union([z.number().int(), z.string().max(100)])

const RequestEnvelope = z.object({
  id: RequestId,
  method: z.string(),
  params: z.unknown().optional(),
})

/** A validated request. */
export type ControlRequest = {[M in ControlMethod]: {id: number | string; method: M; params: MethodParams<M>}}[ControlMethod]

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
    const id = typeof raw === 'object' && raw !== null && 'id' in raw ? RequestId.safeParse((raw as {id: unknown}).id) : undefined
    return bad(id?.success ? id.data : null, `The request is not {id, method, params}: ${issues(envelope.error)}.`)
  }
  const {id, method} = envelope.data
  if (!Object.hasOwn(METHOD_PARAMS, method)) {
    return bad(id, `Unknown method "${method}".`, `Known methods: ${Object.keys(METHOD_PARAMS).join(', ')}.`)
  }
  const schema = METHOD_PARAMS[method as ControlMethod]
  const params = schema.safeParse(envelope.data.params ?? {})
  if (!params.success) return bad(id, `Bad parameters for ${method}: ${issues(params.error)}.`)
  return {ok: true, request: {id, method, params: params.data} as ControlRequest}
}

/** The reply for a request line longer than {@link MAX_REQUEST_BYTES}. */
export function oversizedReply(): ControlReply {
  return bad(null, `The request is longer than ${MAX_REQUEST_BYTES} bytes.`, 'Send large payloads in pieces, or from a file the workflow reads.').reply
}

function bad(id: number | string | null, message: string, hint = 'Send one JSON object per line: {"id": 1, "method": "status", "params": {}}.'): {ok: false; reply: ControlReply} {
  return {ok: false, reply: {error: {code: 'WIPPY_CONTROL_BAD_REQUEST', hint, kind: 'usage', message}, id, ok: false}}
}

function issues(error: z.ZodError): string {
  return error.issues
    .slice(0, 3)
    .map((i) => `${i.path.length > 0 ? i.path.join('.') + ': ' : ''}${i.message}`)
    .join('; ')
}
