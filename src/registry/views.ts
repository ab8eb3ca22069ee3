import {WippyError} from '../errors.js'
import {parseGoDuration} from './duration.js'
import type {RunKind} from './kinds.js'
import {resolveRef} from './refs.js'
import {kindSchemas} from './schemas.js'
import type {RegistryEntry} from './types.js'

/**
 * Typed views of the kinds wippy runs, parsed with the same zod schemas the loader validates
 * with. Each throws WIPPY_ENTRY_INVALID when the entry is not of that kind or not valid
 * (which `wippy lint` would already have reported).
 */

export {resolveRef} from './refs.js'

export interface PoolConfig {
  type?: 'adaptive' | 'inline' | 'lazy' | 'static'
  workers?: number
  size?: number
  buffer?: number
  max_size?: number
}

export interface LuaEntryConfig {
  /** The Lua text (after `file://`). */
  source: string
  /** The export to run; `main` when not set. */
  method: string
  modules: string[]
  /** alias -> full entry ID. */
  imports: Record<string, string>
  pool?: PoolConfig
}

export interface LifecycleConfig {
  autoStart: boolean
  stableThresholdMs: number
  /** Full entry IDs (`requires` plus legacy `depends_on`). */
  requires: string[]
  restart: {initialDelayMs: number; maxDelayMs: number; backoffFactor: number; maxAttempts: number}
}

export interface ProcessHostConfig {
  workers?: number
  queueSize: number
  localQueueSize: number
  lifecycle: LifecycleConfig
}

export interface ProcessServiceConfig {
  /** Full ID of the process.lua entry. */
  process: string
  /** Full ID of the host entry. */
  host: string
  input: unknown[]
  lifecycle: LifecycleConfig
}

export interface TemporalClientConfig {
  address: string
  namespace: string
  tqPrefix?: string
  lifecycle: LifecycleConfig
}

export interface TemporalWorkerConfig {
  /** Full ID of the temporal.client entry. */
  client: string
  taskQueue: string
  workerOptions: Record<string, unknown>
  lifecycle: LifecycleConfig
}

function parseAs(entry: RegistryEntry, kinds: readonly RunKind[]): Record<string, unknown> {
  const kind = kinds.find((k) => k === entry.kind)
  if (!kind) {
    throw new WippyError(
      'WIPPY_ENTRY_INVALID',
      `Entry ${entry.id} has kind ${entry.kind}, not ${kinds.join(' or ')}.`,
      {
        hint: 'Check the entry ID you passed.',
        file: entry.file,
        line: entry.line,
        column: entry.column,
      },
    )
  }
  const result = kindSchemas[kind].safeParse(entry.data)
  if (!result.success) {
    const issue = result.error.issues[0]
    throw new WippyError(
      'WIPPY_ENTRY_INVALID',
      `Entry ${entry.id} is not a valid ${kind}: ${issue ? `${issue.path.join('.') || 'data'} ${issue.message}` : 'invalid'}.`,
      {
        hint: 'Run `wippy lint` to see every problem with its position.',
        file: entry.file,
        line: entry.line,
        column: entry.column,
      },
    )
  }
  return result.data as Record<string, unknown>
}

const ms = (value: unknown, fallback: number): number =>
  typeof value === 'string' ? (parseGoDuration(value) ?? fallback) : fallback

/** Lifecycle with the platform defaults (§1.6) filled in and durations in milliseconds. */
export function lifecycleConfig(raw: unknown, fromNamespace: string): LifecycleConfig {
  const l = (raw ?? {}) as Record<string, unknown>
  const r = (l.restart ?? {}) as Record<string, unknown>
  const requires = [...((l.requires as string[] | undefined) ?? []), ...((l.depends_on as string[] | undefined) ?? [])]
  return {
    autoStart: l.auto_start === true,
    stableThresholdMs: ms(l.stable_threshold, 5000),
    requires: requires.map((id) => resolveRef(id, fromNamespace)),
    restart: {
      initialDelayMs: ms(r.initial_delay, 1000),
      maxDelayMs: ms(r.max_delay, 90_000),
      backoffFactor: typeof r.backoff_factor === 'number' ? r.backoff_factor : 2,
      maxAttempts: typeof r.max_attempts === 'number' ? r.max_attempts : 0,
    },
  }
}

/** The runnable config of a function.lua, process.lua, workflow.lua or library.lua entry. */
export function luaEntryConfig(entry: RegistryEntry): LuaEntryConfig {
  const d = parseAs(entry, ['function.lua', 'process.lua', 'workflow.lua', 'library.lua'])
  const imports: Record<string, string> = {}
  for (const [alias, ref] of Object.entries((d.imports as Record<string, string> | undefined) ?? {})) {
    imports[alias] = resolveRef(ref, entry.namespace)
  }
  return {
    source: d.source as string,
    method: (d.method as string | undefined) ?? 'main',
    modules: [...((d.modules as string[] | undefined) ?? [])],
    imports,
    ...(d.pool === undefined ? {} : {pool: d.pool as PoolConfig}),
  }
}

export function processHostConfig(entry: RegistryEntry): ProcessHostConfig {
  const d = parseAs(entry, ['process.host'])
  const h = (d.host ?? {}) as Record<string, number | undefined>
  return {
    ...(h.workers === undefined ? {} : {workers: h.workers}),
    queueSize: h.queue_size ?? 1024,
    localQueueSize: h.local_queue_size ?? 256,
    lifecycle: lifecycleConfig(d.lifecycle, entry.namespace),
  }
}

export function processServiceConfig(entry: RegistryEntry): ProcessServiceConfig {
  const d = parseAs(entry, ['process.service'])
  return {
    process: resolveRef(d.process as string, entry.namespace),
    host: resolveRef(d.host as string, entry.namespace),
    input: [...((d.input as unknown[] | undefined) ?? [])],
    lifecycle: lifecycleConfig(d.lifecycle, entry.namespace),
  }
}

export function temporalClientConfig(entry: RegistryEntry): TemporalClientConfig {
  const d = parseAs(entry, ['temporal.client'])
  return {
    address: d.address as string,
    namespace: (d.namespace as string | undefined) ?? 'default',
    ...(d.tq_prefix === undefined ? {} : {tqPrefix: d.tq_prefix as string}),
    lifecycle: lifecycleConfig(d.lifecycle, entry.namespace),
  }
}

export function temporalWorkerConfig(entry: RegistryEntry): TemporalWorkerConfig {
  const d = parseAs(entry, ['temporal.worker'])
  return {
    client: resolveRef(d.client as string, entry.namespace),
    taskQueue: d.task_queue as string,
    workerOptions: {...((d.worker_options as Record<string, unknown> | undefined) ?? {})},
    lifecycle: lifecycleConfig(d.lifecycle, entry.namespace),
  }
}
