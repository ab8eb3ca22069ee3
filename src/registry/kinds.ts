import {z} from 'zod'

import {parseGoDuration} from './duration.js'

/**
 * Entry kinds and their zod schemas. The kinds wippy runs are validated field by field;
 * the other Wippy kinds load as opaque entries (lint warns they are not run); anything
 * else is an unknown kind.
 */

/** Kinds wippy executes, each with a schema in {@link kindSchemas}. */
export const RUN_KINDS = [
  'function.lua',
  'process.lua',
  'workflow.lua',
  'library.lua',
  'process.host',
  'process.service',
  'temporal.client',
  'temporal.worker',
] as const
export type RunKind = (typeof RUN_KINDS)[number]

/** Kinds the Wippy platform knows but wippy does not run (loaded as opaque entries). */
export const OPAQUE_KINDS = [
  'module.lua',
  'function.lua.bc',
  'process.lua.bc',
  'workflow.lua.bc',
  'library.lua.bc',
  'module.lua.bc',
  'terminal.host',
  'pg.scope',
  'http.service',
  'http.router',
  'http.endpoint',
  'http.static',
  'db.sql.sqlite',
  'db.sql.postgres',
  'db.sql.mysql',
  'store.memory',
  'store.sql',
  'queue.driver.memory',
  'queue.queue',
  'queue.consumer',
  'fs.directory',
  'env.storage.os',
  'env.storage.file',
  'env.storage.static',
  'env.storage.router',
  'env.storage.memory',
  'env.variable',
  'template.jet',
  'template.set',
  'security.policy',
  'security.token_store',
  'contract.definition',
  'contract.binding',
  'exec.native',
  'wasm.function',
  'cloudstorage.s3',
  'registry.entry',
  'ns.definition',
  'ns.requirement',
  'ns.dependency',
] as const

/** Every kind the loader accepts. */
export const KNOWN_KINDS: readonly string[] = [...RUN_KINDS, ...OPAQUE_KINDS]

export const LUA_KINDS = ['function.lua', 'process.lua', 'workflow.lua', 'library.lua'] as const
export type LuaKind = (typeof LUA_KINDS)[number]

/** Modules a `workflow.lua` may list (platform §2.7: class `deterministic` or `workflow`). */
export const WORKFLOW_SAFE_MODULES: readonly string[] = [
  'json', 'yaml', 'base64', 'compress', 'hash', 'html', 'text', 'expr', 'templates', 'treesitter',
  'payload', 'time', 'os', 'uuid', 'crypto', 'ctx', 'funcs', 'process', 'workflow', 'contract',
]

/** Modules that exist but are refused in workflows (`logger` is class `io` only). */
export const NON_WORKFLOW_MODULES: readonly string[] = [
  'sql', 'http_client', 'http', 'store', 'queue', 'fs', 'env', 'logger', 'events', 'registry',
  'security', 'exec', 'system', 'metrics', 'io', 'websocket', 'excel', 'pg', 'stream', 'tty', 'hub',
]

export const KNOWN_MODULES: readonly string[] = [...WORKFLOW_SAFE_MODULES, ...NON_WORKFLOW_MODULES]

const goDuration = z
  .string()
  .refine((s) => parseGoDuration(s) !== undefined, {
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

export const functionLuaSchema = z.looseObject({...luaCommon, method: z.string().min(1).optional(), pool: poolSchema.optional()})
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

export function isRunKind(kind: string): kind is RunKind {
  return (RUN_KINDS as readonly string[]).includes(kind)
}

export function isLuaKind(kind: string): kind is LuaKind {
  return (LUA_KINDS as readonly string[]).includes(kind)
}
