/**
 * Services in the TUI and in `ps` on the REAL engine, with a real Lua service that crashes
 * and is restarted by its policy (tiny real backoff delays): one row per service however
 * often it crashes (no ghost rows of its ended processes, no age from 1970, no ✗ duplicate),
 * the workflow keys disabled on it, Enter showing its process view, header and list counts
 * that agree, and `ps` reporting its current state and restart count.
 */
import {writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {afterEach, describe, expect, test} from 'vitest'

import {Engine} from '../../src/engine/engine.js'
import {DevApp} from '../../src/tui/DevApp.js'
import {writeProject} from '../helpers/project.js'
import {KEYS, renderInTerminal} from './harness.js'

const cleanups: Array<() => Promise<void> | void> = []
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c()
})

const CRASHING = `local time = require("time")
local function main(beats)
  for i = 1, beats do time.sleep("40ms") end
  error("simulated crash after " .. beats .. " beats")
end
return {main = main}
`
const HEALTHY = `local time = require("time")
local function main(beats)
  local events = process.events()
  while true do
    local tick = time.after("5ms")
    local ready = channel.select({tick:case_receive(), events:case_receive()})
    if ready.channel == events and ready.value.kind == process.event.CANCEL then return 0 end
  end
end
return {main = main}
`

function serviceProject(initialDelay: string) {
  return writeProject({
    'src/svc/_index.yaml': `version: "1.0"
namespace: app.svc
entries:
  - name: heartbeat_proc
    kind: process.lua
    source: file://heartbeat.lua
    method: main
    modules: [time]
  - name: heartbeat
    kind: process.service
    process: app.svc:heartbeat_proc
    host: app:processes
    input: [2]
    lifecycle:
      auto_start: true
      restart: {initial_delay: ${initialDelay}, backoff_factor: 1, max_delay: 10s, max_attempts: 0}
`,
    'src/svc/heartbeat.lua': CRASHING,
  })
}

async function startEngine(initialDelay: string) {
  const project = serviceProject(initialDelay)
  cleanups.push(() => project.remove())
  const engine = await Engine.start({env: {}, root: project.root})
  cleanups.push(() => engine.close())
  return {engine, project}
}

async function until<T>(read: () => T | undefined, timeoutMs = 5000): Promise<T> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const value = read()
    if (value !== undefined) return value
    if (Date.now() > deadline) throw new Error('timed out')
    await new Promise((r) => setTimeout(r, 10))
  }
}

describe('a crashing service in the TUI', () => {
  test('keeps one row; workflow keys are disabled on it; Enter shows its state, restarts and logs', async () => {
    const {engine} = await startEngine('20ms')
    const term = renderInTerminal(<DevApp engine={engine} header={{}} onQuit={async () => {}} />, {
      columns: 120,
      rows: 30,
    })
    cleanups.push(() => term.unmount())
    // When it has crashed and been restarted a few times
    await until(() =>
      (engine.ps({all: true}).find((p) => p.kind === 'service')?.restarts ?? 0) >= 3 ? true : undefined,
    )
    await new Promise((r) => setTimeout(r, 300))
    const frame = term.frame()

    // Then the list has one row for it: no rows of its ended processes, no 20791-day ages, no duplicate
    const rows = frame.split('\n').filter((l) => /^[› ] [●✗○■✓] /.test(l))
    expect(rows).toHaveLength(1)
    expect(rows[0]).toMatch(/app\.svc:heartbeat +app\.svc:heartbeat_proc +service · /)
    expect(frame).not.toMatch(/\d{3,}d/)
    // And the header and the list count the same things
    expect(frame).toContain('0 runs: 0 open, 0 blocked')
    expect(frame).toContain('RUNS 0 of 0 · SERVICES/PROCESSES 1 of 1')
    // And the footer offers only the keys that apply to a service
    const footer = frame.split('\n').at(-1)!
    expect(footer).toContain('enter open')
    expect(footer).not.toMatch(/s signal|t skip|c cancel|r replay|f fork|x terminate/)
    await term.press('t')
    await term.waitFor('That key acts on workflow runs; app.svc:heartbeat is a service (enter shows it).')
    await term.press('r')
    expect(term.frame()).not.toContain('REPLAY')

    // When Enter is pressed on it: its process view, not a history error
    await term.press(KEYS.enter)
    const view = await term.waitFor('SERVICE app.svc:heartbeat')
    expect(view).not.toContain("Can't load the history")
    expect(view).toMatch(/restarts +[1-9]\d*/)
    expect(view).toMatch(/entry +app\.svc:heartbeat_proc/)
    expect(view).toMatch(/RECENT LOGS/)
    await term.waitFor(/simulated crash after 2 beats/)
    await term.press(KEYS.escape)
    await term.waitFor('RUNS 0 of 0')
  })
})

describe('ps and a service that waits to restart', () => {
  test('plain ps lists it while it waits, with its restart count; after the fix it shows what it does now', async () => {
    const {engine, project} = await startEngine('400ms')
    // When it crashed and waits for its restart
    const waiting = await until(() => engine.ps().find((p) => p.kind === 'service' && p.status === 'failed'))
    expect(waiting).toMatchObject({
      id: 'app.svc:heartbeat',
      problem: expect.stringMatching(/simulated crash after 2 beats/),
      waiting: expect.stringMatching(/^restarting in \d+ ms$/),
    })
    // After the restart it runs again: the old crash is not its state
    const again = await until(() =>
      engine.ps().find((p) => p.kind === 'service' && p.status === 'running' && (p.restarts ?? 0) >= 1),
    )
    expect(again.problem).toBeUndefined()

    // When the code is fixed and reloaded
    writeFileSync(join(project.root, 'src/svc/heartbeat.lua'), HEALTHY)
    await engine.applyRegistry()
    const fixed = await until(() => engine.ps().find((p) => p.kind === 'service' && p.status === 'running'))
    await new Promise((r) => setTimeout(r, 100))
    // Then ps shows it running, sleeping, with no stale "simulated crash"
    const now = engine.ps().find((p) => p.kind === 'service')!
    expect(fixed.problem).toBeUndefined()
    expect(now).toMatchObject({status: 'running'})
    expect(now.problem).toBeUndefined()
    expect(now.waiting).toMatch(/sleeping 5 ms|waiting for a message or event/)
    expect(JSON.stringify(engine.ps())).not.toContain('simulated crash')
  })
})
