import {describe, expect, it} from 'vitest'

import {startDev} from '../helpers/dev-server.js'

/**
 * A run a reload leaves on its old code (engine/code-pins.ts) keeps that code across a restart
 * of `wippy dev`, even one by `kill -9`: it comes back running (not blocked), still marked in
 * `ps --json`, and goes on to finish on the old code, while a new run takes the new code.
 */

const SUBMIT = '    local _, err = funcs.call("app.reviews:submit", request)'
/** The template with another submit call (a replay of an older run diverges) and a result that says v2. */
const incompatible = (t: string) =>
  t
    .replace(SUBMIT, '    local _, err = funcs.call("app.reviews:submit", request, "v2")')
    .replace(
      'return {order_id = request.order_id, status = status}',
      'return {order_id = request.order_id, status = status .. " (v2)"}',
    )

type Row = {id: string; oldCode?: {forkCommand?: string}; status: string}
const rows = (text: string) => (JSON.parse(text) as {processes: Row[]}).processes

describe('a run on old code across a dev-server restart', () => {
  it('comes back on its old code, not blocked, and finishes on it', async () => {
    // Given an open run that an incompatible reload pins to its old code
    const dev = await startDev()
    await dev.cli(['spawn', 'app.workflows:approval', '{"order_id":"P-1","amount":1}', '--id', 'pinned'])
    await dev.waitForOutput('step pinned #3 ActivityCompleted')
    const mark = dev.output().length
    await dev.editFile('src/workflows/approval.lua', incompatible)
    await dev.waitForOutput(/reload: pinned diverges at event 2/, {from: mark})
    expect(rows((await dev.cli(['ps', '--json'])).stdout).find((r) => r.id === 'pinned')).toMatchObject({
      oldCode: {forkCommand: 'wippy fork pinned --at 1'},
      status: 'running',
    })

    // When the dev server is killed and started again
    await dev.kill()
    const again = await startDev({root: dev.root})

    // Then the run is still on its old code and running, not blocked
    const row = rows((await again.cli(['ps', '--json'])).stdout).find((r) => r.id === 'pinned')
    expect(row).toMatchObject({oldCode: {forkCommand: 'wippy fork pinned --at 1'}, status: 'running'})
    expect(again.output()).not.toMatch(/pinned.*blocked/)

    // And it finishes on the old code, while a new run takes the new one
    const signal = await again.cli(['signal', 'pinned', 'approve', '{"approved":true}'])
    expect(signal.exitCode, signal.stderr).toBe(0)
    await again.waitForOutput('run completed pinned {"order_id":"P-1","status":"fulfilled"}')
    await again.cli(['spawn', 'app.workflows:approval', '{"order_id":"N-1","amount":1}', '--id', 'fresh'])
    await again.cli(['signal', 'fresh', 'approve', '{"approved":true}'])
    await again.waitForOutput('run completed fresh {"order_id":"N-1","status":"fulfilled (v2)"}')
  }, 60_000)
})
