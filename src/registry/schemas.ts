import {z} from 'zod'

import {parseGoDuration} from './duration.js'
import type {RunKind} from './kinds.js'

/**
 * The zod schemas of the kinds wippy runs (platform §1.5, §1.6, §3, §4). Unknown fields are
 * kept (the platform ignores them). Loaded lazily by the loader: zod costs ~50 ms of start-up
 * and an unchanged project is validated from the parse cache.
 */

const goDuration = z.string().refine((s) => parseGoDuration(s) !== undefined, {
  message: 'must be a Go duration such as "500ms", "90s" or "1h30m" (units ns us ms s m h; no "d")',
})

const idRef = z.string().min(1, 'must be an entry ID such as "app:name"')

export const lifecycleSchema = z.looseObject({
  auto_start: z.boolean().optional(),
  stable_threshold: goDuration.optional(),
  requires: z.array(idRef).optional(),
  depends_on: z.array(idRef).optional(),
  restart: z
    .looseObject({
      initial_delay: goDuration.optional(),
      max_delay: goDuration.optional(),
      backoff_factor: z.number().min(1).optional(),
      max_attempts: z.number().int().min(0).optional(),
    })
    .optional(),
})

const luaCommon = {
  source: z.string({error: 'is required: the Lua code, usually "file://name.lua"'}),
  modules: z.array(z.string()).optional(),
  imports: z.record(z.string(), idRef).optional(),
}

export const poolSchema = z.looseObject({
  type: z.enum(['inline', 'lazy', 'static', 'adaptive']).optional(),
  workers: z.number().int().positive().optional(),
  size: z.number().int().positive().optional(),
  buffer: z.number().int().min(0).optional(),
  max_size: z.number().int().positive().optional(),
})

export const functionLuaSchema = z.looseObject({
  ...luaCommon,
  method: z.string().min(1).optional(),
  pool: poolSchema.optional(),
})
export const processLuaSchema = z.looseObject({...luaCommon, method: z.string().min(1).optional()})
export const workflowLuaSchema = z.looseObject({...luaCommon, method: z.string().min(1).optional()})
export const libraryLuaSchema = z.looseObject({...luaCommon})

export const processHostSchema = z.looseObject({
  host: z
    .looseObject({
      workers: z.number().int().positive().optional(),
      queue_size: z.number().int().positive().optional(),
      local_queue_size: z.number().int().positive().optional(),
    })
    .optional(),
  lifecycle: lifecycleSchema.optional(),
})

export const processServiceSchema = z.looseObject({
  process: idRef,
  host: idRef,
  input: z.array(z.unknown()).optional(),
  lifecycle: lifecycleSchema.optional(),
})

export const temporalClientSchema = z.looseObject({
  address: z.string({error: 'is required, e.g. "localhost:7233"'}).min(1, 'must not be empty, e.g. "localhost:7233"'),
  namespace: z.string().optional(),
  tq_prefix: z.string().optional(),
  auth: z.looseObject({type: z.enum(['none', 'api_key', 'mtls']).optional()}).optional(),
  tls: z
    .looseObject({enabled: z.boolean().optional(), ca_file: z.string().optional(), server_name: z.string().optional()})
    .optional(),
  lifecycle: lifecycleSchema.optional(),
})

export const temporalWorkerSchema = z.looseObject({
  client: idRef,
  task_queue: z.string({error: 'is required, e.g. "orders"'}).min(1),
  lifecycle: lifecycleSchema.optional(),
  worker_options: z.record(z.string(), z.unknown()).optional(),
})

/** The zod schema of each run kind's `data` (feed to `z.toJSONSchema` for editor support). */
export const kindSchemas: Record<RunKind, z.ZodType> = {
  'function.lua': functionLuaSchema,
  'process.lua': processLuaSchema,
  'workflow.lua': workflowLuaSchema,
  'library.lua': libraryLuaSchema,
  'process.host': processHostSchema,
  'process.service': processServiceSchema,
  'temporal.client': temporalClientSchema,
  'temporal.worker': temporalWorkerSchema,
}
