/**
 * The control channel's message shapes and codecs, without the request schemas: what the
 * client needs, kept free of zod so that `wippy signal` starts fast. See `protocol.ts`.
 */
import type {EngineEvent} from '../engine/api.js'
import type {HistoryEvent} from '../history/events.js'
import {WippyError, type WippyErrorJson, type WippyErrorKind} from '../errors.js'
import {recordFromJson, recordToJson} from '../history/value-forms.js'

/**
 * The names of the request methods (the rows of `protocol.ts`'s table that are not streams), for
 * the client, which builds one method per name without loading zod. `protocol.ts` checks at compile
 * time that this list and its table name the same methods.
 */
export const REQUEST_METHODS = [
  'call',
  'cancel',
  'fork',
  'history',
  'ps',
  'replayCheck',
  'repair',
  'signal',
  'skipTime',
  'spawn',
  'status',
  'terminate',
  'update',
  'wait',
] as const

/** Largest request line the server reads (1 MiB); longer ones are refused, not buffered. */
export const MAX_REQUEST_BYTES = 1024 * 1024

/** The longest an `update` waits for its answer: a day (the server times it out; the client waits for that). */
export const MAX_UPDATE_TIMEOUT_MS = 86_400_000

/** The error of a failed request: a WippyError as JSON plus its kind. */
export interface ControlErrorJson extends WippyErrorJson {
  kind?: WippyErrorKind
}

export type ControlReply =
  {error: ControlErrorJson; id: number | string | null; ok: false} | {id: number | string; ok: true; result: unknown}

export type StreamMessage =
  | {event: EngineEvent; id: number | string; stream: 'event'}
  | {event: HistoryEvent; id: number | string; stream: 'history'}
  | {id: number | string; stream: 'end'}

/** Anything the server writes. */
export type ServerMessage = ControlReply | StreamMessage

/** A thrown value as a wire error (a non-Wippy error becomes WIPPY_INTERNAL). */
export function errorToWire(error: unknown): ControlErrorJson {
  if (error instanceof WippyError) return {...error.toJSON(), kind: error.kind}
  const message = error instanceof Error ? error.message : String(error)
  return {
    code: 'WIPPY_INTERNAL',
    hint: 'This is a bug in the wippy dev server; its terminal may show more.',
    kind: 'bug',
    message: `Internal error: ${message}`,
  }
}

/** A wire error back into a WippyError on the client side. */
export function errorFromWire(json: ControlErrorJson): WippyError {
  const code = typeof json.code === 'string' && json.code.startsWith('WIPPY_') ? json.code : 'WIPPY_INTERNAL'
  return new WippyError(code, String(json.message ?? 'The dev server reports an error.'), {
    ...(json.hint === undefined ? {} : {hint: json.hint}),
    ...(json.file === undefined ? {} : {file: json.file}),
    ...(json.line === undefined ? {} : {line: json.line}),
    ...(json.column === undefined ? {} : {column: json.column}),
    ...(json.details === undefined ? {} : {details: json.details}),
    kind: json.kind ?? 'user',
  })
}

/**
 * Encodes one message as a line. Values JSON can't carry (undefined, functions) are dropped;
 * an int64 beyond 2^53, NaN, ±Infinity and -0 travel in typed forms (`value-forms.ts`).
 */
export function encodeMessage(message: ServerMessage | {id: number | string; method: string; params: unknown}): string {
  return `${recordToJson(message as unknown as Record<string, unknown>)}\n`
}

/** Parses one message line (either direction); throws what JSON.parse throws. */
export function decodeMessage(line: string): unknown {
  return recordFromJson(JSON.parse(line) as unknown)
}
