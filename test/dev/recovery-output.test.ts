/**
 * `wippy dev` prints what its engine does while it recovers, before the banner: an activity
 * that recovery restarts logs as it runs, and those lines reach stdout (they were dropped
 * when the renderer subscribed only after `Engine.start`, so the torture could not count
 * executions from them).
 */
import {expect, test} from 'vitest'

import {startDev} from '../helpers/dev-server.js'
import {writeProject} from '../helpers/project.js'

const FILES = {
  'src/api/_index.yaml': `version: "1.0"
namespace: app.api
entries:
  - {name: slow, kind: function.lua, source: file://slow.lua, method: main, modules: [logger, ctx, time]}
`,
  'src/api/slow.lua': `local logger = require("logger")
local ctx = require("ctx")
local time = require("time")
local function main()
  logger:info("exec " .. tostring(ctx.get("idempotency_key")))
  time.sleep("2s")
  return "done"
end
return {main = main}
`,
  'src/flows/_index.yaml': `version: "1.0"
namespace: app.flows
entries:
  - {name: one, kind: workflow.lua, source: file://one.lua, method: main, modules: [funcs]}
`,
  'src/flows/one.lua': `local funcs = require("funcs")
local function main()
  return funcs.call("app.api:slow")
end
return {main = main}
`,
}

test('an activity restarted by recovery logs to the dev output', {timeout: 60_000}, async () => {
  const project = writeProject(FILES)
  try {
    // Given a run killed while its activity runs
    const first = await startDev({args: ['--no-watch'], root: project.root})
    const spawned = await first.cli(['spawn', 'app.flows:one', '--id', 'r1'])
    expect(spawned.exitCode, spawned.stderr).toBe(0)
    await first.waitForOutput(/log info( \S+)?: exec r1:2/)
    await first.kill()

    // When dev starts again, recovery runs the activity again
    const second = await startDev({args: ['--no-watch'], root: project.root})
    await second.waitForOutput(/run completed r1/)

    // Then its log line is printed, as any other execution's
    expect(second.output()).toMatch(/log info( \S+)?: exec r1:2/)
  } finally {
    project.remove()
  }
})
