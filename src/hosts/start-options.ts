/**
 * The spawn options of `process.spawn*` / `process.exec` (`cmd.options`, already checked by
 * lua/command-options.ts), decoded once into what the hosts act on: the spawner's flags and,
 * for a workflow, its Temporal start options. Keys are read as the platform reads them
 * (rt:service/temporal/options/options.go): `workflow.X`, with `temporal.workflow.X` as an
 * alias; durations are Go strings ("30s") or milliseconds; enums are case-insensitive, with or
 * without their Temporal prefix (`"fail"`, `"WORKFLOW_ID_CONFLICT_POLICY_FAIL"`) or their number.
 * A value the platform would refuse is reported in `problems`: the start fails, as it does there.
 */
import {parseDurationMs} from '../time/duration.js'
import {startOptionName, UNIMPLEMENTED_START_OPTIONS} from '../registry/option-support.js'

/** Temporal's WorkflowIdConflictPolicy, for a start whose ID runs already. */
export type ConflictPolicy = 'fail' | 'terminate_existing' | 'use_existing'
/** Temporal's WorkflowIdReusePolicy, for a start whose ID names a closed run. */
export type ReusePolicy =
  'allow_duplicate' | 'allow_duplicate_failed_only' | 'reject_duplicate' | 'terminate_if_running'
/** Temporal's ParentClosePolicy: what a child's parent closing does to it (default terminate). */
export type ParentClosePolicy = 'abandon' | 'request_cancel' | 'terminate'

/** A workflow's Temporal start options, decoded. */
export interface WorkflowStartOptions {
  conflictPolicy?: ConflictPolicy
  executionTimeoutMs?: number
  id?: string
  memo?: Record<string, unknown>
  parentClosePolicy?: ParentClosePolicy
  /** Values the platform refuses (`workflow.run_timeout must be a duration ...`): the start fails. */
  problems: string[]
  reusePolicy?: ReusePolicy
  runTimeoutMs?: number
  searchAttributes?: Record<string, unknown>
  startDelayMs?: number
  taskQueue?: string
  /** Options given that the local engine does not honour (option-support.ts): warned about. */
  unsupported: string[]
}

/** The spawn options, decoded once. */
export interface StartOptions {
  context?: Record<string, unknown>
  /** Shorthand for `workflow.id_conflict_policy`. */
  conflictPolicy?: ConflictPolicy
  link: boolean
  messages: Array<{payload: unknown[]; topic: string}>
  monitor: boolean
  /** `with_name`: a process name, or a workflow's explicit ID. */
  name?: string
  workflow: WorkflowStartOptions
  /** The explicit workflow ID (`workflow.id`, else `with_name`). */
  workflowId?: string
}

type Options = Record<string, unknown> | undefined

/** The value of `workflow.<name>`, else of its `temporal.workflow.<name>` alias. */
function get(options: Options, name: string): unknown {
  return options?.[`workflow.${name}`] ?? options?.[`temporal.workflow.${name}`]
}

function enumOf<T extends string>(
  value: unknown,
  prefix: string,
  numbers: readonly T[],
  problems: string[],
  key: string,
): T | undefined {
  if (value === undefined) return undefined
  if (typeof value === 'number' && Number.isInteger(value) && value > 0 && value <= numbers.length)
    return numbers[value - 1]
  if (typeof value === 'string') {
    const upper = value.trim().toUpperCase().replaceAll('-', '_')
    const bare = (upper.startsWith(prefix) ? upper.slice(prefix.length) : upper).toLowerCase()
    if ((numbers as readonly string[]).includes(bare)) return bare as T
  }
  problems.push(`workflow.${key} has invalid value ${JSON.stringify(value)} (one of: ${numbers.join(', ')})`)
  return undefined
}

function durationOf(value: unknown, problems: string[], key: string): number | undefined {
  if (value === undefined) return undefined
  if (typeof value === 'number' && Number.isFinite(value) && value >= 0) return value
  const ms = typeof value === 'string' ? parseDurationMs(value) : undefined
  if (ms === undefined)
    problems.push(`workflow.${key} must be a duration string (e.g. "5s") or milliseconds, got ${JSON.stringify(value)}`)
  return ms
}

function mapOf(value: unknown, problems: string[], key: string): Record<string, unknown> | undefined {
  if (value === undefined) return undefined
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) return value as Record<string, unknown>
  problems.push(`workflow.${key} must be a table`)
  return undefined
}

const CONFLICT: readonly ConflictPolicy[] = ['fail', 'use_existing', 'terminate_existing']
const REUSE: readonly ReusePolicy[] = [
  'allow_duplicate',
  'allow_duplicate_failed_only',
  'reject_duplicate',
  'terminate_if_running',
]
const PARENT_CLOSE: readonly ParentClosePolicy[] = ['terminate', 'abandon', 'request_cancel']

/** The Temporal start options in a spawn's options. */
export function workflowStartOptionsOf(options: Options): WorkflowStartOptions {
  const problems: string[] = []
  const out: WorkflowStartOptions = {problems, unsupported: []}
  const id = get(options, 'id')
  if (id !== undefined) {
    if (typeof id === 'string' && id !== '') out.id = id
    else problems.push('workflow.id must be a non-empty string')
  }
  const queue = get(options, 'task_queue')
  if (queue !== undefined) {
    if (typeof queue === 'string' && queue !== '') out.taskQueue = queue
    else problems.push('workflow.task_queue must be a non-empty string')
  }
  const set = <K extends keyof WorkflowStartOptions>(key: K, value: WorkflowStartOptions[K] | undefined): void => {
    if (value !== undefined) out[key] = value
  }
  set('executionTimeoutMs', durationOf(get(options, 'execution_timeout'), problems, 'execution_timeout'))
  set('runTimeoutMs', durationOf(get(options, 'run_timeout'), problems, 'run_timeout'))
  set('startDelayMs', durationOf(get(options, 'start_delay'), problems, 'start_delay'))
  const errorWhenStarted = get(options, 'execution_error_when_already_started')
  const conflict = enumOf(
    get(options, 'id_conflict_policy'),
    'WORKFLOW_ID_CONFLICT_POLICY_',
    CONFLICT,
    problems,
    'id_conflict_policy',
  )
  set('conflictPolicy', errorWhenStarted === true ? 'fail' : conflict)
  set(
    'reusePolicy',
    enumOf(get(options, 'id_reuse_policy'), 'WORKFLOW_ID_REUSE_POLICY_', REUSE, problems, 'id_reuse_policy'),
  )
  set(
    'parentClosePolicy',
    enumOf(get(options, 'parent_close_policy'), 'PARENT_CLOSE_POLICY_', PARENT_CLOSE, problems, 'parent_close_policy'),
  )
  set('memo', mapOf(get(options, 'memo'), problems, 'memo'))
  set(
    'searchAttributes',
    mapOf(
      get(options, 'search_attributes') ?? options?.['temporal.workflow.typed_search_attributes'],
      problems,
      'search_attributes',
    ),
  )
  for (const key of Object.keys(options ?? {})) {
    const name = startOptionName(key)
    // A zero delay is what happens here anyway.
    if (name === 'start_delay' && !out.startDelayMs) continue
    if (name && UNIMPLEMENTED_START_OPTIONS.includes(name) && !out.unsupported.includes(name))
      out.unsupported.push(name)
  }
  return out
}

/** The explicit workflow ID a spawner asked for (`workflow.id`, else `with_name`). */
export function workflowIdOf(options: Options): string | undefined {
  const id = get(options, 'id') ?? options?.name
  return typeof id === 'string' && id !== '' ? id : undefined
}

/** The spawner's or caller's `with_context` values (options.context), when given. */
export function contextOf(options: Options): Record<string, unknown> | undefined {
  const context = options?.context
  return context && typeof context === 'object' ? (context as Record<string, unknown>) : undefined
}

/** The ID conflict policy a spawner asked for, if any. */
export function conflictPolicyOf(options: Options): ConflictPolicy | undefined {
  return workflowStartOptionsOf(options).conflictPolicy
}

export function startOptionsOf(options: Options): StartOptions {
  const o = options ?? {}
  const context = contextOf(o)
  const workflow = workflowStartOptionsOf(o)
  const workflowId = workflowIdOf(o)
  const messages = Array.isArray(o.messages)
    ? (o.messages as Array<{payload?: unknown[]; topic: string}>).map((m) => ({
        payload: m.payload ?? [],
        topic: String(m.topic),
      }))
    : []
  return {
    link: o.link === true,
    messages,
    monitor: o.monitor === true,
    workflow,
    ...(context ? {context} : {}),
    ...(workflow.conflictPolicy ? {conflictPolicy: workflow.conflictPolicy} : {}),
    ...(typeof o.name === 'string' ? {name: o.name} : {}),
    ...(workflowId ? {workflowId} : {}),
  }
}
