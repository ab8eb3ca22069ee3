/**
 * Regression: `wippy ps` without a dev server says what a run waits for as the engine does.
 * A parent that did `process.exec(child)` waits for its child workflow; the offline reader
 * used to say it waited for a signal (design review §1.5). The runs are made by the real
 * engine, which is then stopped; `ps` reads the history files through the built CLI.
 */
import {rm} from 'node:fs/promises'
import {afterEach, expect, it} from 'vitest'

import {Engine} from '../../src/engine/engine.js'
import {runCli} from '../helpers/cli.js'
import {makeProject} from '../helpers/dev-server.js'

let root: string | undefined
afterEach(async () => {
  if (root) await rm(root, {force: true, recursive: true})
})

const FAMILY = {
  'src/family/_index.yaml': [
    'version: "1.0"',
    'namespace: app.family',
    'entries:',
    '  - {name: child, kind: workflow.lua, source: file://child.lua, method: main}',
    '  - {name: parent, kind: workflow.lua, source: file://parent.lua, method: main}',
    '',
  ].join('\n'),
  'src/family/child.lua':
    'return {main = function() local msg = process.inbox():receive() return msg:payload():data() end}\n',
  'src/family/parent.lua':
    'return {main = function() return {child = process.exec("app.family:child", "app:temporal_worker")} end}\n',
}

async function until(check: () => boolean, ms = 10_000): Promise<void> {
  const t0 = Date.now()
  while (!check()) {
    if (Date.now() - t0 > ms) throw new Error('timed out waiting')
    await new Promise((r) => setTimeout(r, 10))
  }
}

it('offline ps says a parent waits for its child workflow, as the engine does', async () => {
  root = await makeProject('templates/approval', FAMILY)
  const waitsOf = (rows: Array<{entry: string; waiting?: string}>) =>
    Object.fromEntries(rows.map((r) => [r.entry, r.waiting]))

  // Given a parent that execs a child, and the child waiting on its inbox, as the engine sees them
  const engine = await Engine.start({env: {}, root})
  let live: Record<string, string | undefined> = {}
  try {
    await engine.spawn({entry: 'app.family:parent', input: []})
    await until(() => {
      live = waitsOf(engine.ps())
      return live['app.family:parent'] !== undefined && live['app.family:child'] === 'waiting for a signal'
    })
  } finally {
    await engine.close()
  }
  expect(live).toEqual({
    'app.family:child': 'waiting for a signal',
    'app.family:parent': 'waiting for a child workflow',
  })

  // When ps reads the files with the engine stopped
  const ps = await runCli(['ps', '--json'], {cwd: root})
  expect(ps.exitCode, ps.stderr).toBe(0)
  const offline = JSON.parse(ps.stdout)

  // Then it says the same, marked as stopped
  expect(offline.source).toBe('files')
  expect(waitsOf(offline.processes)).toEqual({
    'app.family:child': 'waiting for a signal (engine stopped)',
    'app.family:parent': 'waiting for a child workflow (engine stopped)',
  })
})
