/**
 * The run index (`runs.json`, lowdb) is a cache for offline `ps`; the histories stay the
 * source of truth. Closed runs are listed from it; open runs and unindexed runs are read
 * from their files; a damaged index is ignored and rewritten.
 */
import {readFileSync, writeFileSync} from 'node:fs'
import {afterEach, expect, test} from 'vitest'

import {listOfflineRuns} from '../../src/control/offline.js'
import {Engine} from '../../src/engine/engine.js'
import type {TempProject} from '../helpers/project.js'
import {paymentProject} from './payment-project.js'

let project: TempProject | undefined
afterEach(() => project?.remove())

test('offline ps lists closed runs from the index and open runs from their histories', async () => {
  project = paymentProject()
  const engine = await Engine.start({env: {}, root: project.root})
  const done = await engine.spawn({entry: 'app.workflows:steps', input: [2]})
  await engine.wait(done.id)
  const waiting = await engine.spawn({entry: 'app.workflows:approval', input: [{order_id: 'I'}]})
  await engine.close()

  const index = JSON.parse(readFileSync(engine.layout.runIndex, 'utf8')) as {
    runs: Record<string, {status: string; workflowId: string}>
  }
  expect(
    Object.values(index.runs)
      .map((r) => [r.workflowId, r.status])
      .sort(),
  ).toEqual(
    [
      [done.id, 'completed'],
      [waiting.id, 'running'],
    ].sort(),
  )
  const rows = await listOfflineRuns(project.root, {all: true})
  expect(rows.find((r) => r.id === done.id)).toMatchObject({status: 'completed'})
  expect(rows.find((r) => r.id === waiting.id)).toMatchObject({
    status: 'running',
    waiting: 'waiting for a signal (engine stopped)',
  })

  // A damaged index is only a cache: the listing falls back to the histories.
  writeFileSync(engine.layout.runIndex, '{"format": 1, "runs": {')
  const again = await listOfflineRuns(project.root, {all: true})
  expect(again.map((r) => r.id).sort()).toEqual([done.id, waiting.id].sort())
})
