/**
 * What a spawner's options say about a workflow start: its explicit ID, its context, and what
 * it does when a workflow with that ID is already running (Temporal's
 * WorkflowIdConflictPolicy, from the `temporal.workflow.*` options): `use_existing` (the
 * default here: the running workflow's PID comes back), `fail` (also
 * `execution_error_when_already_started = true`), `terminate_existing`.
 */
export type ConflictPolicy = 'fail' | 'terminate_existing' | 'use_existing'

export function conflictPolicyOf(options: Record<string, unknown> | undefined): ConflictPolicy | undefined {
  if (!options) return undefined
  if (options['temporal.workflow.execution_error_when_already_started'] === true) return 'fail'
  const policy = options['temporal.workflow.id_conflict_policy']
  return policy === 'fail' || policy === 'terminate_existing' || policy === 'use_existing' ? policy : undefined
}

/** The explicit workflow ID a spawner asked for (`temporal.workflow.id`, else `with_name`). */
export function workflowIdOf(options: Record<string, unknown> | undefined): string | undefined {
  const id = options?.['temporal.workflow.id'] ?? options?.name
  return typeof id === 'string' && id !== '' ? id : undefined
}

/** The spawner's or caller's `with_context` values (options.context), when given. */
export function contextOf(options: Record<string, unknown> | undefined): Record<string, unknown> | undefined {
  const context = options?.context
  return context && typeof context === 'object' ? (context as Record<string, unknown>) : undefined
}

/** The Lua error a refused start gives its spawner. */
export function startErrorOf(error: unknown): {kind: string; message: string; retryable: boolean} {
  const e = error as {code?: string; message?: string}
  const kind = e.code === 'WIPPY_WORKFLOW_ALREADY_STARTED' ? 'AlreadyExists' : 'NotFound'
  return {kind, message: String(e.message ?? error), retryable: false}
}

/** The spawn options of `process.spawn*` / `process.exec` (`cmd.options`), decoded once. */
export interface SpawnOptions {
  context?: Record<string, unknown>
  conflictPolicy?: ConflictPolicy
  link: boolean
  messages: Array<{payload: unknown[]; topic: string}>
  monitor: boolean
  /** `with_name`: a process name, or a workflow's explicit ID. */
  name?: string
  /** The explicit workflow ID (`temporal.workflow.id`, else `with_name`). */
  workflowId?: string
}

export function spawnOptionsOf(options: Record<string, unknown> | undefined): SpawnOptions {
  const o = options ?? {}
  const context = contextOf(o)
  const conflictPolicy = conflictPolicyOf(o)
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
    ...(context ? {context} : {}),
    ...(conflictPolicy ? {conflictPolicy} : {}),
    ...(typeof o.name === 'string' ? {name: o.name} : {}),
    ...(workflowId ? {workflowId} : {}),
  }
}
