/**
 * Payload limits at the CLI: a too-deep spawn input and a too-big offline signal file are
 * refused with a clear WIPPY_* error (exit 1, no stack) before anything is sent or recorded.
 * Runs the built CLI (`npm run build` first).
 */
import {writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {afterEach, describe, expect, test} from 'vitest'

import {Engine} from '../../src/engine/engine.js'
import {HistoryStore} from '../../src/history/store.js'
import {runCli} from '../helpers/cli.js'
import {type TempProject, writeProject} from '../helpers/project.js'

const FILES = {
  'src/wf/_index.yaml': `version: "1.0"
namespace: app.wf
entries:
  - name: inbox
    kind: workflow.lua
    source: file://inbox.lua
    method: main
`,
  'src/wf/inbox.lua': `local function main()
  return process.inbox():receive():payload():data()
end
return {main = main}
`,
}

const cleanups: Array<() => Promise<void> | void> = []
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c()
})

function project(): TempProject {
  const p = writeProject(FILES)
  cleanups.push(() => p.remove())
  return p
}

describe('payload limits at the CLI', () => {
  test('spawn with a 10,000-deep JSON array names the depth limit, not a RangeError', async () => {
    const p = project()
    const deep = '['.repeat(10_000) + ']'.repeat(10_000)
    const r = await runCli(['spawn', 'app.wf:inbox', deep], {cwd: p.root})
    expect(r.exitCode).toBe(1)
    expect(r.stderr).toMatch(/WIPPY_PAYLOAD_TOO_DEEP/)
    expect(r.stderr).toMatch(/nests deeper than 96 levels/)
    expect(r.stderr).not.toMatch(/RangeError|    at /)
  })

  test('an offline signal from a file over the size limit is refused and the history is untouched', async () => {
    // Given a stopped run waiting for a signal
    const p = project()
    const engine = await Engine.start({env: {}, root: p.root})
    const {id} = await engine.spawn({entry: 'app.wf:inbox', id: 'big', input: []})
    await engine.close()
    const store = new HistoryStore(join(p.root, '.wippy', 'dev', 'histories'))
    const before = (await store.read((await store.list())[0]!)).events.length
    // When a 3 MiB payload is queued offline
    const file = join(p.root, 'big.json')
    writeFileSync(file, JSON.stringify({blob: 'x'.repeat(3 * 1024 * 1024)}))
    const r = await runCli(['signal', id, 'go', '--file', file], {cwd: p.root})
    // Then it is refused with the limit, and nothing was appended
    expect(r.exitCode).toBe(1)
    expect(r.stderr).toMatch(/WIPPY_PAYLOAD_TOO_LARGE/)
    expect(r.stderr).not.toMatch(/    at /)
    expect((await store.read((await store.list())[0]!)).events).toHaveLength(before)
    // And a payload within the limit is still queued
    expect((await runCli(['signal', id, 'go', '{"ok": true}'], {cwd: p.root})).exitCode).toBe(0)
    expect((await store.read((await store.list())[0]!)).events).toHaveLength(before + 1)
  })
})
