/**
 * The connected TUI on the REAL engine (real Lua VM, real history files in a temp project):
 * a run appears, its timeline opens and follows live, a signal typed into the prompt
 * completes it, time skip, cancel, replay check, fork, filter, resize and a clean quit.
 */
import {afterEach, describe, expect, test} from 'vitest'

import {Engine} from '../../src/engine/engine.js'
import {DevApp} from '../../src/tui/DevApp.js'
import {paymentProject} from '../engine/payment-project.js'
import {KEYS, type Terminal, renderInTerminal} from './harness.js'

const cleanups: Array<() => Promise<void> | void> = []
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c()
})

async function start(size?: {
  columns: number
  rows: number
}): Promise<{engine: Engine; quits: number[]; term: Terminal}> {
  const project = paymentProject()
  cleanups.push(() => project.remove())
  const engine = await Engine.start({env: {}, root: project.root})
  let closed = false
  cleanups.push(() => (closed ? undefined : engine.close()))
  const quits: number[] = []
  const onQuit = async (): Promise<void> => {
    quits.push(Date.now())
    closed = true
    await engine.close()
  }
  const term = renderInTerminal(
    <DevApp engine={engine} header={{controlAddress: '/tmp/ctl.sock', watching: false}} onQuit={onQuit} />,
    size,
  )
  cleanups.push(() => term.unmount())
  return {engine, quits, term}
}

describe('the dev TUI on a real engine', () => {
  test('a spawned approval appears, its timeline follows live, and a signal from the prompt completes it', async () => {
    // Given the TUI on an engine with no runs
    const {engine, term} = await start()
    await term.waitFor('No runs yet')
    expect(term.frame()).toContain('wippy dev · wippy-test-')

    // When an approval is spawned (as `wippy spawn` would through the control channel)
    const {id} = await engine.spawn({entry: 'app.workflows:approval', input: [{order_id: 'A-1'}]})
    // Then it appears, waiting for a signal, and the log pane above printed its start once
    await term.waitFor(new RegExp(`● ${id}.*waiting for a signal`))
    expect(
      term
        .logs()
        .split('\n')
        .filter((l) => l === `run started ${id} app.workflows:approval`),
    ).toHaveLength(1)

    // When its timeline is opened
    await term.press(KEYS.enter)
    await term.waitFor(`TIMELINE ${id}`)
    await term.waitFor('WorkflowStarted')

    // And a signal is typed: a topic, then invalid JSON (shown inline), then fixed
    await term.press('s')
    await term.waitFor(`Send a signal to ${id}`)
    await term.press('@x', KEYS.enter)
    await term.waitFor('is reserved')
    await term.press('\u007F', '\u007F', 'approve', KEYS.enter, '{"approved": tru', KEYS.enter)
    await term.waitFor('not valid JSON')
    await term.press('e}', KEYS.enter)

    // Then it is sent, and the timeline follows the run to its end
    await term.waitFor(`signal approve sent to ${id}`)
    const timeline = await term.waitFor('WorkflowCompleted')
    expect(timeline).toMatch(/SignalReceived +approve \{"approved":true\}/)
    expect((await engine.wait(id)).result).toEqual({by: 'wippy-cli', order: 'A-1', status: 'approved'})

    // And back in the list it shows as completed
    await term.press(KEYS.escape)
    await term.waitFor(new RegExp(`✓ ${id}.*completed`))
  })

  test('t skips a sleeping payment to its timer; r replays it ✓; f forks it at the selected event', async () => {
    const {engine, term} = await start()
    const {id} = await engine.spawn({entry: 'app.workflows:payment', input: [{amount: 11}]})
    await term.waitFor(/sleeping, 2\dh\d+m left|sleeping, 24h left/)
    await term.press('t')
    await term.waitFor(`skipped 24h`)
    await term.waitFor(new RegExp(`✓ ${id}.*completed`))

    await term.press('r')
    await term.waitFor(new RegExp(`REPLAY ${id} · ✓ 9 events match the current code`))

    // Fork at event 3 (after the charge): a new run that sleeps again
    await term.press(KEYS.escape)
    await term.waitFor(`TIMELINE ${id}`)
    for (let i = 0; i < 6; i++) await term.press(KEYS.up)
    await term.waitFor(/› #3 /)
    await term.press('f')
    await term.waitFor(`forked ${id} at event 3`)
    await term.waitFor(/sleeping/)
    expect(engine.ps().filter((r) => r.entry === 'app.workflows:payment')).toHaveLength(1)
  })

  test('c cancels the selected run; / filters the list', async () => {
    const {engine, term} = await start()
    const a = await engine.spawn({entry: 'app.workflows:approval', input: [{order_id: 'A-1'}]})
    const b = await engine.spawn({entry: 'app.workflows:payment', input: [{amount: 5}]})
    await term.waitFor(/RUNS 2 of 2/)

    await term.press('/', 'approval')
    await term.waitFor('RUNS 1 of 2 · filter /approval')
    expect(term.frame()).not.toContain(b.id)
    await term.press(KEYS.enter)

    // c asks first: n keeps the run and records nothing
    await term.press('c')
    await term.waitFor(`Cancel ${a.id}?`)
    await term.press('n')
    await term.waitFor(`Kept ${a.id} running: nothing recorded.`)
    expect((await engine.history(a.pid)).events.map((e) => e.type)).not.toContain('CancelRequested')

    // y delivers a CancelRequested event; the row says so at once (the workflow keeps waiting on its inbox)
    await term.press('c')
    await term.waitFor(`Cancel ${a.id}?`)
    await term.press('y')
    await term.waitFor(`cancel requested for ${a.id}`)
    await term.waitFor(new RegExp(`● ${a.id} .*cancel requested · waiting for a signal`))
    await term.press(KEYS.enter)
    await term.waitFor(/CancelRequested +cancelled from wippy dev/)
    await term.press(KEYS.escape)
  })

  test('fits 80×24 and redraws on resize; q stops the engine through onQuit and exits', async () => {
    const {engine, quits, term} = await start({columns: 80, rows: 24})
    await engine.spawn({entry: 'app.workflows:approval', input: [{order_id: 'A-1'}]})
    await term.waitFor('waiting for a signal')
    const lines = (text: string): string[] => text.split('\n')
    const fits = (text: string, columns: number, rows: number): void => {
      expect(Math.max(...lines(text).map((l) => l.length))).toBeLessThanOrEqual(columns)
      expect(lines(text).length).toBeLessThan(rows)
    }
    fits(term.frame(), 80, 24)

    term.stdout.resize(120, 40)
    await term.waitFor(/wippy dev · .* · control \/tmp\/ctl\.sock/)
    await new Promise((r) => setTimeout(r, 50))
    fits(term.frame(), 120, 40)
    expect(lines(term.frame()).length).toBeGreaterThan(24)

    term.stdout.resize(60, 16)
    await new Promise((r) => setTimeout(r, 50))
    fits(term.frame(), 60, 16)

    await term.press('q')
    await term.waitUntilExit()
    expect(quits).toHaveLength(1)
  })
})

describe('throttling', () => {
  test('a burst of runs is drawn in batches (≤ ~30 frames a second), and the list stays windowed', async () => {
    const {engine, term} = await start({columns: 100, rows: 30})
    await term.waitFor('No runs yet')
    const events = {count: 0}
    const unsubscribe = engine.subscribe(() => events.count++)
    const framesBefore = term.stdout.frames.length
    const t0 = performance.now()
    // 300 workflows spawned as fast as the engine takes them, each emitting several events
    await Promise.all(
      Array.from({length: 300}, (_, i) => engine.spawn({entry: 'app.workflows:steps', input: [1], id: `burst-${i}`})),
    )
    await term.waitFor('RUNS 300 of 300')
    const seconds = (performance.now() - t0) / 1000
    unsubscribe()
    const frames = term.stdout.frames.length - framesBefore
    console.log(`burst: ${events.count} engine events in ${seconds.toFixed(2)} s drew ${frames} frames`)
    expect(events.count).toBeGreaterThan(frames * 5)
    expect(frames / seconds).toBeLessThan(40)
    // Only the rows that fit are drawn
    expect(
      term
        .frame()
        .split('\n')
        .filter((l) => /burst-\d+/.test(l)).length,
    ).toBeLessThanOrEqual(24)
  }, 60_000)
})

describe('quitting', () => {
  test('Ctrl-C stops cleanly like q; a second Ctrl-C while stopping leaves at once', async () => {
    const project = paymentProject()
    cleanups.push(() => project.remove())
    const engine = await Engine.start({env: {}, root: project.root})
    cleanups.push(() => engine.close())
    // Given a stop that hangs (a flush that never ends)
    let release: () => void = () => {}
    const stop = new Promise<void>((r) => (release = r))
    cleanups.push(() => release())
    const forced: string[] = []
    const term = renderInTerminal(
      <DevApp engine={engine} header={{}} onForceQuit={() => forced.push('forced')} onQuit={() => stop} />,
    )
    cleanups.push(() => term.unmount())
    await term.waitFor('No runs yet')
    // When Ctrl-C is pressed, the clean stop starts
    await term.press('\u0003')
    await term.waitFor('Stopping: closing histories…')
    // And a second Ctrl-C leaves without waiting for it
    await term.press('\u0003')
    await term.waitUntilExit()
    expect(forced).toEqual(['forced'])
  })
})
