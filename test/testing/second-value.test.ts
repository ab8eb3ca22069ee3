import {describe, expect, it} from 'vitest'

import {renderSummary} from '../../src/testing/reporters.js'
import {failureOf} from '../../src/testing/run-tests.js'

/**
 * Wippy's function convention is `return value, err`: a test that ends `return ok, "got " .. status`
 * fails even when ok is true, because its second value is an error. The failure says so.
 */
describe('a test that returns a second value', () => {
  it('fails, and the summary says why', () => {
    const failure = failureOf({error: {message: 'got settled'}})!
    expect(failure).toEqual({message: 'got settled', reason: 'returned'})
    const text = renderSummary({
      durationMs: 5,
      failed: 1,
      notRun: [],
      passed: 0,
      skipped: 0,
      tests: [{durationMs: 1, failure, id: 'app.tests:t', status: 'failed', suite: 'x'}],
    })
    expect(text).toContain(
      '    returned: got settled\n    (the test returned this text as its second value, the error: any second value fails a test, even after true; return only true to pass)\n',
    )
  })

  it('does not add the note to a returned false or nil, or a Wippy error with a kind', () => {
    for (const failure of [failureOf({value: false})!, failureOf({error: {kind: 'Invalid', message: 'bad'}})!]) {
      const text = renderSummary({
        durationMs: 5,
        failed: 1,
        notRun: [],
        passed: 0,
        skipped: 0,
        tests: [{durationMs: 1, failure, id: 'app.tests:t', status: 'failed', suite: 'x'}],
      })
      expect(text).not.toContain('second value')
    }
  })
})
