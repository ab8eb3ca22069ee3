/**
 * Keys in the connected TUI on the REAL engine: chunks of keys (a paste, fast typing, tmux
 * `send-keys -l`), `?` as a toggle, Home/End/g/G, a new filter on `/`, Ctrl-C in every prompt,
 * and the confirmations before cancel and terminate.
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

async function start(): Promise<{engine: Engine; quits: number[]; term: Terminal}> {
  const project = paymentProject()
  cleanups.push(() => project.remove())
  const engine = await Engine.start({env: {}, root: project.root})
  cleanups.push(() => engine.close())
  const quits: number[] = []
  const term = renderInTerminal(
    <DevApp engine={engine} header={{}} onQuit={async () => void quits.push(Date.now())} />,
    {columns: 120, rows: 30},
  )
  cleanups.push(() => term.unmount())
  return {engine, quits, term}
}

/** The ID on the selected row of the list. */
function selectedId(frame: string): string | undefined {
  return /› \S (\S+)/.exec(frame)?.[1]
}

async function spawnApprovals(engine: Engine, n: number): Promise<string[]> {
  const ids: string[] = []
  for (let i = 0; i < n; i++)
    ids.push((await engine.spawn({entry: 'app.workflows:approval', input: [{order_id: `K-${i}`}]})).id)
  return ids
}

describe('keys that arrive together', () => {
  test('"jjj" in one read moves three rows; G/g and End/Home jump to the last and first row', async () => {
    const {engine, term} = await start()
    await spawnApprovals(engine, 5)
    await term.waitFor('RUNS 5 of 5')
    const rowIds = (): string[] => [...term.frame().matchAll(/^[› ] ● (\S+)/gm)].map((m) => m[1]!)
    const order = rowIds()
    expect(order).toHaveLength(5)
    expect(selectedId(term.frame())).toBe(order[0])

    await term.press('jjj')
    await term.waitFor(`› ● ${order[3]}`)
    await term.press('G')
    await term.waitFor(`› ● ${order[4]}`)
    await term.press('g')
    await term.waitFor(`› ● ${order[0]}`)
    await term.press('\u001B[F')
    await term.waitFor(`› ● ${order[4]}`)
    await term.press('\u001B[H')
    await term.waitFor(`› ● ${order[0]}`)
  })

  test('"/approval" + Enter in one read filters and applies; the next / starts a new filter; the cursor keeps its row after clearing', async () => {
    const {engine, term} = await start()
    const [approval] = await spawnApprovals(engine, 1)
    const pay = await engine.spawn({entry: 'app.workflows:payment', input: [{amount: 3}]})
    await term.waitFor('RUNS 2 of 2')

    await term.press('/approval\r')
    // Enter closed the filter prompt: it did not become a space in the filter
    const filtered = await term.waitFor(
      (f) => f.includes('RUNS 1 of 2 · filter /approval') && !f.includes('enter apply'),
    )
    expect(filtered).toContain(`› ● ${approval}`)
    expect(filtered).not.toContain(pay.id)

    // Clearing the filter keeps the cursor on the run it showed (not row 1, the newer payment)
    await term.press('/', KEYS.escape)
    await term.waitFor('RUNS 2 of 2')
    expect(selectedId(term.frame())).toBe(approval)

    // A new / replaces the filter instead of appending to it
    await term.press('/approval\r')
    await term.waitFor((f) => f.includes('RUNS 1 of 2 · filter /approval') && !f.includes('enter apply'))
    await term.press('/', 'pay')
    await term.waitFor(/filter \/pay$/m)
    await term.press('j')
    await term.waitFor(/filter \/payj$/m)
    await term.press('\u007F')
    await term.waitFor(/filter \/pay$/m)
    expect(term.frame()).not.toContain('/approvalpay')
    await term.press(KEYS.enter)
    await term.waitFor(`› ● ${pay.id}`)
    await term.press('/', KEYS.escape)
    await term.waitFor('RUNS 2 of 2')
    expect(selectedId(term.frame())).toBe(pay.id)
  })

  test('a topic, Enter, a payload and Enter typed in one read send the signal', async () => {
    const {engine, term} = await start()
    const [id] = await spawnApprovals(engine, 1)
    await term.waitFor('waiting for a signal')
    await term.press('s')
    await term.press('approve\r{"approved":true}\r')
    await term.waitFor(`signal approve sent to ${id}`)
    expect((await engine.wait(id!)).result).toMatchObject({status: 'approved'})
  })
})

describe('pastes', () => {
  test('a long payload pasted in one read lands whole and at once (not one redraw per character)', async () => {
    const {engine, term} = await start()
    const [id] = await spawnApprovals(engine, 1)
    await term.waitFor('waiting for a signal')
    await term.press('s', 'approve\r')
    const note = 'x'.repeat(3000)
    const t0 = performance.now()
    await term.press(`${JSON.stringify({approved: true, note})}\r`)
    await term.waitFor(`signal approve sent to ${id}`)
    expect(performance.now() - t0).toBeLessThan(1500)
    const signal = (await engine.history(id!)).events.find((e) => e.type === 'SignalReceived')
    expect(signal).toMatchObject({payload: [{approved: true, note}], topic: 'approve'})
  })
})

describe('help and prompts are never a trap', () => {
  test('? opens the help and ? again closes it; Esc always goes back; the footer does not point to ? while it is open', async () => {
    const {engine, term} = await start()
    await spawnApprovals(engine, 1)
    await term.waitFor('RUNS 1 of 1')
    expect(term.frame()).toContain('Press ? for the keys.')
    await term.press('?')
    const help = await term.waitFor('KEYS')
    expect(help).not.toContain('Press ? for the keys.')
    await term.press('?')
    await term.waitFor('RUNS 1 of 1')
    // From the timeline: ? ? and Esc each come back to where help was opened
    await term.press(KEYS.enter)
    await term.waitFor('TIMELINE')
    await term.press('?', '?')
    await term.waitFor('TIMELINE')
    await term.press('?')
    await term.waitFor('KEYS')
    await term.press(KEYS.escape)
    await term.waitFor('TIMELINE')
    await term.press(KEYS.escape)
    await term.waitFor('RUNS 1 of 1')
  })

  test('Ctrl-C closes the signal prompt, the filter and a confirmation; outside a prompt it quits', async () => {
    const {engine, quits, term} = await start()
    const [id] = await spawnApprovals(engine, 1)
    await term.waitFor('waiting for a signal')

    await term.press('s', 'appr')
    await term.waitFor(`Send a signal to ${id}`)
    await term.press('\u0003')
    await term.waitFor((frame: string) => !frame.includes('Send a signal'))
    await term.press('/', 'zz')
    await term.waitFor('filter /zz')
    await term.press('\u0003')
    await term.waitFor('RUNS 1 of 1')
    expect(term.frame()).not.toContain('/zz')
    await term.press('c')
    await term.waitFor(`Cancel ${id}?`)
    await term.press('\u0003')
    await term.waitFor(`Kept ${id} running`)
    expect(quits).toHaveLength(0)
    expect((await engine.history(id!)).events.map((e) => e.type)).not.toContain('CancelRequested')

    await term.press('\u0003')
    await term.waitFor('Stopped')
    expect(quits).toHaveLength(1)
  })

  test('x terminates after a confirmation, with the reason typed there', async () => {
    const {engine, term} = await start()
    const [id] = await spawnApprovals(engine, 1)
    await term.waitFor('waiting for a signal')
    await term.press('x')
    await term.waitFor(`Terminate ${id} now?`)
    await term.press('stale test run', KEYS.enter)
    await term.waitFor(`terminated ${id}: stale test run`)
    expect((await engine.wait(id!)).status).toBe('terminated')
    // A closed run: the footer no longer offers the keys that act on open runs
    await term.waitFor(new RegExp(`${id} .*terminated`))
    expect(term.frame()).not.toMatch(/c cancel|x terminate|t skip/)
  })
})
