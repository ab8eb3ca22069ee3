import {createInterface} from 'node:readline'

import {WippyError} from '../errors.js'
import type {TemplateInfo} from './catalog.js'

/** Streams the prompt reads from and writes to (a TTY in practice). */
export interface PromptStreams {
  readonly input: NodeJS.ReadableStream
  readonly output: NodeJS.WritableStream
}

/**
 * Asks which template to use: a numbered list, Enter takes the first (the default).
 * Accepts a number or a template name; asks again on anything else. A plain readline
 * prompt rather than an Ink select: it needs no raw mode and works in any terminal.
 */
export async function promptTemplate(templates: readonly TemplateInfo[], streams: PromptStreams): Promise<string> {
  const rl = createInterface({input: streams.input, output: streams.output, terminal: false})
  try {
    streams.output.write('Which template?\n')
    for (const [i, t] of templates.entries()) {
      streams.output.write(`  ${i + 1}) ${t.name.padEnd(10)} ${t.description}${i === 0 ? ' (default)' : ''}\n`)
    }
    // Read through the line iterator (not rl.question) so lines typed ahead are kept.
    const lines = rl[Symbol.asyncIterator]()
    for (;;) {
      streams.output.write(`Template [1-${templates.length}, Enter for ${templates[0]?.name}]: `)
      const next = await lines.next()
      if (next.done) {
        throw new WippyError('WIPPY_INIT_CANCELLED', 'No template was chosen; nothing was created.', {
          hint: 'Run it again and pick a template, or pass --template.',
        })
      }
      const answer = String(next.value).trim()
      const picked = pickTemplate(templates, answer)
      if (picked) return picked
      streams.output.write(`"${answer}" is not one of the templates above.\n`)
    }
  } finally {
    rl.close()
  }
}

/** Maps an answer ('' → the first, '2', or a name) to a template name, or undefined. */
export function pickTemplate(templates: readonly TemplateInfo[], answer: string): string | undefined {
  if (answer === '') return templates[0]?.name
  const index = Number(answer)
  if (Number.isInteger(index) && index >= 1 && index <= templates.length) return templates[index - 1]?.name
  return templates.find((t) => t.name === answer)?.name
}
