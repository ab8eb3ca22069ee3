/**
 * Cancelling the templates' waiting workflows, end to end: `wippy init` scaffolds the
 * template, the built CLI runs `wippy dev` on it, and a second process spawns, cancels and
 * inspects. A cancel reaches the Lua as a CANCEL event on `process.events()`; the templates
 * select on it next to their wait, so the run ends at once with a "cancelled" result
 * (ux-review finding 6: before, the approval kept waiting and the payment kept sleeping 24 h).
 * Needs `npm run build` first.
 */
import {join} from 'node:path'
import {describe, expect, it, onTestFinished} from 'vitest'

import {runCli} from '../helpers/cli.js'
import {type DevServer, startDev} from '../helpers/dev-server.js'
import {tempDir} from './helpers.js'

/** Generous for a loaded 2-core machine; a run that ignores the cancel never ends at all. */
const PROMPT_MS = 5000

async function devOn(template: string): Promise<DevServer> {
  const work = await tempDir()
  const init = await runCli(['init', template, '--template', template, '--no-install'], {cwd: work.dir})
  expect(init.exitCode, init.stderr).toBe(0)
  const dev = await startDev({args: ['--no-watch'], root: join(work.dir, template)})
  // startDev removes only the projects it made itself: stop the server, then remove ours.
  onTestFinished(async () => {
    await dev.kill()
    await work.cleanup()
  })
  return dev
}

interface View {
  events: Array<{entry?: string; result?: unknown; type: string}>
  status: string
}

/** Cancels `id` and returns its history once the dev server reports it closed, with how long that took. */
async function cancelAndInspect(dev: DevServer, id: string): Promise<{ms: number; view: View}> {
  const from = dev.output().length
  const t0 = Date.now()
  const cancel = await dev.cli(['cancel', id])
  expect(cancel.exitCode, cancel.stderr).toBe(0)
  await dev.waitForOutput(`run completed ${id}`, {from, timeoutMs: PROMPT_MS})
  const ms = Date.now() - t0
  const inspect = await dev.cli(['history', 'inspect', id, '--json'])
  expect(inspect.exitCode, inspect.stderr).toBe(0)
  return {ms, view: JSON.parse(inspect.stdout) as View}
}

describe('cancelling a template workflow while it waits', () => {
  it('approval: a cancel ends the wait for a signal with a cancelled result', async () => {
    const dev = await devOn('approval')
    await dev.cli(['spawn', 'app.workflows:approval', '{"order_id":"C-1","amount":5}', '--id', 'ap-c'])
    await dev.waitForOutput('step ap-c #3 ActivityCompleted')

    const {ms, view} = await cancelAndInspect(dev, 'ap-c')

    expect(view.status).toBe('completed')
    expect(view.events.map((e) => e.type)).toEqual([
      'WorkflowStarted',
      'ActivityScheduled',
      'ActivityCompleted',
      'CancelRequested',
      'WorkflowCompleted',
    ])
    expect(view.events.at(-1)?.result).toEqual({order_id: 'C-1', status: 'cancelled'})
    expect(ms).toBeLessThan(PROMPT_MS)
    // And ps no longer lists it as waiting
    const ps = JSON.parse((await dev.cli(['ps', '--all', '--json'])).stdout) as {
      processes: Array<{id: string; status: string; waiting?: string}>
    }
    expect(ps.processes.find((p) => p.id === 'ap-c')).toMatchObject({status: 'completed'})
  }, 40_000)

  it("orders: a cancel interrupts the payment's 24h timer and refunds; the approval ends too; the timer still settles", async () => {
    const dev = await devOn('orders')

    // Given a payment sleeping for settlement
    await dev.cli(['spawn', 'app.workflows:payment', '{"id":"P-9","amount":9}', '--id', 'pay-c'])
    await dev.waitForOutput('step pay-c #4 TimerStarted 24h')
    const ps = JSON.parse((await dev.cli(['ps', '--json'])).stdout) as {
      processes: Array<{id: string; waiting?: string}>
    }
    expect(ps.processes.find((p) => p.id === 'pay-c')?.waiting).toMatch(/^sleeping/)

    // When it is cancelled, then it refunds the charge at once and ends cancelled
    const pay = await cancelAndInspect(dev, 'pay-c')
    expect(pay.view.events.map((e) => e.type)).toEqual([
      'WorkflowStarted',
      'ActivityScheduled',
      'ActivityCompleted',
      'TimerStarted',
      'CancelRequested',
      'ActivityScheduled',
      'ActivityCompleted',
      'WorkflowCompleted',
    ])
    expect(pay.view.events[5]?.entry).toBe('app.payments:refund')
    expect(pay.view.events.at(-1)?.result).toEqual({charge_id: 'ch-P-9', status: 'cancelled'})
    expect(pay.ms).toBeLessThan(PROMPT_MS)

    // The orders approval handles a cancel the same way
    await dev.cli(['spawn', 'app.workflows:approval', '{"order_id":"C-2","amount":5}', '--id', 'ap-o'])
    await dev.waitForOutput('step ap-o #3 ActivityCompleted')
    const approval = await cancelAndInspect(dev, 'ap-o')
    expect(approval.view.events.at(-1)?.result).toEqual({order_id: 'C-2', status: 'cancelled'})

    // And a payment nobody cancels still settles when its timer fires
    await dev.cli(['spawn', 'app.workflows:payment', '{"id":"P-10","amount":10}', '--id', 'pay-s'])
    await dev.waitForOutput('step pay-s #4 TimerStarted 24h')
    const skip = await dev.cli(['time', 'skip', 'pay-s', '--to-next-timer'])
    expect(skip.exitCode, skip.stderr).toBe(0)
    await dev.waitForOutput('run completed pay-s {"charge_id":"ch-P-10","status":"settled"}')
  }, 60_000)
})
