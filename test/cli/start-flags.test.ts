import {describe, expect, it} from 'vitest'

import {checkStartId, parseStartFlags} from '../../src/cli/start-flags.js'

/** `wippy spawn`'s --message/--context/--option as the engine receives them (a Lua spawner's options). */
describe('spawn start flags', () => {
  it('reads messages as topic=JSON, context and options as key=JSON-or-text', () => {
    expect(
      parseStartFlags({
        context: ['tenant=acme', 'n=3', 'deep={"a":[1]}', 'eq=a=b'],
        message: ['approve={"approved":true}', 'nudge', 'say="hi"'],
        option: ['temporal.workflow.id=order-7', 'workflow.id_conflict_policy=fail'],
      }),
    ).toEqual({
      context: {deep: {a: [1]}, eq: 'a=b', n: 3, tenant: 'acme'},
      messages: [
        {payload: [{approved: true}], topic: 'approve'},
        {payload: [], topic: 'nudge'},
        {payload: ['hi'], topic: 'say'},
      ],
      notApplied: [],
      options: {'temporal.workflow.id': 'order-7', 'temporal.workflow.id_conflict_policy': 'fail'},
    })
    expect(parseStartFlags({})).toEqual({notApplied: []})
  })

  it('refuses what it cannot read, with the flag and a hint', () => {
    expect(() => parseStartFlags({message: ['approve={oops']})).toThrow(
      expect.objectContaining({code: 'WIPPY_JSON_INVALID', message: expect.stringContaining('--message approve')}),
    )
    expect(() => parseStartFlags({message: ['={}']})).toThrow(expect.objectContaining({code: 'WIPPY_USAGE'}))
    expect(() => parseStartFlags({context: ['=x']})).toThrow(expect.objectContaining({code: 'WIPPY_USAGE'}))
    expect(() => parseStartFlags({option: ['temporal.workflow.idd=x']})).toThrow(
      expect.objectContaining({
        code: 'WIPPY_START_OPTION_UNKNOWN',
        details: expect.objectContaining({suggestion: 'temporal.workflow.id'}),
      }),
    )
    expect(() => parseStartFlags({option: ['name=x']})).toThrow(
      expect.objectContaining({code: 'WIPPY_START_OPTION_UNKNOWN'}),
    )
  })

  it('lets platform keys the dev server does not apply through, and says which', () => {
    expect(parseStartFlags({option: ['temporal.workflow.cron_schedule=@daily', 'workflow.summary=nightly']})).toEqual({
      notApplied: ['temporal.workflow.cron_schedule', 'workflow.summary'],
      options: {'temporal.workflow.cron_schedule': '@daily', 'temporal.workflow.static_summary': 'nightly'},
    })
  })

  it('takes the workflow ID from --option or --id, once', () => {
    const byOption = parseStartFlags({option: ['temporal.workflow.id=order-7']})
    expect(() => checkStartId(byOption, undefined)).not.toThrow()
    expect(() => checkStartId(byOption, 'order-7')).not.toThrow()
    expect(() => checkStartId(byOption, 'order-8')).toThrow(expect.objectContaining({code: 'WIPPY_USAGE'}))
    expect(() => checkStartId(parseStartFlags({option: ['temporal.workflow.id=42']}), undefined)).toThrow(
      'must be a non-empty string',
    )
    expect(() => checkStartId(parseStartFlags({option: ['temporal.workflow.id=../x']}), undefined)).toThrow(
      expect.objectContaining({code: 'WIPPY_WORKFLOW_ID_INVALID'}),
    )
  })
})
