/**
 * Nothing is acknowledged that is not durable, end to end: a real `wippy dev` whose state dir
 * is a real 2 MiB tmpfs that is filled to the last byte. A signal the disk refuses must fail
 * in the CLI with the cause (exit 1), the server keeps running, and once space is back the
 * same run takes signals again without a restart; after a restart exactly the acknowledged
 * signals are in the history (and reached the code). Needs root for `mount`; skipped otherwise.
 * Run `npm run build` first.
 */
import {execFileSync} from 'node:child_process'
import {rmSync, unlinkSync} from 'node:fs'
import {join} from 'node:path'
import {describe, expect, it, onTestFinished} from 'vitest'

import {Engine} from '../../src/engine/engine.js'
import type {EngineEvent} from '../../src/engine/api.js'
import {makeProject, startDev} from '../helpers/dev-server.js'
import {writeProject} from '../helpers/project.js'
import {cannotMountTmpfs, fillDisk, mountTmpfs} from '../helpers/tmpfs.js'

export const COLLECTOR_FILES = {
  'src/workflows/_index.yaml': (text: string) =>
    text +
    `
  - name: collector
    kind: workflow.lua
    source: file://collector.lua
    method: main
    meta:
      temporal:
        workflow:
          worker: app:temporal_worker
`,
  // Takes {i = n} messages until {stop = true}; returns the i's in the order they arrived.
  'src/workflows/collector.lua': `local function main()
    local got = {}
    local inbox = process.inbox()
    while true do
        local data = inbox:receive():payload():data()
        if data.stop then return {got = got} end
        table.insert(got, data.i)
    end
end

return {main = main}
`,
}

const cannotMount = cannotMountTmpfs()

describe.skipIf(cannotMount !== undefined)(
  `a full disk under wippy dev${cannotMount ? ` (skipped: ${cannotMount})` : ''}`,
  () => {
    it('refuses signals it cannot make durable, recovers without a restart, and keeps exactly the acknowledged ones', async () => {
      // Given a dev server whose state dir is a 2 MiB tmpfs, and a run collecting signals
      const root = await makeProject('templates/approval', COLLECTOR_FILES)
      const state = join(root, '.wippy')
      expect(mountTmpfs(state)).toBeUndefined()
      onTestFinished(() => {
        try {
          execFileSync('umount', ['-l', state])
        } catch {}
        rmSync(root, {force: true, recursive: true})
      })
      // (no background retry during the test: the parked state stays visible until a request)
      let dev = await startDev({env: {WIPPY_STORAGE_RETRY_MS: '600000'}, root})
      expect((await dev.cli(['spawn', 'app.workflows:collector', '--id', 'col'])).exitCode).toBe(0)
      const pad = 'x'.repeat(3000)
      const signal = (i: number) => dev.cli(['signal', 'col', 'go', JSON.stringify({i, pad}), '--json'])
      expect((await signal(1)).exitCode).toBe(0)

      // When the disk is filled and signals keep coming
      const filler = fillDisk(join(state, 'filler'))
      const acked = [1]
      const refused: number[] = []
      for (let i = 2; i <= 6; i++) {
        const r = await signal(i)
        if (r.exitCode === 0) acked.push(i)
        else {
          refused.push(i)
          // Then each refusal names the cause, with a hint, and no stack
          expect(r.exitCode).toBe(1)
          const {error} = JSON.parse(r.stdout || r.stderr) as {error: {code: string; hint: string; message: string}}
          expect(error.code).toBe('WIPPY_DISK_FULL')
          expect(error.message).toMatch(/disk is full \(ENOSPC\)\. The event is not recorded/)
          expect(error.hint).toMatch(/Free space/)
        }
      }
      expect(refused.length).toBeGreaterThan(0)
      // A spawn the disk refuses names the disk too, and leaves no run behind
      const spawn = await dev.cli(['spawn', 'app.workflows:collector', '--id', 'col2', '--json'])
      expect(spawn.exitCode).toBe(1)
      expect(spawn.stdout || spawn.stderr).toMatch(/WIPPY_DISK_FULL/)
      // A terminate the disk refuses is refused too (its reason is longer than a page, so it can't
      // fit in the history file's last page): the run stays open
      const term = await dev.cli(['terminate', 'col', '--reason', 'r'.repeat(5000)])
      expect(term.exitCode).toBe(1)
      expect(term.stderr).toMatch(
        /^Error WIPPY_DISK_FULL: \S+\.jsonl: Can't write history col~\w+\.jsonl: the disk is full \(ENOSPC\)\. The event is not recorded\.\n  Hint: Free space/m,
      )
      expect(term.stderr).not.toMatch(/    at /)
      // The server kept running, and shows the run parked with the reason
      const ps = (
        JSON.parse((await dev.cli(['ps', '--json'])).stdout) as {
          processes: Array<{id: string; problem?: string; status: string}>
        }
      ).processes
      expect(ps.find((p) => p.id === 'col')).toMatchObject({
        problem: expect.stringMatching(/disk is full/),
        status: 'blocked',
      })

      // When space is freed, the same run takes signals again, without a restart
      unlinkSync(filler)
      const again = await signal(7)
      expect(again.exitCode, again.stderr + again.stdout).toBe(0)
      acked.push(7)

      // Then after a restart exactly the acknowledged signals are in the history, and reached the code
      await dev.stop()
      dev = await startDev({root})
      const history = JSON.parse((await dev.cli(['history', 'inspect', 'col', '--json'])).stdout) as {
        events: Array<{payload?: Array<{i: number}>; type: string}>
      }
      const received = history.events.filter((e) => e.type === 'SignalReceived').map((e) => e.payload![0]!.i)
      expect(received).toEqual(acked)
      expect((await dev.cli(['signal', 'col', 'go', '{"stop": true}'])).exitCode).toBe(0)
      await dev.waitForOutput(/completed.*col/)
      const done = JSON.parse((await dev.cli(['history', 'inspect', 'col', '--json'])).stdout) as {
        events: Array<{result?: {got: number[]}; type: string}>
      }
      expect(done.events.at(-1)).toMatchObject({result: {got: acked}, type: 'WorkflowCompleted'})
    }, 60_000)

    it('retries a parked run in the background: an activity result the disk refused is redone once space is back', async () => {
      // Given an engine whose state dir is a full tmpfs, retrying parked runs every 100 ms
      const p = writeProject({
        'src/fn/_index.yaml':
          'version: "1.0"\nnamespace: app.fn\nentries:\n  - {name: big, kind: function.lua, source: file://big.lua, method: main}\n',
        // Two pages of result: the append needs a page the full disk does not have
        'src/fn/big.lua': 'local function main() return string.rep("x", 9000) end\nreturn {main = main}\n',
        'src/wf/_index.yaml':
          'version: "1.0"\nnamespace: app.wf\nentries:\n  - {name: big, kind: workflow.lua, source: file://big.lua, method: main, modules: [funcs]}\n',
        'src/wf/big.lua': `local funcs = require("funcs")
local function main()
  process.inbox():receive()
  local v = funcs.call("app.fn:big")
  return {len = #v}
end
return {main = main}
`,
      })
      const state = join(p.root, 'state')
      expect(mountTmpfs(state)).toBeUndefined()
      onTestFinished(() => {
        try {
          execFileSync('umount', ['-l', state])
        } catch {}
        p.remove()
      })
      const engine = await Engine.start({
        env: {WIPPY_STORAGE_RETRY_MS: '100'},
        root: p.root,
        stateDir: join(state, 'dev'),
      })
      onTestFinished(() => engine.close())
      const logs: string[] = []
      onTestFinished(engine.subscribe((e: EngineEvent) => e.type === 'log' && logs.push(e.message)))
      const {id} = await engine.spawn({entry: 'app.wf:big', input: []})
      const filler = fillDisk(join(state, 'filler'))
      // When the run is let go (the small signal fits in its file's last page; the result does not)
      await engine.signal(id, 'go', [{}])
      const t0 = Date.now()
      while (!logs.some((m) => /run parked, retrying every 100 ms: .*disk is full/.test(m))) {
        if (Date.now() - t0 > 10_000) throw new Error(`never parked; logs: ${logs.join('\n')}`)
        await new Promise((r) => setTimeout(r, 20))
      }
      await new Promise((r) => setTimeout(r, 300))
      // Then freeing the space is all it takes: no request, no restart
      unlinkSync(filler)
      expect(await engine.wait(id)).toMatchObject({result: {len: 9000}, status: 'completed'})
      expect(logs.filter((m) => /run parked/.test(m))).toHaveLength(1)
    }, 30_000)
  },
)
