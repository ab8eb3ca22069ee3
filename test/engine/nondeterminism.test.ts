/**
 * Determinism is checked, not hoped: each kind of incompatible edit to a workflow with a
 * recorded history is caught on replay with the event index and the Lua file:line, the run
 * is parked as blocked (not failed), and its history file is left byte for byte as it was.
 */
import {readFileSync} from 'node:fs'
import {join} from 'node:path'
import {afterEach, describe, expect, test} from 'vitest'

import {Engine} from '../../src/engine/engine.js'
import {HistoryStore} from '../../src/history/store.js'
import {PAYMENT_FILES} from './payment-project.js'
import {writeProject} from '../helpers/project.js'

const BASE = `local funcs = require("funcs")
local time = require("time")
local uuid = require("uuid")
local function main(input)
  local a = funcs.call("app.api:charge_card", {amount = 1})
  time.sleep("1h")
  local id = uuid.v4()
  for i = 1, 2 do funcs.call("app.api:refund", i) end
  local t = os.time()
  if input.flag then funcs.call("app.api:check_status", "x1") end
  local msg = process.inbox():receive()
  return {a = a, id = id, t = t}
end
return {main = main}
`

const INDEX = `version: "1.0"
namespace: app.det
entries:
  - name: flow
    kind: workflow.lua
    source: file://flow.lua
    method: main
    modules: [funcs, time, uuid]
`

/** Each edit, the event index it must be caught at, and the line of the offending command (if the code issued one). */
const EDITS: Array<{name: string; edit: (src: string) => string; event: number; line?: number}> = [
  {
    edit: (s) =>
      s.replace(
        'local a = funcs.call("app.api:charge_card", {amount = 1})\n  time.sleep("1h")',
        'time.sleep("1h")\n  local a = funcs.call("app.api:charge_card", {amount = 1})',
      ),
    event: 2,
    line: 5,
    name: 'reordered calls',
  },
  {
    edit: (s) => s.replace('app.api:charge_card', 'app.api:check_status'),
    event: 2,
    line: 5,
    name: 'changed function id',
  },
  {edit: (s) => s.replace('{amount = 1}', '{amount = 2}'), event: 2, line: 5, name: 'changed arguments'},
  {edit: (s) => s.replace('  time.sleep("1h")\n', '\n'), event: 4, line: 7, name: 'removed sleep'},
  {
    edit: (s) => s.replace('  local id = uuid.v4()', '  time.sleep("5s")\n  local id = uuid.v4()'),
    event: 7,
    line: 7,
    name: 'added sleep',
  },
  {edit: (s) => s.replace('time.sleep("1h")', 'time.sleep("2h")'), event: 4, line: 6, name: 'changed sleep duration'},
  {edit: (s) => s.replace('for i = 1, 2 do', 'for i = 1, 1 do'), event: 10, line: 9, name: 'loop bound lowered'},
  {edit: (s) => s.replace('for i = 1, 2 do', 'for i = 1, 3 do'), event: 12, line: 8, name: 'loop bound raised'},
  {edit: (s) => s.replace('uuid.v4()', 'uuid.v7()'), event: 7, line: 7, name: 'uuid version changed'},
  {
    edit: (s) =>
      s.replace(
        '  local t = os.time()\n',
        '  if os.time() > 0 then funcs.call("app.api:refund", 0) end\n  local t = os.time()\n',
      ),
    event: 13,
    line: 9,
    name: 'branch on os.time added',
  },
  {
    edit: (s) => s.replace('  if input.flag then funcs.call("app.api:check_status", "x1") end\n', '\n'),
    event: 13,
    name: 'removed call (code waits instead)',
  },
  {edit: (s) => s.replace('if input.flag then', 'if not input.flag then'), event: 13, name: 'flipped branch'},
]

const cleanups: Array<() => Promise<void> | void> = []
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c()
})

async function recordRun(): Promise<{
  root: string
  id: string
  file: string
  bytes: Buffer
  write: (p: string, t: string) => void
}> {
  const project = writeProject({...PAYMENT_FILES, 'src/det/_index.yaml': INDEX, 'src/det/flow.lua': BASE})
  cleanups.push(() => project.remove())
  const engine = await Engine.start({env: {}, root: project.root})
  const {id} = await engine.spawn({entry: 'app.det:flow', input: [{flag: true}]})
  let skipped = false
  for (let i = 0; i < 500; i++) {
    const run = engine.ps().find((r) => r.id === id)
    if (run?.waiting === 'waiting for a signal') break
    if (!skipped && run?.waiting?.startsWith('sleeping')) {
      await engine.skipTime(id, 'next-timer')
      skipped = true
    }
    await new Promise((r) => setTimeout(r, 10))
  }
  const types = (await engine.history(id)).events.map((e) => e.type)
  expect(types).toHaveLength(14)
  await engine.close()
  const store = new HistoryStore(join(project.root, '.wippy/dev/histories'))
  const [key] = await store.list()
  const file = store.pathOf(key!)
  return {bytes: readFileSync(file), file, id, root: project.root, write: project.write}
}

describe('non-determinism', () => {
  test.each(EDITS)('$name is caught at event $event', async ({edit, event, line}) => {
    // Given a run recorded up to its signal wait
    const recorded = await recordRun()
    // When the workflow is edited and the engine restarts
    recorded.write('src/det/flow.lua', edit(BASE))
    const engine = await Engine.start({env: {}, root: recorded.root})
    cleanups.push(() => engine.close())
    // Then the run is blocked at the right event, with where the code issued the command
    const run = engine.ps().find((r) => r.id === recorded.id)!
    expect(run.status).toBe('blocked')
    expect(run.problem).toContain(`at event ${event}:`)
    if (line !== undefined) expect(run.problem).toContain(`src/det/flow.lua:${line}`)
    // And replaying it offline gives the same answer
    const check = await engine.replayCheck(recorded.id)
    expect(check).toMatchObject({divergence: {eventIndex: event}, ok: false})
    // And the history is untouched, byte for byte
    expect(readFileSync(recorded.file).equals(recorded.bytes)).toBe(true)
  })

  test('the unedited code replays cleanly and goes on live', async () => {
    const recorded = await recordRun()
    const engine = await Engine.start({env: {}, root: recorded.root})
    cleanups.push(() => engine.close())
    expect(await engine.replayCheck(recorded.id)).toMatchObject({ok: true})
    await engine.signal(recorded.id, 'go', [{}])
    const outcome = await engine.wait(recorded.id)
    expect(outcome.status).toBe('completed')
  })

  test('a run terminated while it waited replays cleanly (it was stopped from outside)', async () => {
    const recorded = await recordRun()
    const engine = await Engine.start({env: {}, root: recorded.root})
    cleanups.push(() => engine.close())
    await engine.terminate(recorded.id, 'stopped by the test')
    expect(await engine.replayCheck(recorded.id)).toMatchObject({ok: true})
  })
})
