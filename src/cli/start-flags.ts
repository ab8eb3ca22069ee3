/**
 * `wippy spawn`'s start flags, the CLI's spelling of a Lua spawner's builder:
 * `--message topic=payload` is `with_message` (the payload is JSON, as for `wippy signal`),
 * `--context key=value` is `with_context`, `--option key=value` is `with_options` (values are
 * JSON when they parse as JSON, strings otherwise). The options go to the engine's decoding of
 * Lua spawn options unchanged; a key the platform does not know is refused with a did-you-mean,
 * and a platform key the dev server does not apply is let through with a note.
 */
import {parseJsonArg} from '../control/json-arg.js'
import {WippyError} from '../errors.js'
import {closestMatch} from '../registry/did-you-mean.js'
import {startOptionName, UNIMPLEMENTED_START_OPTIONS} from '../registry/option-support.js'
import {checkWorkflowId} from './workflow-id.js'

/** Start options the dev server always read (the ID and its conflict policy). */
const ID_OPTIONS: readonly string[] = [
  'temporal.workflow.id',
  'temporal.workflow.id_conflict_policy',
  'temporal.workflow.execution_error_when_already_started',
]

/** The platform's other workflow start options (rt:service/temporal/options/options.go). */
const PLATFORM_START_OPTIONS: readonly string[] = [
  'task_queue',
  'execution_timeout',
  'run_timeout',
  'task_timeout',
  'id_reuse_policy',
  'retry_policy',
  'cron_schedule',
  'memo',
  'search_attributes',
  'typed_search_attributes',
  'enable_eager_start',
  'start_delay',
  'static_summary',
  'static_details',
  'versioning_override',
  'priority',
  'namespace',
  'wait_for_cancellation',
  'parent_close_policy',
  'versioning_intent',
].map((k) => `temporal.workflow.${k}`)

/** A start option the local engine does not honour (registry/option-support.ts): it warns at run time too. */
function unimplemented(key: string): boolean {
  return UNIMPLEMENTED_START_OPTIONS.includes(startOptionName(key) ?? '')
}

/** The start options the dev server applies (hosts/start-options.ts decodes them). */
export const APPLIED_START_OPTIONS: readonly string[] = [
  ...ID_OPTIONS,
  ...PLATFORM_START_OPTIONS.filter((k) => !unimplemented(k)),
]

/** The platform's newer spellings (`workflow.id` for `temporal.workflow.id`), read as the legacy key. */
const ALIASES: Readonly<Record<string, string>> = {
  'workflow.details': 'temporal.workflow.static_details',
  'workflow.summary': 'temporal.workflow.static_summary',
}

export interface StartFlags {
  context?: Record<string, unknown>
  messages?: Array<{payload: unknown[]; topic: string}>
  /** Platform keys that were accepted but that the dev server does not apply. */
  notApplied: string[]
  options?: Record<string, unknown>
}

/** Reads the three repeatable flags; throws usage errors naming the flag and the bad part. */
export function parseStartFlags(flags: {context?: string[]; message?: string[]; option?: string[]}): StartFlags {
  const out: StartFlags = {notApplied: []}
  for (const text of flags.message ?? []) {
    const eq = text.indexOf('=')
    const topic = eq === -1 ? text : text.slice(0, eq)
    if (topic === '')
      throw usage(
        `--message "${text}" has no topic.`,
        'Write --message topic=JSON, e.g. --message approve=\'{"approved":true}\'.',
      )
    const payload = eq === -1 ? [] : [parseJsonArg(text.slice(eq + 1), `payload of --message ${topic}`)]
    ;(out.messages ??= []).push({payload, topic})
  }
  for (const text of flags.context ?? []) {
    const [key, value] = pair('--context', text)
    ;(out.context ??= {})[key] = value
  }
  for (const text of flags.option ?? []) {
    const [given, value] = pair('--option', text)
    const key = optionKey(given)
    if (!APPLIED_START_OPTIONS.includes(key)) out.notApplied.push(given)
    ;(out.options ??= {})[key] = value
  }
  return out
}

/** The ID given by `--option temporal.workflow.id`: a valid workflow ID, and the same as `--id` when both are given. */
export function checkStartId(start: StartFlags, id: string | undefined): void {
  const optionId = start.options?.['temporal.workflow.id']
  if (optionId === undefined) return
  if (typeof optionId !== 'string' || optionId === '')
    throw usage(
      'The start option temporal.workflow.id must be a non-empty string.',
      `e.g. --option temporal.workflow.id=order-7 (or --id order-7); quote an ID that reads as JSON: --option 'temporal.workflow.id="42"'.`,
    )
  checkWorkflowId(optionId, '--option temporal.workflow.id')
  if (id !== undefined && id !== optionId)
    throw usage(`--id ${id} and --option temporal.workflow.id=${optionId} disagree.`, 'Give the workflow ID once.')
}

/** `key=value`, the value as JSON when it is JSON, else the text. */
function pair(flag: string, text: string): [string, unknown] {
  const eq = text.indexOf('=')
  if (eq <= 0) throw usage(`${flag} "${text}" is not key=value.`, `Write ${flag} key=value, e.g. ${flag} tenant=acme.`)
  const raw = text.slice(eq + 1)
  let value: unknown = raw
  try {
    value = parseJsonArg(raw, `value of ${flag} ${text.slice(0, eq)}`)
  } catch (error) {
    // Not JSON: the text itself (a plain string needs no quotes here).
    if (!(error instanceof WippyError && error.code === 'WIPPY_JSON_INVALID')) throw error
  }
  return [text.slice(0, eq), value]
}

/** The option key as the engine reads it; unknown keys are refused with the closest known one. */
function optionKey(given: string): string {
  const key = ALIASES[given] ?? (given.startsWith('workflow.') ? `temporal.${given}` : given)
  if (APPLIED_START_OPTIONS.includes(key) || PLATFORM_START_OPTIONS.includes(key)) return key
  const known = [...APPLIED_START_OPTIONS, ...PLATFORM_START_OPTIONS]
  const match = closestMatch(given, known) ?? closestMatch(key, known)
  throw new WippyError('WIPPY_START_OPTION_UNKNOWN', `The start option "${given}" is not a workflow start option.`, {
    details: {known: APPLIED_START_OPTIONS, option: given, ...(match ? {suggestion: match} : {})},
    hint: `${match ? `Did you mean "${match}"? ` : ''}The dev server applies ${APPLIED_START_OPTIONS.join(', ')}.`,
    kind: 'usage',
  })
}

function usage(message: string, hint: string): WippyError {
  return new WippyError('WIPPY_USAGE', message, {hint, kind: 'usage'})
}
