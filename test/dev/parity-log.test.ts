/**
 * `wippy dev` logs each Temporal-parity warning once per session: at start, or on the reload
 * that brings it in, never again on reloads of unchanged entries, and never blocking a reload
 * or a run. The built CLI as a real child process (run `npm run build` first).
 */
import {describe, expect, it} from 'vitest'

import {startDev} from '../helpers/dev-server.js'

const LOOSE_YAML = (text: string) =>
  text +
  `
  - name: loose
    kind: workflow.lua
    source: file://loose.lua
    method: main
`
const LOOSE_LUA = 'local function main(input)\n    return {ok = true}\nend\n\nreturn {main = main}\n'

const count = (text: string, needle: string) => text.split(needle).length - 1

describe('wippy dev: Temporal-parity warnings', () => {
  it('logs each once per session, keeps reloading and running', async () => {
    // Given a project with an unbound workflow
    const dev = await startDev({
      files: {'src/workflows/_index.yaml': LOOSE_YAML, 'src/workflows/loose.lua': LOOSE_LUA},
    })
    const unbound = 'Workflow app.workflows:loose has no `meta.temporal.workflow.worker`'
    // Then the start logs it once, with file:line, code and hint
    const start = await dev.waitForOutput(unbound)
    expect(start).toMatch(
      /parity warning: src\/workflows\/_index\.yaml:\d+:5: Workflow app\.workflows:loose has no .*\[WIPPY_PARITY_UNBOUND_WORKFLOW\] \(hint: Bind it to the worker that hosts it: meta\.temporal\.workflow\.worker: app:temporal_worker\.\)/,
    )

    // When unrelated code and the workflow's own file change (no new warning)
    let mark = dev.output().length
    await dev.editFile('src/reviews/reviews.lua', (t) => t + '\n-- edited\n')
    await dev.waitForOutput(/reloaded \+0 ~\d+ -0/, {from: mark})
    mark = dev.output().length
    await dev.editFile('src/workflows/loose.lua', (t) => t + '\n-- edited\n')
    await dev.waitForOutput(/reloaded \+0 ~1 -0 in \d+ ms \(app\.workflows:loose\)/, {from: mark})
    // Then the warning is not repeated
    expect(count(dev.output(), unbound)).toBe(1)

    // When the workflow starts using math.random
    mark = dev.output().length
    await dev.editFile('src/workflows/loose.lua', (t) =>
      t.replace('return {ok = true}', 'return {ok = math.random(6)}'),
    )
    // Then the reload goes through and the new warning is logged once, after it, at the call
    const after = await dev.waitForOutput(/\[WIPPY_PARITY_MATH_RANDOM\]/, {from: mark})
    expect(after).toMatch(/reloaded \+0 ~1 -0[^\n]*\n(?:.*\n)*parity warning: src\/workflows\/loose\.lua:2:18: /)
    expect(count(dev.output(), unbound)).toBe(1)

    // And the warned-about workflow and the others still run
    for (const entry of ['app.workflows:loose', 'app.workflows:approval']) {
      const spawned = await dev.cli(['spawn', entry, '{"order_id":"o-1","amount":1}', '--json'])
      expect(spawned.exitCode, spawned.stderr).toBe(0)
    }
    await dev.waitForOutput(/run completed \S+ \{"ok":\d\}/)

    // When another unrelated reload happens, Then neither warning comes back
    mark = dev.output().length
    await dev.editFile('src/reviews/reviews.lua', (t) => t + '\n-- again\n')
    await dev.waitForOutput(/reloaded \+0 ~\d+ -0/, {from: mark})
    expect(count(dev.output(), '[WIPPY_PARITY_MATH_RANDOM]')).toBe(1)
    expect(count(dev.output(), unbound)).toBe(1)
  })

  it('the orders template logs none, and its parent workflow spawns children on the task queue', async () => {
    const dev = await startDev({template: 'templates/orders'})
    const spawned = await dev.cli([
      'spawn',
      'app.workflows:order_batch',
      '{"orders":[{"id":"B-1","amount":10}]}',
      '--json',
    ])
    expect(spawned.exitCode, spawned.stderr).toBe(0)
    await dev.waitForOutput(/run completed \S+ .*"completed":1/)
    expect(dev.output()).not.toContain('parity warning')
  })
})
