/**
 * A blocked run never strands by the engine's own fault: it refuses what would make it worse
 * (signal, cancel) with the reason and the way out, still takes terminate, is re-checked by a
 * reload (reverting the code or fixing a syntax error unblocks it), is retried after a host
 * fault, and `wait` on it answers at once. Real engine, real files, real Lua.
 */
import {closeSync, openSync, readFileSync} from 'node:fs'
import {join} from 'node:path'
import {afterEach, describe, expect, test} from 'vitest'

import {Engine, type EngineOptions} from '../../src/engine/engine.js'
import {HistoryStore} from '../../src/history/store.js'
import {isWippyError} from '../../src/errors.js'
import {writeProject} from '../helpers/project.js'
import {until} from '../helpers/until.js'

const INDEX = `version: "1.0"
namespace: app.b
entries:
  - name: echo
    kind: function.lua
    source: file://echo.lua
    method: main
  - name: flow
    kind: workflow.lua
    source: file://flow.lua
    method: main
    modules: [funcs, time]
`

const FLOW = `local funcs = require("funcs")
local time = require("time")
local function main(input)
  local first = funcs.call("app.b:echo", "one")
  if input.nap then time.sleep(input.nap) end
  local msg = process.inbox():receive()
  return {first = first, got = msg:payload():data()}
end
return {main = main}
`
/** Diverges at event 2: a different argument to the first call. */
const DIVERGING = FLOW.replace('"one"', '"uno"')

const FILES = {
  'src/b/_index.yaml': INDEX,
  'src/b/echo.lua': 'local function main(v) return "echo " .. tostring(v) end\nreturn {main = main}\n',
  'src/b/flow.lua': FLOW,
}

const cleanups: Array<() => Promise<void> | void> = []
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c()
})

async function startEngine(root: string, options: Partial<EngineOptions> = {}): Promise<Engine> {
  const engine = await Engine.start({env: {}, root, ...options})
  cleanups.push(() => engine.close())
  return engine
}

/** A run recorded up to its signal wait, then the engine restarted on `code` (so it blocks). */
async function blockedRun(
  code: string,
  recorded = FLOW,
): Promise<{engine: Engine; id: string; root: string; file: string; write: (p: string, t: string) => void}> {
  const project = writeProject({...FILES, 'src/b/flow.lua': recorded})
  cleanups.push(() => project.remove())
  const first = await Engine.start({env: {}, root: project.root})
  const {id} = await first.spawn({entry: 'app.b:flow', input: [{}]})
  await until('the signal wait', () => first.ps().find((r) => r.id === id)?.waiting === 'waiting for a signal')
  await first.close()
  project.write('src/b/flow.lua', code)
  const engine = await startEngine(project.root)
  const store = new HistoryStore(join(project.root, '.wippy/dev/histories'))
  const [key] = await store.list()
  return {engine, file: store.pathOf(key!), id, root: project.root, write: project.write}
}

async function refusal(promise: Promise<unknown>): Promise<{code: string; message: string; hint?: string}> {
  try {
    await promise
  } catch (error) {
    if (isWippyError(error))
      return {code: error.code, message: error.message, ...(error.hint ? {hint: error.hint} : {})}
    throw error
  }
  throw new Error('expected a refusal')
}

describe('a blocked run', () => {
  test('refuses signal and cancel with the reason and the way out, and records nothing', async () => {
    // Given a run blocked by a diverging edit
    const {engine, file, id} = await blockedRun(DIVERGING)
    expect(engine.ps().find((r) => r.id === id)).toMatchObject({blockKind: 'code', status: 'blocked'})
    const before = readFileSync(file)

    // When it is signalled and cancelled
    const signal = await refusal(engine.signal(id, 'go', [{}]))
    const cancel = await refusal(engine.cancel(id))

    // Then both are refused with WIPPY_RUN_BLOCKED, the reason (by workflow ID) and the ways out
    for (const r of [signal, cancel]) {
      expect(r.code).toBe('WIPPY_RUN_BLOCKED')
      expect(r.message).toContain(`${id}: it is blocked`)
      expect(r.message).toContain('diverges from its history at event 2')
      expect(r.message).not.toContain('{app:')
      expect(r.hint).toContain(`wippy fork ${id} --at 1`)
      expect(r.hint).toContain(`wippy terminate ${id}`)
      expect(r.hint).toContain('Revert the code')
    }
    // And the history is untouched
    expect(readFileSync(file).equals(before)).toBe(true)

    // And terminate still ends it
    await engine.terminate(id)
    expect(engine.ps({all: true}).find((r) => r.id === id)?.status).toBe('terminated')
  })

  test('wait answers at once with the block reason instead of hanging', async () => {
    const {engine, id} = await blockedRun(DIVERGING)
    const t0 = Date.now()
    const outcome = await engine.wait(id)
    expect(Date.now() - t0).toBeLessThan(1000)
    expect(outcome).toMatchObject({error: {kind: 'Blocked'}, status: 'blocked'})
    expect(outcome.error?.message).toContain('diverges from its history at event 2')
  })

  test('history says why it is blocked and the way out', async () => {
    const {engine, id} = await blockedRun(DIVERGING)
    const view = await engine.history(id)
    expect(view).toMatchObject({blocked: {kind: 'code'}, status: 'blocked'})
    expect(view.blocked?.problem).toContain('at event 2')
    expect(view.blocked?.hint).toContain(`wippy fork ${id} --at 1`)
  })

  test('a reload that reverts the code unblocks it, and it completes', async () => {
    // Given a run blocked by a diverging edit
    const {engine, id, write} = await blockedRun(DIVERGING)

    // When the code is reverted and the registry reloaded
    write('src/b/flow.lua', FLOW)
    const report = await engine.applyRegistry()

    // Then the reload reports it unblocked, and it goes on to completion
    expect(report.workflows).toEqual([expect.objectContaining({compatible: true, unblocked: true})])
    expect(engine.ps().find((r) => r.id === id)?.status).toBe('running')
    await engine.signal(id, 'go', ['yes'])
    expect(await engine.wait(id)).toMatchObject({result: {first: 'echo one', got: 'yes'}, status: 'completed'})
  })

  test('a reload with code that still diverges keeps it blocked with the new reason', async () => {
    const {engine, id, write} = await blockedRun(DIVERGING)
    write('src/b/flow.lua', FLOW.replace('"one"', '"eins"'))
    const report = await engine.applyRegistry()
    expect(report.workflows).toEqual([
      expect.objectContaining({blocked: true, compatible: false, forkCommand: `wippy fork ${id} --at 1`}),
    ])
    const row = engine.ps().find((r) => r.id === id)!
    expect(row.status).toBe('blocked')
    expect(row.problem).toContain('"eins"')
  })

  test('fixing a syntax error unblocks a run blocked by "code not loaded"', async () => {
    // Given a run whose workflow has a syntax error when the engine starts
    const {engine, id, write} = await blockedRun(FLOW.replace('local function main', 'local function main('))
    const row = engine.ps().find((r) => r.id === id)!
    expect(row).toMatchObject({blockKind: 'code', status: 'blocked'})
    expect(row.problem).toContain('not loaded')

    // When the file is fixed and reloaded
    write('src/b/flow.lua', FLOW)
    const report = await engine.applyRegistry()

    // Then it is unblocked and completes
    expect(report.workflows).toEqual([expect.objectContaining({unblocked: true})])
    await engine.signal(id, 'go', ['fixed'])
    expect(await engine.wait(id)).toMatchObject({result: {got: 'fixed'}, status: 'completed'})
  })
})

describe('divergence messages', () => {
  test('name the workflow ID, keep the PID for --json, and never cut expected and got alike', async () => {
    // Given arguments that differ only after the first 80 characters
    const long = FLOW.replace('"one"', 'string.rep("x", 120) .. "one"')
    const {engine, id} = await blockedRun(long.replace('.. "one"', '.. "uno"'), long)
    const row = engine.ps().find((r) => r.id === id)!
    expect(row.problem).toMatch(new RegExp(`^Workflow ${id} diverges from its history at event 2: `))
    const [, expected, got] = /expected (.*), got (.*) \(src/.exec(row.problem!)!
    expect(expected).not.toBe(got)
    expect(expected).toContain('one')
    expect(got).toContain('uno')
    // And the full PID stays in its own field (what --json carries), out of the messages
    expect(row.pid).toContain(`|${id}}`)
    const check = await engine.replayCheck(id)
    expect(check.divergence?.message).not.toContain('{app:')
  })

  test('timers read in human durations', async () => {
    const napping = FLOW.replace('if input.nap then time.sleep(input.nap) end', 'time.sleep("1h")')
    const project = writeProject({...FILES, 'src/b/flow.lua': napping})
    cleanups.push(() => project.remove())
    const first = await Engine.start({env: {}, root: project.root})
    const {id} = await first.spawn({entry: 'app.b:flow', input: [{}]})
    await until(
      'the sleep',
      () =>
        first
          .ps()
          .find((r) => r.id === id)
          ?.waiting?.startsWith('sleeping') === true,
    )
    await first.close()
    project.write('src/b/flow.lua', napping.replace('"1h"', '"90m30s"'))
    const engine = await startEngine(project.root)
    expect(engine.ps().find((r) => r.id === id)?.problem).toContain('expected timer 1h, got timer 1h30m30s')
  })
})

describe('a run blocked by a host fault', () => {
  test('is retried with backoff once file descriptors are free again, and completes', async () => {
    // Given a run that sleeps, evicted idle (its history file closed)
    const project = writeProject(FILES)
    cleanups.push(() => project.remove())
    const engine = await startEngine(project.root, {blockRetry: {initialMs: 100, maxMs: 400}, idleEvictMs: 20})
    const {id, pid} = await engine.spawn({entry: 'app.b:flow', input: [{nap: '600ms'}]})
    await until('the eviction', () => engine.ps().find((r) => r.id === id)?.loaded === false)

    // And someone waits for it, and a watcher (as a monitoring process does) for its close
    const waiting = engine.wait(id)
    const closed = engine.workflows.waitForClose(pid)

    // When the process runs out of file descriptors as the timer fires
    const held: number[] = []
    try {
      for (;;) held.push(openSync('/dev/null', 'r'))
    } catch (error) {
      expect((error as NodeJS.ErrnoException).code).toBe('EMFILE')
    }
    try {
      await until('the host-fault block', () => engine.ps().find((r) => r.id === id)?.status === 'blocked', 5000)
    } finally {
      // Free a few so the test itself can go on; the engine's retries still fail until all are free.
      for (const fd of held.splice(0, 20)) closeSync(fd)
    }
    const row = engine.ps().find((r) => r.id === id)!
    expect(row).toMatchObject({blockKind: 'host', status: 'blocked'})
    expect(row.problem).toContain('EMFILE')
    expect(row.retryAt).toBeGreaterThan(0)
    expect(row.notes?.join(' ')).toMatch(/host fault; retrying in/)
    // And the waiter waits on (the engine retries a host fault), unlike for a block by the code
    let answered = false
    void waiting.then(() => (answered = true))
    await new Promise((r) => setTimeout(r, 50))
    expect(answered).toBe(false)
    for (const fd of held.splice(0)) closeSync(fd)

    // Then a retry loads it again, and it goes on to completion
    await until('the retry', () => engine.ps().find((r) => r.id === id)?.status === 'running', 5000)
    await until('the signal wait', () => engine.ps().find((r) => r.id === id)?.waiting === 'waiting for a signal')
    await engine.signal(id, 'go', ['after'])
    expect(await engine.wait(id)).toMatchObject({result: {got: 'after'}, status: 'completed'})
    // The waiter from before the block hears the completion
    expect(await waiting).toMatchObject({result: {got: 'after'}, status: 'completed'})
    // And the close watcher registered before the block still hears of the close
    expect((await closed).type).toBe('WorkflowCompleted')
  })
})

describe('a run left on old code by a reload', () => {
  test('is marked with the fork command, and keeps its old code across a restart (loaded or settled)', async () => {
    // Given two runs waiting for a signal; one settles idle (its VM dropped) before the restart
    const project = writeProject(FILES)
    cleanups.push(() => project.remove())
    let engine = await startEngine(project.root)
    const {id} = await engine.spawn({entry: 'app.b:flow', input: [{}]})
    await until('the signal wait', () => engine.ps().find((r) => r.id === id)?.waiting === 'waiting for a signal')

    // When an incompatible edit is reloaded
    project.write('src/b/flow.lua', DIVERGING)
    const report = await engine.applyRegistry()
    expect(report.workflows).toEqual([
      expect.objectContaining({compatible: false, forkCommand: `wippy fork ${id} --at 1`}),
    ])

    // Then ps marks it as on old code, with the whole fork command
    const marked = engine.ps().find((r) => r.id === id)!
    expect(marked).toMatchObject({oldCode: {forkCommand: `wippy fork ${id} --at 1`}, status: 'running'})
    expect(marked.notes).toEqual([`on old code: restart it on the new code with \`wippy fork ${id} --at 1\``])

    // And after a restart it is still on its old code, still marked, not blocked
    await engine.close()
    engine = await startEngine(project.root)
    const again = engine.ps().find((r) => r.id === id)!
    expect(again).toMatchObject({oldCode: {forkCommand: `wippy fork ${id} --at 1`}, status: 'running'})

    // And it completes on the code it started with
    await engine.signal(id, 'go', ['old'])
    expect(await engine.wait(id)).toMatchObject({result: {first: 'echo one', got: 'old'}, status: 'completed'})
  })

  test('a settled pinned run stays pinned after a restart, and moves once the code is compatible again', async () => {
    const project = writeProject(FILES)
    cleanups.push(() => project.remove())
    let engine = await startEngine(project.root, {idleEvictMs: 20})
    const {id} = await engine.spawn({entry: 'app.b:flow', input: [{}]})
    await until('the signal wait', () => engine.ps().find((r) => r.id === id)?.waiting === 'waiting for a signal')
    project.write('src/b/flow.lua', DIVERGING)
    await engine.applyRegistry()
    await until('the eviction', () => engine.ps().find((r) => r.id === id)?.loaded === false)
    await engine.close()

    // When the engine restarts (the run is not loaded at start)
    engine = await startEngine(project.root, {idleEvictMs: 20})
    const row = engine.ps().find((r) => r.id === id)!
    expect(row).toMatchObject({oldCode: {forkCommand: `wippy fork ${id} --at 1`}, status: 'running'})

    // And the code goes back to what the run started with: the reload moves it, the mark goes
    project.write('src/b/flow.lua', FLOW)
    const report = await engine.applyRegistry()
    expect(report.workflows).toEqual([expect.objectContaining({compatible: true})])
    expect(engine.ps().find((r) => r.id === id)?.oldCode).toBeUndefined()
    await engine.signal(id, 'go', ['back'])
    expect(await engine.wait(id)).toMatchObject({result: {first: 'echo one', got: 'back'}, status: 'completed'})
  })

  test('a settled run whose code changed while the engine was down is blocked at start, not when woken', async () => {
    const project = writeProject(FILES)
    cleanups.push(() => project.remove())
    let engine = await startEngine(project.root, {idleEvictMs: 20})
    const {id} = await engine.spawn({entry: 'app.b:flow', input: [{}]})
    await until('the eviction', () => engine.ps().find((r) => r.id === id)?.loaded === false)
    await engine.close()
    project.write('src/b/flow.lua', DIVERGING)

    engine = await startEngine(project.root, {idleEvictMs: 20})
    const row = engine.ps().find((r) => r.id === id)!
    expect(row).toMatchObject({blockKind: 'code', loaded: false, status: 'blocked'})
    expect(row.problem).toContain(`Workflow ${id} diverges from its history at event 2`)
    expect(engine.status().workflows.blocked).toBe(1)
  })
})
