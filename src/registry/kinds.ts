/**
 * Entry kinds and module lists. The kinds wippy runs are validated field by field (their
 * zod schemas are in schemas.ts); the other Wippy kinds load as opaque entries (lint warns
 * they are not run); anything else is an unknown kind. This module does not load zod.
 */

/** Kinds wippy executes, each with a zod schema in `kindSchemas` (schemas.ts). */
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
  'json',
  'yaml',
  'base64',
  'compress',
  'hash',
  'html',
  'text',
  'expr',
  'templates',
  'treesitter',
  'payload',
  'time',
  'os',
  'uuid',
  'crypto',
  'ctx',
  'funcs',
  'process',
  'workflow',
  'contract',
]

/** Modules that exist but are refused in workflows (`logger` is class `io` only). */
export const NON_WORKFLOW_MODULES: readonly string[] = [
  'sql',
  'http_client',
  'http',
  'store',
  'queue',
  'fs',
  'env',
  'logger',
  'events',
  'registry',
  'security',
  'exec',
  'system',
  'metrics',
  'io',
  'websocket',
  'excel',
  'pg',
  'stream',
  'tty',
  'hub',
]

export const KNOWN_MODULES: readonly string[] = [...WORKFLOW_SAFE_MODULES, ...NON_WORKFLOW_MODULES]

export function isRunKind(kind: string): kind is RunKind {
  return (RUN_KINDS as readonly string[]).includes(kind)
}

export function isLuaKind(kind: string): kind is LuaKind {
  return (LUA_KINDS as readonly string[]).includes(kind)
}
