/**
 * The step wall-time limit on a real `wippy dev` (ux-review finding 1): after the server idles
 * for longer than the limit, pooled function VMs are reset for the next activity; that reset
 * must not inherit the deadline of the VM's last call. The limit is shrunk to 100 ms through
 * `WIPPY_LUA_STEP_MS` so the idle gaps take a fraction of a second. Needs `npm run build`.
 */
import {describe, expect, it} from 'vitest'

import {connectControl} from '../../src/control/client.js'
import {startDev} from '../helpers/dev-server.js'

const STEP_MS = 100

const QUICK_FILES = {
  'src/workflows/_index.yaml': (text: string) =>
    text +
    `
  - name: quick
    kind: workflow.lua
    source: file://quick.lua
    method: main
    modules: [funcs]
    meta:
      temporal:
        workflow:
          worker: app:temporal_worker
`,
  'src/workflows/quick.lua': `local funcs = require("funcs")

local function main(request)
    local r, err = funcs.call("app.reviews:submit", request)
    if err then return nil, err end
    return {order_id = request.order_id, submitted = r ~= nil}
end

return {main = main}
`,
}

describe('wippy dev: idle longer than the step time limit', () => {
  it('runs 50 workflows spawned after idle gaps longer than the limit, none fails', async () => {
    // Given a dev server whose Lua calls may run 100 ms each, with warm function VMs
    const dev = await startDev({env: {WIPPY_LUA_STEP_MS: String(STEP_MS)}, files: QUICK_FILES})
    const client = (await connectControl(dev.root))!
    try {
      const runOne = async (id: string) => {
        const {pid} = await client.spawn({entry: 'app.workflows:quick', id, input: [{amount: 1, order_id: id}]})
        return client.wait({pid})
      }
      expect(await runOne('warm-0')).toMatchObject({status: 'completed'})
      // When, 5 times, it idles past the limit and then gets 10 runs at once
      const outcomes = []
      for (let round = 0; round < 5; round++) {
        await new Promise((r) => setTimeout(r, STEP_MS * 2))
        outcomes.push(...(await Promise.all(Array.from({length: 10}, (_, i) => runOne(`idle-${round}-${i}`)))))
      }
      // Then all 50 complete
      const failed = outcomes.filter((o) => o.status !== 'completed')
      expect(failed).toEqual([])
      expect(outcomes).toHaveLength(50)
    } finally {
      client.close()
    }
  }, 60_000)
})
