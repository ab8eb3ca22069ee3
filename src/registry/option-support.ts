/**
 * Temporal options the Wippy platform honours and the local engine does not implement (yet),
 * by bare key (without the `temporal.workflow.` / `activity.` / `temporal.activity.` prefix).
 * `wippy lint` warns where one appears literally (WIPPY_PARITY_OPTION_UNSUPPORTED), since a
 * run here would behave differently from one on the platform (reference §4).
 */

/** Workflow start options (`process.with_options{["temporal.workflow.X"] = ...}`). */
export const UNIMPLEMENTED_START_OPTIONS: readonly string[] = ['task_timeout', 'retry_policy', 'cron_schedule']

/** Activity options (a function's `meta.options`, `funcs.new():with_options{...}` in workflow code). */
export const UNIMPLEMENTED_ACTIVITY_OPTIONS: readonly string[] = [
  'schedule_to_close_timeout',
  'schedule_to_start_timeout',
  'heartbeat_timeout',
  'task_queue',
  'wait_for_cancellation',
  'id',
]

/** Options of `meta.temporal.activity` the platform parses and then ignores (WIPPY_PARITY_OPTION_IGNORED). */
export const PLATFORM_IGNORED_ACTIVITY_OPTIONS: readonly string[] = ['local']
