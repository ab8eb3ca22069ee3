/**
 * The live-process cap (reliability-review finding 7): a process that spawns itself twice
 * (a fork bomb) stops at the cap with a clear, retryable error from process.spawn; the host
 * keeps serving spawns once processes end.
 */
import {describe, expect, test} from 'vitest'

import {procProject, startHost, waitFor} from './helpers.js'

const HOST = 'app:processes'

describe('process host: the live-process cap', () => {
  test('a fork bomb stops at WIPPY_MAX_PROCESSES and process.spawn says why', async () => {
    // Given a process that spawns two copies of itself and then waits for a stop message
    const p = procProject({
      bomb: `local logger = require("logger")
local function main()
  for i = 1, 2 do
    local pid, err = process.spawn("app.procs:bomb", "${HOST}")
    if err then logger:warn("spawn failed", {kind = err:kind(), message = err:message(), retryable = err:retryable()}) end
  end
  process.inbox():receive()
  return "stopped"
end
return {main = main}
`,
    })
    const warnings: Array<Record<string, unknown>> = []
    const {host} = await startHost(p, {
      env: (key) => (key === 'WIPPY_MAX_PROCESSES' ? '25' : undefined),
      log: (_pid, level, message, fields) => {
        if (level === 'warn' && message === 'spawn failed') warnings.push(fields ?? {})
      },
    })
    // When it starts
    host.spawn({args: [], entry: 'app.procs:bomb', host: HOST})
    await waitFor(() => warnings.length >= 5)
    // Then no more than 25 run, and each refused spawn is a clear, retryable Unavailable error
    expect(host.list().length).toBe(25)
    expect(warnings[0]).toMatchObject({kind: 'Unavailable', retryable: true})
    expect(String(warnings[0]!.message)).toMatch(
      /process.spawn of app.procs:bomb refused: 25 processes are running, the limit \(set WIPPY_MAX_PROCESSES/,
    )
    // And a spawn from outside is refused the same way, with a WippyError
    expect(() => host.spawn({args: [], entry: 'app.procs:bomb', host: HOST})).toThrow(/25 processes are running/)
    // And once one ends, a spawn succeeds again
    const first = host.list()[0]!
    expect(await host.send(first.pid, 'stop', [])).toBeUndefined()
    expect((await host.waitForExit(first.pid)).value).toBe('stopped')
    expect(host.spawn({args: [], entry: 'app.procs:bomb', host: HOST}).pid).toMatch(/^\{app:processes\|0x/)
  })
})
