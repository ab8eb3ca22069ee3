/**
 * Forking from the TUI on the REAL engine after an incompatible edit: the run a reload left on
 * its old code is marked, `f` on its row forks it at the event the reload names, `f` in the
 * replay view forks before the divergence (not at it), and a fork's timeline has no negative
 * offsets although its copied events are older than its WorkflowStarted.
 */
import {readFileSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {afterEach, expect, test} from 'vitest'

import {Engine} from '../../src/engine/engine.js'
import {DevApp} from '../../src/tui/DevApp.js'
import {paymentProject} from '../engine/payment-project.js'
import {KEYS, renderInTerminal} from './harness.js'

const cleanups: Array<() => Promise<void> | void> = []
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c()
})

test('a run kept on old code is marked; f on its row and f in the replay view fork before the divergence', async () => {
  const project = paymentProject()
  cleanups.push(() => project.remove())
  const engine = await Engine.start({env: {}, root: project.root})
  cleanups.push(() => engine.close())
  const term = renderInTerminal(<DevApp engine={engine} header={{}} onQuit={async () => {}} />, {
    columns: 120,
    rows: 30,
  })
  cleanups.push(() => term.unmount())

  // Given a payment sleeping after its charge (events 1-4)
  const run = await engine.spawn({entry: 'app.workflows:payment', input: [{amount: 7}]})
  await term.waitFor(new RegExp(`● ${run.id} .*sleeping`))
  await new Promise((r) => setTimeout(r, 30))

  // When its code changes so that event 2 differs, and the reload keeps it on the old code
  const lua = join(project.root, 'src/workflows/payment.lua')
  writeFileSync(
    lua,
    readFileSync(lua, 'utf8').replace(
      'funcs.call("app.api:charge_card", payment)',
      'funcs.call("app.api:refund", "early")',
    ),
  )
  const report = await engine.applyRegistry()
  expect(report.workflows).toMatchObject([{compatible: false, forkCommand: `wippy fork ${run.id} --at 1`}])

  // Then the reload note leads with the fork command, and the row is marked
  await term.waitFor(new RegExp(`${run.id} .*old code · sleeping`))
  // (The row and the log line arrive in separate throttled feed flushes: wait for the log too.)
  const note = new RegExp(
    `reload: ${run.id} stays on its old code · restart it on the new code: wippy fork ${run.id} --at 1`,
  )
  await term.waitFor(() => note.test(term.logs()))
  expect(term.logs()).toMatch(note)
  expect(term.frame()).toMatch(/f fork/)

  // When f is pressed on its row: it forks at the event the reload named
  await term.press('f')
  const forked = await term.waitFor(new RegExp(`forked ${run.id} at event 1 → (wf-\\S+)`))
  const forkId = new RegExp(`forked ${run.id} at event 1 → (wf-\\S+)`).exec(forked)![1]!
  await term.waitFor(`TIMELINE ${forkId}`)

  // When the old run is replay-checked: the cursor lands on the divergence (event 2)
  await term.press(KEYS.escape)
  await term.waitFor('RUNS')
  const rows = term.frame()
  if (!rows.includes(`› ● ${run.id}`)) await term.press('j')
  await term.waitFor(`› ● ${run.id}`)
  await term.press('r')
  await term.waitFor(`REPLAY ${run.id} · ✗ diverges at event 2`)
  await term.waitFor(/› ✗ #2/)
  expect(term.frame()).toContain('f: fork at event 1 (before it)')
  // And f forks before it, at event 1, not at the diverging event
  await term.press('f')
  await term.waitFor(new RegExp(`forked ${run.id} at event 1 → `))
  expect(term.logs()).not.toMatch(/forked .* at event 2/)
})

test('a fork copies older events after its own WorkflowStarted: the timeline shows no negative offset', async () => {
  const project = paymentProject()
  cleanups.push(() => project.remove())
  const engine = await Engine.start({env: {}, root: project.root})
  cleanups.push(() => engine.close())
  const term = renderInTerminal(<DevApp engine={engine} header={{}} onQuit={async () => {}} />, {
    columns: 120,
    rows: 30,
  })
  cleanups.push(() => term.unmount())

  const run = await engine.spawn({entry: 'app.workflows:payment', input: [{amount: 7}]})
  await term.waitFor(new RegExp(`● ${run.id} .*sleeping`))
  // (the fork starts measurably later than the events it copies)
  await new Promise((r) => setTimeout(r, 50))
  await term.press(KEYS.enter)
  await term.waitFor('TimerStarted')
  await term.press('k')
  await term.waitFor(/› #3 /)
  await term.press('f')
  const line = await term.waitFor(new RegExp(`forked ${run.id} at event 3 → (wf-\\S+)`))
  const forkId = new RegExp(`→ (wf-\\S+)`).exec(line)![1]!
  const timeline = await term.waitFor(new RegExp(`TIMELINE ${forkId}[\\s\\S]*#3 `))
  // The root cause: the copied events keep their times, before the fork's start
  const events = (await engine.history(forkId)).events
  expect(events[1]!.ts).toBeLessThan(events[0]!.ts)
  // The timeline clamps them to the origin
  expect(timeline).not.toMatch(/\+-/)
  expect(timeline).toMatch(/#2 +\+0ms +ActivityScheduled/)
})
