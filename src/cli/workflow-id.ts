/**
 * Checks a workflow ID the user typed (`spawn --id`, `fork --id`) before anything is sent:
 * its history file is named after it, so an ID that cannot name a file used to fail deep in
 * the store, quoting the sanitised run key ("_x_y_~d7ebe611") the user never typed.
 */
import {RUN_KEY} from '../history/run-files.js'
import {runKeyOf} from '../hosts/workflows/pid.js'
import {WippyError} from '../errors.js'

/** @throws WippyError WIPPY_WORKFLOW_ID_INVALID (a usage error) naming the ID as typed. */
export function checkWorkflowId(id: string, flag = '--id'): void {
  const key = runKeyOf(id, '00000000')
  if (RUN_KEY.test(key) && !id.includes('..') && id.trim() === id) return
  const why = !/^[A-Za-z0-9]/.test(id)
    ? 'it must start with a letter or digit'
    : id.includes('..')
      ? 'it must not contain ".."'
      : key.length > 200
        ? 'it is too long (at most 190 characters)'
        : 'it must not start or end with spaces'
  throw new WippyError(
    'WIPPY_WORKFLOW_ID_INVALID',
    `${flag} ${JSON.stringify(id)} is not a valid workflow ID: ${why}.`,
    {
      hint: 'Use letters, digits, ".", "_" and "-", e.g. --id order-A-1 (the ID names the run\'s history file).',
      kind: 'usage',
    },
  )
}
