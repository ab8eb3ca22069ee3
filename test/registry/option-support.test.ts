/** The option names the engine's runtime warnings, `spawn --option` and lint all read. */
import {describe, expect, it} from 'vitest'

import {startOptionName, UNIMPLEMENTED_START_OPTIONS} from '../../src/registry/option-support.js'

describe('startOptionName', () => {
  it('strips the workflow. prefix and its temporal. alias; other keys are no start options', () => {
    expect(startOptionName('workflow.cron_schedule')).toBe('cron_schedule')
    expect(startOptionName('temporal.workflow.run_timeout')).toBe('run_timeout')
    expect(startOptionName('activity.heartbeat_timeout')).toBeUndefined()
    expect(startOptionName('name')).toBeUndefined()
  })

  it('reads the legacy static_summary / static_details as summary / details, so both are warned', () => {
    expect(startOptionName('temporal.workflow.static_summary')).toBe('summary')
    expect(startOptionName('temporal.workflow.static_details')).toBe('details')
    expect(UNIMPLEMENTED_START_OPTIONS).toEqual(expect.arrayContaining(['summary', 'details']))
  })
})
