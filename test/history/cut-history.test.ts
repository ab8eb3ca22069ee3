/**
 * A history cut short in the middle (reliability finding 3: "truncated mid-file at 300 bytes
 * silently accepted as a torn last line"). The cut leaves a tail that looks exactly like a torn
 * append, so the bytes alone cannot tell; what can: the run index remembers the history length
 * at which a run was last evicted idle (every event up to it was acknowledged). Recovery says
 * loudly which acknowledged events are gone, and keeps the dropped bytes. Real engine, real files.
 */
import {readFile, readdir, writeFile} from 'node:fs/promises'
import {join} from 'node:path'
import {afterEach, describe, expect, it} from 'vitest'

import {Engine} from '../../src/engine/engine.js'
import {stateLayout} from '../../src/engine/state-dir.js'
import type {TempProject} from '../helpers/project.js'
import {paymentProject} from '../engine/payment-project.js'

let project: TempProject | undefined
afterEach(() => project?.remove())

async function waitFor(cond: () => boolean, ms = 10_000): Promise<void> {
  for (const t = Date.now(); !cond();) {
    if (Date.now() - t > ms) throw new Error('timed out')
    await new Promise((r) => setTimeout(r, 10))
  }
}

describe('a history cut in the middle', () => {
  it('is reported with the acknowledged events it lost, and the dropped bytes are kept', async () => {
    // Given a run that slept and was evicted idle (its length is in the run index)
    project = paymentProject()
    const first = await Engine.start({env: {}, idleEvictMs: 20, root: project.root})
    const {id} = await first.spawn({entry: 'app.workflows:payment', input: [{amount: 3}]})
    await waitFor(() => first.ps().some((r) => r.id === id && !r.loaded && r.waiting?.startsWith('sleeping') === true))
    await first.close()
    const dir = stateLayout(project.root).histories
    const [name] = (await readdir(dir)).filter((n) => n.endsWith('.jsonl'))
    const file = join(dir, name!)
    const bytes = await readFile(file)
    const lines = bytes.toString('latin1').split('\n').length - 1
    expect(lines).toBeGreaterThanOrEqual(4)

    // When the file is cut in the middle of its second line
    const secondLine = bytes.indexOf(0x0a) + 1
    const cut = secondLine + 25
    await writeFile(file, bytes.subarray(0, cut))

    // Then the engine still starts, and says which acknowledged events are gone
    const second = await Engine.start({env: {}, root: project.root})
    try {
      const [report] = second.recovery!.tornTails
      expect(report).toContain(`dropped 25 bytes of a torn last line at byte ${secondLine}`)
      expect(report).toContain(`events 2..${lines} were acknowledged before and are gone (the file was cut)`)
      // And the dropped bytes are kept beside the file
      const kept = report!.match(/kept in (\S+)\)/)![1]!
      expect((await readFile(kept)).equals(bytes.subarray(secondLine, cut))).toBe(true)
    } finally {
      await second.close()
    }
  })
})
