/**
 * The watcher with real chokidar on a real temp project: bursts debounce into one reload,
 * reloads never overlap, stale queued ones are dropped, and our own state dir is ignored.
 */
import {cp, mkdir, mkdtemp, rm, writeFile} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {afterEach, beforeEach, describe, expect, it} from 'vitest'

import type {ReloadReport} from '../../src/engine/api.js'
import {watchProject} from '../../src/dev/watcher.js'
import {formatReload} from '../../src/output/reload.js'
import {LineRenderer} from '../../src/dev/line-renderer.js'
import {REPO} from '../helpers/dev-server.js'

const EMPTY: ReloadReport = {added: [], changed: [], errors: [], ms: 1, removed: [], workflows: []}
let root: string

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'wippy-watch-'))
  await cp(join(REPO, 'templates/approval'), root, {recursive: true})
})
afterEach(async () => {
  await rm(root, {force: true, recursive: true})
})

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

describe('watchProject', () => {
  it('debounces a burst of saves into one reload, and ignores .wippy and dot-dirs', async () => {
    const reloads: string[][] = []
    const watcher = watchProject({onReload: ({files}) => reloads.push(files), reload: async () => EMPTY, root})
    try {
      await watcher.ready
      // When our own state and an editor's dot-dir change, Then nothing reloads
      await mkdir(join(root, '.wippy/dev/histories'), {recursive: true})
      await writeFile(join(root, '.wippy/dev/histories/x.jsonl'), '{}\n')
      await mkdir(join(root, 'src/.cache'), {recursive: true})
      await writeFile(join(root, 'src/.cache/tmp'), 'x')
      await sleep(300)
      expect(reloads).toEqual([])

      // When three files are saved in a burst, Then one reload sees all three
      for (const f of ['src/_index.yaml', 'src/reviews/reviews.lua', 'src/workflows/approval.lua'])
        await writeFile(join(root, f), '-- touched\n', {flag: 'a'})
      await sleep(400)
      await watcher.idle()
      expect(reloads).toHaveLength(1)
      expect(reloads[0]!.map((f) => f.slice(root.length + 1)).sort()).toEqual([
        'src/_index.yaml',
        'src/reviews/reviews.lua',
        'src/workflows/approval.lua',
      ])

      // When wippy.lock changes, Then it reloads too
      await writeFile(join(root, 'wippy.lock'), '\n', {flag: 'a'})
      await sleep(400)
      expect(reloads).toHaveLength(2)
    } finally {
      await watcher.close()
    }
  })

  it('never overlaps reloads and drops stale queued ones', async () => {
    let running = 0
    let maxRunning = 0
    let calls = 0
    const watcher = watchProject({
      debounceMs: 10,
      reload: async () => {
        calls++
        running++
        maxRunning = Math.max(maxRunning, running)
        await sleep(150)
        running--
        return EMPTY
      },
      root,
    })
    try {
      await watcher.ready
      // Given a reload in flight
      watcher.schedule('a')
      await sleep(40)
      // When five more changes arrive while it runs
      for (const f of ['b', 'c', 'd', 'e', 'f']) {
        watcher.schedule(f)
        await sleep(15)
      }
      await watcher.idle()
      // Then they ran as one more reload, after the first one
      expect(maxRunning).toBe(1)
      expect(calls).toBe(2)
    } finally {
      await watcher.close()
    }
  })

  it('reports a reload that throws and keeps watching', async () => {
    const errors: unknown[] = []
    let n = 0
    const watcher = watchProject({
      debounceMs: 10,
      onError: (e) => errors.push(e),
      reload: async () => {
        if (n++ === 0) throw new Error('boom')
        return EMPTY
      },
      root,
    })
    try {
      await watcher.ready
      watcher.schedule('x')
      await sleep(50)
      await watcher.idle()
      watcher.schedule('y')
      await sleep(50)
      await watcher.idle()
      expect(errors).toHaveLength(1)
      expect(n).toBe(2)
    } finally {
      await watcher.close()
    }
  })
})

describe('line renderer', () => {
  it('prints one grep-able line per event', () => {
    let out = ''
    const r = new LineRenderer({write: (t: string) => (out += t)})
    const pid = '{app:c@app:w|wf-1}'
    r.render({
      event: {
        codeHash: 'h',
        entry: 'app:wf',
        format: 1,
        host: 'app:w',
        input: [],
        pid,
        runId: 'r',
        seed: 1,
        seq: 1,
        ts: 0,
        type: 'WorkflowStarted',
        workflowId: 'wf-1',
      },
      pid,
      type: 'history',
    })
    r.render({
      summary: {entry: 'app:wf', id: 'wf-1', kind: 'workflow', loaded: true, pid, startedAt: 0, status: 'running'},
      type: 'run',
    })
    r.render({
      event: {args: [1], entry: 'app.api:charge', seq: 2, ts: 1, type: 'ActivityScheduled', where: 'src/wf.lua:7'},
      pid,
      type: 'history',
    })
    r.render({
      event: {from: 'cli', payload: [{ok: true}], seq: 3, topic: 'approve', ts: 2, type: 'SignalReceived'},
      pid,
      type: 'history',
    })
    r.render({event: {result: 'done', seq: 4, ts: 3, type: 'WorkflowCompleted'}, pid, type: 'history'})
    r.render({
      summary: {entry: 'app:wf', id: 'wf-1', kind: 'workflow', loaded: true, pid, startedAt: 0, status: 'completed'},
      type: 'run',
    })
    r.render({level: 'warn', message: 'slow', pid, type: 'log'})
    expect(out).toMatchInlineSnapshot(`
      "run started wf-1 app:wf {app:c@app:w|wf-1}
      step wf-1 #2 ActivityScheduled app.api:charge(1) (src/wf.lua:7)
      signal wf-1 approve {"ok":true}
      run completed wf-1 "done"
      log warn wf-1: slow
      "
    `)
  })

  it('formats reloads with errors and diverging runs', () => {
    expect(
      formatReload({
        ...EMPTY,
        errors: [{code: 'WIPPY_YAML_SYNTAX', file: 'src/_index.yaml', hint: 'Fix it.', line: 4, message: 'Bad YAML.'}],
      }),
    ).toEqual([
      'reload failed: src/_index.yaml:4: Bad YAML. [WIPPY_YAML_SYNTAX] (hint: Fix it.); keeping the last good registry',
    ])
    expect(
      formatReload({
        ...EMPTY,
        changed: ['app:wf'],
        ms: 12.4,
        workflows: [
          {
            compatible: false,
            divergence: 'diverges at event 3: expected A, got B (wf.lua:9)',
            forkCommand: 'wippy fork wf-1 --at 2',
            pid: '{a@b|wf-1}',
          },
        ],
      }),
    ).toEqual([
      'reloaded +0 ~1 -0 in 12 ms (app:wf)',
      'reload: wf-1 diverges at event 3: expected A, got B (wf.lua:9); stays on its old code; restart it on the new code: wippy fork wf-1 --at 2',
    ])
  })
})
