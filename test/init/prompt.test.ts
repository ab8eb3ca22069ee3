import {PassThrough} from 'node:stream'

import {describe, expect, it} from 'vitest'

import {TEMPLATES} from '../../src/init/catalog.js'
import {pickTemplate, promptTemplate} from '../../src/init/prompt.js'

function streams() {
  const input = new PassThrough()
  const output = new PassThrough()
  let written = ''
  output.on('data', (chunk: Buffer) => {
    written += chunk.toString()
  })
  return {input, output, written: () => written}
}

describe('pickTemplate', () => {
  it('maps Enter, a number or a name to a template and rejects the rest', () => {
    expect(pickTemplate(TEMPLATES, '')).toBe('orders')
    expect(pickTemplate(TEMPLATES, '2')).toBe('approval')
    expect(pickTemplate(TEMPLATES, 'service')).toBe('service')
    expect(pickTemplate(TEMPLATES, '0')).toBeUndefined()
    expect(pickTemplate(TEMPLATES, '4')).toBeUndefined()
    expect(pickTemplate(TEMPLATES, 'ordres')).toBeUndefined()
  })
})

describe('promptTemplate', () => {
  it('lists the templates, asks again after a bad answer, and returns the pick', async () => {
    // Given a prompt over real streams
    const s = streams()
    const answer = promptTemplate(TEMPLATES, s)

    // When the user types a wrong answer, then 3
    s.input.write('nine\n')
    s.input.write('3\n')

    // Then the service template is chosen after one retry
    await expect(answer).resolves.toBe('service')
    expect(s.written()).toContain('1) orders')
    expect(s.written()).toContain('(default)')
    expect(s.written()).toContain('"nine" is not one of the templates above.')
  })

  it('takes the default on Enter', async () => {
    const s = streams()
    const answer = promptTemplate(TEMPLATES, s)
    s.input.write('\n')
    await expect(answer).resolves.toBe('orders')
  })
})

describe('promptTemplate at end of input', () => {
  it('fails with WIPPY_INIT_CANCELLED when input ends before an answer', async () => {
    const s = streams()
    const answer = promptTemplate(TEMPLATES, s)
    s.input.end()
    await expect(answer).rejects.toMatchObject({code: 'WIPPY_INIT_CANCELLED'})
  })
})
