/** `wippy spawn`: starts a workflow on the running engine and, with `wait`, waits for its outcome. */
import type {RunOutcome, SpawnResult} from '../engine/api.js'
import {checkPayload} from '../history/payload-limits.js'
import type {LuaErrorValue} from '../lua/types.js'
import {type ProjectOptions, withRequiredClient} from './control.js'

/** What `wippy spawn` returns; `status` and `result`/`error` with `--wait`. */
export interface SpawnOutput extends SpawnResult {
  error?: LuaErrorValue
  result?: unknown
  status?: string
}

/** `onSpawned` is called once the run exists, before waiting (so its ID can be shown at once). */
export async function spawnRun(
  options: ProjectOptions & {
    /** `with_context` values. */
    context?: Record<string, unknown>
    entry: string
    host?: string
    id?: string
    input: unknown[]
    /** `with_message`: delivered right after the start. */
    messages?: Array<{payload: unknown[]; topic: string}>
    onSpawned?: (spawned: SpawnResult) => void
    /** Start options, as Lua's `with_options` takes them. */
    startOptions?: Record<string, unknown>
    wait?: boolean
  },
): Promise<SpawnOutput> {
  checkPayload(options.input, 'workflow input')
  for (const m of options.messages ?? []) checkPayload(m.payload, `payload of message ${m.topic}`)
  if (options.context) checkPayload([options.context], 'context')
  return withRequiredClient(options, async (client) => {
    const spawned = await client.spawn({
      entry: options.entry,
      input: options.input,
      ...(options.host ? {host: options.host} : {}),
      ...(options.id ? {id: options.id} : {}),
      ...(options.context ? {context: options.context} : {}),
      ...(options.messages ? {messages: options.messages} : {}),
      ...(options.startOptions ? {options: options.startOptions} : {}),
    })
    options.onSpawned?.(spawned)
    if (!options.wait) return spawned
    const outcome: RunOutcome = await client.wait({pid: spawned.pid})
    return {
      ...spawned,
      status: outcome.status,
      ...(outcome.error ? {error: outcome.error} : {}),
      ...('result' in outcome ? {result: outcome.result} : {}),
    }
  })
}
