/**
 * Values that plain JSON changes, through the built CLI and a real `wippy dev`: an int64
 * from the command line reaches Lua exactly, `1e999` is refused before anything is recorded,
 * a function's int64 / NaN result comes back over the control channel in its typed form,
 * and `history export` / `inspect --json` write histories that `history replay` reads back.
 */
import {readFile, writeFile} from 'node:fs/promises'
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'

import {startDev} from '../helpers/dev-server.js'

const FILES = {
  'src/vals/_index.yaml': `version: "1.0"
namespace: app.vals
entries:
  - name: nums
    kind: function.lua
    source: file://nums.lua
    method: main
  - name: probe
    kind: workflow.lua
    source: file://probe.lua
    method: main
    modules: [funcs]
`,
  'src/vals/nums.lua': `local function main(which)
  if which == "max" then return math.maxinteger end
  if which == "nan" then return {0/0, 1/0, -1/0} end
  return which
end
return {main = main}
`,
  // Keeps what it was handed, waits, then reports what replay hands it (after an eviction).
  'src/vals/probe.lua': `local funcs = require("funcs")
local function describe(v) return math.type(v) .. " " .. string.format(math.type(v) == "integer" and "%d" or "%.17g", v) end
local function main(n)
  local big = funcs.call("app.vals:nums", "max")
  local weird = funcs.call("app.vals:nums", "nan")
  local msg = process.inbox():receive()
  local got = msg:payload():data()
  funcs.call("app.vals:nums", describe(got))
  process.inbox():receive()
  return {input = describe(n), signal = describe(got), big = describe(big), nan = weird[1] ~= weird[1], inf = weird[2] == 1/0 and weird[3] == -1/0}
end
return {main = main}
`,
}

describe('values through the CLI', () => {
  it('an int64 argument reaches Lua exactly, 1e999 is refused, and export/inspect keep typed forms that replay reads', async () => {
    const dev = await startDev({args: ['--no-watch', '--evict-idle-after', '50ms'], files: FILES})
    // Given a probe started with an input beyond 2^53
    const spawned = await dev.cli(['spawn', 'app.vals:probe', '9007199254740993', '--json'])
    expect(spawned.exitCode, spawned.stderr).toBe(0)
    const id = (JSON.parse(spawned.stdout) as {id: string}).id
    // When it is signalled 1e999, the signal is refused with a code and nothing is recorded
    const refused = await dev.cli(['signal', id, 'v', '[1e999]', '--json'])
    expect(refused.exitCode).toBe(2)
    expect(JSON.parse(refused.stdout)).toMatchObject({
      error: {code: 'WIPPY_JSON_NUMBER_RANGE', details: {token: '1e999'}},
    })
    // And signalled -9223372036854775808, then woken once its VM was evicted
    expect((await dev.cli(['signal', id, 'v', '-9223372036854775808'])).exitCode).toBe(0)
    const evicted = async () =>
      (
        JSON.parse((await dev.cli(['ps', '--json'])).stdout) as {processes: Array<{id: string; loaded: boolean}>}
      ).processes.some((p) => p.id === id && !p.loaded)
    for (let tries = 0; !(await evicted()) && tries < 100; tries++) await new Promise((r) => setTimeout(r, 50))
    expect((await dev.cli(['signal', id, 'go', '{}'])).exitCode).toBe(0)
    let closing: {result?: unknown; type: string} | undefined
    for (let i = 0; i < 200 && !closing; i++) {
      const view = JSON.parse((await dev.cli(['history', 'inspect', id, '--json'])).stdout) as {
        events: Array<{result?: unknown; type: string}>
      }
      closing = view.events.find((e) => e.type.startsWith('Workflow') && e.type !== 'WorkflowStarted')
      if (!closing) await new Promise((r) => setTimeout(r, 50))
    }
    // Then replay handed it the very values the live run had
    expect(closing).toMatchObject({
      result: {
        big: 'integer 9223372036854775807',
        inf: true,
        input: 'integer 9007199254740993',
        nan: true,
        signal: 'integer -9223372036854775808',
      },
      type: 'WorkflowCompleted',
    })
    // And the history export holds typed forms, and replays against the code
    const exported = await dev.cli(['history', 'export', id])
    expect(exported.stdout).toContain('"result":{"$int":"9223372036854775807"},')
    expect(exported.stdout).toContain('"result":[{"$float":"NaN"},{"$float":"Infinity"},{"$float":"-Infinity"}]')
    expect(exported.stdout).toMatch(/"typed":true\}\n/)
    const file = join(dev.root, 'probe.jsonl')
    await writeFile(file, exported.stdout)
    const replayed = await dev.cli(['history', 'replay', file, '--json'])
    expect(replayed.exitCode, replayed.stdout).toBe(0)
    // And so does `inspect --json` output
    const inspected = await dev.cli(['history', 'inspect', id, '--json'])
    expect(inspected.exitCode, inspected.stderr).toBe(0)
    await writeFile(file, inspected.stdout)
    expect(await readFile(file, 'utf8')).toContain('"$int": "9007199254740993"')
    const replayedInspect = await dev.cli(['history', 'replay', file, '--json'])
    expect(replayedInspect.exitCode, replayedInspect.stdout).toBe(0)
  }, 90_000)

  it('a function result beyond 2^53, or NaN, comes back over the control channel in its typed form', async () => {
    const dev = await startDev({args: ['--no-watch'], files: FILES})
    const big = await dev.cli(['call', 'app.vals:nums', '"max"'])
    expect(big.exitCode, big.stderr).toBe(0)
    expect(JSON.parse(big.stdout)).toEqual({$int: '9223372036854775807'})
    const nan = await dev.cli(['call', 'app.vals:nums', '"nan"', '--json'])
    expect(JSON.parse(nan.stdout)).toEqual({
      typed: true,
      value: [{$float: 'NaN'}, {$float: 'Infinity'}, {$float: '-Infinity'}],
    })
  }, 60_000)
})
