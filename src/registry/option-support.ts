/**
 * Which Temporal start and activity options the local engine honours. The rest are accepted
 * (the platform takes them) but do nothing here: the engine warns about each at run time
 * (dev log and a `Warning` history event) and lint warns about them in the source, both from
 * these lists, so the two never disagree. Names are without the `workflow.` / `activity.`
 * prefix (and without the `temporal.` alias).
 */

/** Workflow start options (`process.with_options{["temporal.workflow.X"] = ...}`) not honoured locally. */
export const UNIMPLEMENTED_START_OPTIONS: readonly string[] = [
  'task_timeout',
  'retry_policy',
  'cron_schedule',
  'start_delay',
  'enable_eager_start',
  'summary',
  'details',
  'versioning_override',
  'priority',
  'namespace',
  'wait_for_cancellation',
  'versioning_intent',
]

/** Activity options (`funcs.new():with_options{}` / `meta.options`) not honoured locally. */
export const UNIMPLEMENTED_ACTIVITY_OPTIONS: readonly string[] = [
  'schedule_to_start_timeout',
  'heartbeat_timeout',
  'id',
  'task_queue',
  'wait_for_cancellation',
  'disable_eager_execution',
  'versioning_intent',
  'summary',
  'priority',
]

/** The unprefixed name of a `workflow.X` / `temporal.workflow.X` key, else undefined. */
export function startOptionName(key: string): string | undefined {
  const name = /^(?:temporal\.)?workflow\.(.+)$/.exec(key)?.[1]
  // The legacy `temporal.workflow.static_summary` / `static_details` are `workflow.summary` / `details`.
  return name?.replace(/^static_(summary|details)$/, '$1')
}

/** The unprefixed name of an `activity.X` / `temporal.activity.X` key (or a bare key), as the merge reads it. */
export function activityOptionName(key: string): string {
  return key.replace(/^(?:temporal\.)?activity\./, '')
}

/** Options of `meta.temporal.activity` the platform parses and then ignores (WIPPY_PARITY_OPTION_IGNORED). */
export const PLATFORM_IGNORED_ACTIVITY_OPTIONS: readonly string[] = ['local']
