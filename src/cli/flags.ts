/**
 * Flags several commands share, declared once (as Shopify's `appFlags`): one description and one
 * env name for one thing. Commands spread them into their `flags`.
 */
import {Flags} from '@oclif/core'

/** Where the project's engine keeps histories, the lock and the control socket; every run command reads it. */
export const stateDirFlag = {
  'state-dir': Flags.string({
    description: 'The state dir: histories, the lock and the control socket (default: .wippy/dev in the project).',
    env: 'WIPPY_STATE_DIR',
  }),
}

/**
 * `wippy test --state-dir` is another thing under its own env name: tests run on a throw-away
 * state dir, and this keeps their histories instead. It does not read WIPPY_STATE_DIR on purpose:
 * a shell that points `wippy dev` at a state dir must not make `wippy test` write its runs there
 * (where that dev server holds the lock and would find them as its own).
 */
export const testStateDirFlag = {
  'state-dir': Flags.string({
    description: 'Keep workflow histories here instead of a throw-away dir in the OS temp dir.',
    env: 'WIPPY_TEST_STATE_DIR',
  }),
}

/** The service option of a parsed `--state-dir` (absent when not given). */
export function stateDirOption(flags: {'state-dir'?: string | undefined}): {stateDir?: string} {
  return flags['state-dir'] ? {stateDir: flags['state-dir']} : {}
}

/** `--run-id`: which run of a workflow ID that names several (reused after a close, or continued as new). */
export const runIdFlag = {
  'run-id': Flags.string({
    description: 'Which run of the workflow ID: a run ID or a unique prefix of one (default: the newest run).',
  }),
}

/** The service option of a parsed `--run-id` (absent when not given). */
export function runIdOption(flags: {'run-id'?: string | undefined}): {runId?: string} {
  return flags['run-id'] ? {runId: flags['run-id']} : {}
}
