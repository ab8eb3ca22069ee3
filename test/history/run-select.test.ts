/** `--run-id` among a reused workflow ID's runs: exact, a unique prefix, or an error that lists them. */
import {describe, expect, it} from 'vitest'

import {WippyError} from '../../src/errors.js'
import {runIdOfKey} from '../../src/history/run-names.js'
import {selectRunById} from '../../src/history/run-select.js'

const runs = ['aa01', 'aa02', 'b003', 'c004', 'd005', 'e006', 'f007'].map((id) => ({
  runKey: `order-1~${id}`,
  workflowId: 'order-1',
}))

function failure(runId: string): WippyError {
  try {
    selectRunById(runs, runId)
  } catch (error) {
    return error as WippyError
  }
  throw new Error(`${runId} was found`)
}

describe('selectRunById', () => {
  it('finds a run by its run ID or a unique prefix', () => {
    expect(selectRunById(runs, 'aa02').runKey).toBe('order-1~aa02')
    expect(selectRunById(runs, 'b').runKey).toBe('order-1~b003')
    expect(runIdOfKey('order-1~aa02')).toBe('aa02')
    expect(runIdOfKey('order-1')).toBeUndefined()
  })

  it('refuses an ambiguous prefix', () => {
    expect(failure('aa').code).toBe('WIPPY_PID_AMBIGUOUS')
  })

  it('lists at most five runs, newest first, for an unknown run ID', () => {
    const unknown = failure('zz')
    expect(unknown.code).toBe('WIPPY_PID_UNKNOWN')
    expect(unknown.message).toBe(
      'Workflow order-1 has no run "zz"; its runs (newest first): f007, e006, d005, c004, b003 and 2 more.',
    )
    expect(unknown.hint).toContain('--run-id')
  })
})
