/**
 * A child workflow's host argument is its task queue (issue 18 §3): it runs on the
 * `temporal.worker` serving that queue; on a queue no worker serves it waits, as on Temporal,
 * with its parent's `ps` row saying why, and starts once a reload adds a worker for the queue.
 * Real engine, real histories.
 */
import {afterEach, describe, expect, test} from 'vitest'

import {Engine} from '../../src/engine/engine.js'
import {type TempProject, BASE_INDEX, writeProject} from '../helpers/project.js'

const cleanups: Array<() => Promise<void> | void> = []
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c()
})

const INDEX = [
  'version: "1.0"',
  'namespace: app.q',
  'entries:',
  '  - {name: parent, kind: workflow.lua, source: file://parent.lua, method: main}',
  '  - {name: child, kind: workflow.lua, source: file://child.lua, method: main}',
  '  - {name: execer, kind: workflow.lua, source: file://execer.lua, method: main}',
].join('\n')

const FILES: Record<string, string> = {
  'src/q/_index.yaml': INDEX,
  // Spawns a child on the queue it is given and waits for the child's EXIT.
  'src/q/parent.lua': [
    'return {main = function(queue)',
    '  local events = process.events()',
    '  local pid = process.spawn("app.q:child", queue, 20)',
    '  local ev = events:receive()',
    '  return {child = pid, from_ok = ev.from == pid, kind = ev.kind, value = ev.result.value}',
    'end}',
  ].join('\n'),
  // Runs a child on the queue it is given with workflow.task_queue (overriding the host) and waits for its result.
  'src/q/execer.lua': [
    'return {main = function(queue)',
    '  return process.with_options({["workflow.task_queue"] = queue}):exec("app.q:child", "main", 1)',
    'end}',
  ].join('\n'),
  'src/q/child.lua': 'return {main = function(x) return x + 1 end}',
}

const REPORTS_WORKER = `version: "1.0"
namespace: app.reports
entries:
  - name: worker
    kind: temporal.worker
    client: app:temporal_client
    task_queue: reports
`

async function setup(extra: Record<string, string> = {}): Promise<{engine: Engine; project: TempProject}> {
  const project = writeProject({'src/app/_index.yaml': BASE_INDEX, ...FILES, ...extra})
  cleanups.push(() => project.remove())
  const engine = await Engine.start({env: {}, root: project.root})
  cleanups.push(() => engine.close())
  return {engine, project}
}

async function waitFor(check: () => boolean, ms = 5000): Promise<void> {
  const until = Date.now() + ms
  while (!check()) {
    if (Date.now() > until) throw new Error('timed out')
    await new Promise((r) => setTimeout(r, 20))
  }
}

describe('child workflows on task queues', () => {
  test('a child on a served other queue runs on that worker', async () => {
    // Given a second worker serving "reports"
    const {engine} = await setup({'src/reports/_index.yaml': REPORTS_WORKER})
    // When a parent spawns its child on "reports"
    const {id} = await engine.spawn({entry: 'app.q:parent', host: 'app:temporal_worker', input: ['reports']})
    const out = await engine.wait(id)
    // Then the child ran there (its PID names that worker) and its EXIT reached the parent
    expect(out).toMatchObject({status: 'completed', result: {from_ok: true, kind: 'pid.exit', value: 21}})
    expect((out.result as {child: string}).child).toMatch(/^\{app:temporal_client@app\.reports:worker\|/)
  })

  test('an unserved queue: the child waits, ps says why, and a reload adding a worker starts it', async () => {
    // Given a parent spawning its child on "reports", which no worker serves
    const {engine, project} = await setup()
    const {id} = await engine.spawn({entry: 'app.q:parent', host: 'app:temporal_worker', input: ['reports']})
    const parentRow = () => engine.ps({all: true}).find((r) => r.id === id)
    await waitFor(() => (parentRow()?.notes ?? []).some((n) => n.includes('task queue reports')))
    // Then the parent keeps running, its ChildWorkflowStarted recorded without an error
    expect(parentRow()).toMatchObject({status: 'running'})
    expect(parentRow()!.notes).toEqual([
      expect.stringMatching(/^child \{.*\} waiting for a worker on task queue reports$/),
    ])
    const started = (await engine.history(id)).events.find((e) => e.type === 'ChildWorkflowStarted')
    expect(started).toMatchObject({host: 'reports', type: 'ChildWorkflowStarted'})
    expect(started).not.toHaveProperty('error')
    // and the child has no run yet
    expect(engine.ps({all: true}).filter((r) => r.entry === 'app.q:child')).toEqual([])
    // When a reload adds a worker for "reports"
    const rows: Array<{notes?: string[]}> = []
    cleanups.push(engine.subscribe((e) => e.type === 'run' && e.summary.id === id && rows.push(e.summary)))
    project.write('src/reports/_index.yaml', REPORTS_WORKER)
    expect((await engine.applyRegistry()).errors).toEqual([])
    // Then the status stream hears the parent's row lose its note at once
    expect(rows[0]).toBeDefined()
    expect(rows[0]).not.toHaveProperty('notes')
    // and the child runs and its EXIT reaches the parent
    const out = await engine.wait(id)
    expect(out).toMatchObject({status: 'completed', result: {from_ok: true, kind: 'pid.exit', value: 21}})
    expect(parentRow()).not.toHaveProperty('notes')
  })

  test("a waiting child survives a restart: re-derived from its parent's history, it starts on a reload", async () => {
    // Given a parent whose child waits for a worker on "reports"
    const {engine, project} = await setup()
    const {id} = await engine.spawn({entry: 'app.q:parent', host: 'app:temporal_worker', input: ['reports']})
    const notes = (e: Engine) => e.ps({all: true}).find((r) => r.id === id)?.notes ?? []
    await waitFor(() => notes(engine).length > 0)
    // When the engine restarts
    await engine.close()
    const again = await Engine.start({env: {}, root: project.root})
    cleanups.push(() => again.close())
    // Then the child still waits, and the parent's row still says why
    expect(notes(again)).toEqual([expect.stringMatching(/waiting for a worker on task queue reports$/)])
    // and a reload that adds a worker for "reports" starts it; its EXIT reaches the parent
    project.write('src/reports/_index.yaml', REPORTS_WORKER)
    expect((await again.applyRegistry()).errors).toEqual([])
    expect(await again.wait(id)).toMatchObject({status: 'completed', result: {from_ok: true, value: 21}})
  })

  test('a parent that ends before a worker serves the queue: its waiting child never starts', async () => {
    // Given a parent whose child waits for a worker on "reports"
    const {engine, project} = await setup()
    const {id} = await engine.spawn({entry: 'app.q:parent', host: 'app:temporal_worker', input: ['reports']})
    await waitFor(() => (engine.ps({all: true}).find((r) => r.id === id)?.notes ?? []).length > 0)
    // When the parent is terminated, then a worker for "reports" arrives
    await engine.terminate(id, 'done waiting')
    project.write('src/reports/_index.yaml', REPORTS_WORKER)
    expect((await engine.applyRegistry()).errors).toEqual([])
    // Then the child was dropped with its parent: no run of it
    expect(engine.ps({all: true}).filter((r) => r.entry === 'app.q:child')).toEqual([])
  })

  test('process.exec with workflow.task_queue on an unserved queue waits for a worker, then returns', async () => {
    const {engine, project} = await setup()
    const {id} = await engine.spawn({entry: 'app.q:execer', host: 'app:temporal_worker', input: ['reports']})
    const row = () => engine.ps({all: true}).find((r) => r.id === id)
    await waitFor(() => (row()?.notes ?? []).length > 0)
    expect(row()).toMatchObject({status: 'running', waiting: 'waiting for a child workflow'})
    project.write('src/reports/_index.yaml', REPORTS_WORKER)
    expect((await engine.applyRegistry()).errors).toEqual([])
    expect(await engine.wait(id)).toMatchObject({status: 'completed', result: 2})
  })

  test('an unknown child entry on an unserved queue is refused at once, as before', async () => {
    const {engine} = await setup({
      'src/q/bad.lua': [
        'return {main = function()',
        '  local pid, err = process.spawn("app.q:nope", "reports")',
        '  return {pid = pid, kind = err and err:kind()}',
        'end}',
      ].join('\n'),
      'src/q/_index.yaml': `${INDEX}\n  - {name: bad, kind: workflow.lua, source: file://bad.lua, method: main}`,
    })
    const {id} = await engine.spawn({entry: 'app.q:bad', host: 'app:temporal_worker', input: []})
    const out = await engine.wait(id)
    expect(out.status).toBe('completed')
    expect(out.result).toHaveProperty('kind')
    expect(out.result).not.toHaveProperty('pid')
  })

  test("an empty host or the parent's worker ID: the child runs on its parent's worker", async () => {
    const {engine} = await setup()
    for (const host of ['', 'app:temporal_worker', 'main']) {
      const {id} = await engine.spawn({entry: 'app.q:parent', host: 'app:temporal_worker', input: [host]})
      const out = await engine.wait(id)
      expect(out).toMatchObject({status: 'completed', result: {value: 21}})
      expect((out.result as {child: string}).child).toMatch(/^\{app:temporal_client@app:temporal_worker\|/)
    }
  })
})
