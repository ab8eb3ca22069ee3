/**
 * A history damaged while `wippy dev` runs (edited or rotted while its run was evicted idle):
 * the next touch quarantines the run like recovery at start would — a coded error, a
 * `damaged` row — and repair through the engine lets it go on. Real engine, real files.
 */
import {readFile, readdir, writeFile} from 'node:fs/promises'
import {join} from 'node:path'
import {afterEach, describe, expect, it} from 'vitest'

import {Engine} from '../../src/engine/engine.js'
import {stateLayout} from '../../src/engine/state-dir.js'
import {rm} from 'node:fs/promises'

import {makeProject} from '../helpers/dev-server.js'

let root: string | undefined
let engine: Engine | undefined
afterEach(async () => {
  await engine?.close()
  engine = undefined
  if (root) await rm(root, {force: true, recursive: true})
})

async function waitFor(cond: () => boolean, ms = 10_000): Promise<void> {
  for (const t = Date.now(); !cond();) {
    if (Date.now() - t > ms) throw new Error('timed out')
    await new Promise((r) => setTimeout(r, 10))
  }
}

describe('a history damaged while the engine runs', () => {
  it("is shown as quarantined when an evicted run's history is read again", async () => {
    root = await makeProject('templates/approval')
    engine = await Engine.start({env: {}, idleEvictMs: 20, root})
    const {id} = await engine.spawn({entry: 'app.workflows:approval', input: [{amount: 1, order_id: 'o-1'}]})
    await waitFor(() => engine!.ps().some((r) => r.id === id && !r.loaded && r.waiting === 'waiting for a signal'))
    const dir = stateLayout(root).histories
    const [name] = (await readdir(dir)).filter((n) => n.endsWith('.jsonl'))
    await writeFile(join(dir, name!), '')
    // When its history is asked for, it is the quarantined view, not an error
    expect(await engine.history(id)).toMatchObject({
      damage: {goodEvents: 0, reason: 'the file is empty (0 bytes)'},
      events: [],
      status: 'damaged',
    })
    expect(engine.ps().find((r) => r.id === id)?.status).toBe('damaged')
  })

  it('quarantines the run on its next delivery, and repair lets it go on', async () => {
    root = await makeProject('templates/approval')
    engine = await Engine.start({env: {}, idleEvictMs: 20, root})
    const {id} = await engine.spawn({entry: 'app.workflows:approval', input: [{amount: 1, order_id: 'o-1'}]})
    await waitFor(() => engine!.ps().some((r) => r.id === id && !r.loaded && r.waiting === 'waiting for a signal'))
    // Given its file damaged in the middle (line 2) while it is evicted
    const dir = stateLayout(root).histories
    const [name] = (await readdir(dir)).filter((n) => n.endsWith('.jsonl'))
    const bytes = await readFile(join(dir, name!))
    const damaged = Buffer.from(bytes)
    damaged[bytes.indexOf(0x0a) + 10]! ^= 0x01
    await writeFile(join(dir, name!), damaged)

    // When a signal arrives, it is refused with a code and the way out
    await expect(engine.signal(id, 'approve', [{approved: true}])).rejects.toMatchObject({
      code: 'WIPPY_RUN_DAMAGED',
      hint: expect.stringContaining(`wippy history repair ${id}`),
    })
    // And the run is listed as damaged, with the good prefix in its history
    expect(engine.ps().find((r) => r.id === id)).toMatchObject({
      problem: expect.stringContaining('damaged at line 2'),
      status: 'damaged',
    })
    expect(await engine.history(id)).toMatchObject({damage: {goodEvents: 1, line: 2}, status: 'damaged', total: 1})

    // When it is repaired, the run goes on from its last good event and takes the signal
    const repaired = await engine.repair(id)
    expect(repaired).toMatchObject({keptEvents: 1, removed: false})
    expect((await readFile(repaired.keptAs)).equals(damaged)).toBe(true)
    await waitFor(() => engine!.ps().some((r) => r.id === id && r.waiting === 'waiting for a signal'))
    await engine.signal(id, 'approve', [{approved: true}])
    expect((await engine.wait(id)).status).toBe('completed')
  })
})
