/**
 * `workflow.attrs{search=, memo=}`: recorded as AttributesUpserted, replayed after a restart
 * (same attributes, replay check clean), merged into the run's `ps` row live and from the
 * files, filtered by `ps --query` offline; refused outside workflows with the platform's words.
 */
import {afterEach, describe, expect, test} from 'vitest'

import {listOfflineRuns} from '../../src/control/offline.js'
import {Engine} from '../../src/engine/engine.js'
import {listRuns} from '../../src/services/ps.js'
import type {TempProject} from '../helpers/project.js'
import {paymentProject} from './payment-project.js'

const cleanups: Array<() => Promise<void> | void> = []
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c()
})

const INDEX = (withProcess: boolean): string =>
  [
    'version: "1.0"',
    'namespace: app.probe',
    'entries:',
    '  - {name: attrs, kind: workflow.lua, source: file://attrs.lua, method: main, modules: [workflow]}',
    '  - {name: fn, kind: function.lua, source: file://fn.lua, method: main, modules: [workflow]}',
    ...(withProcess ? PROCESS_ENTRIES : []),
    '',
  ].join('\n')

// (only where needed: a running service makes the engine's close wait for it)
const PROCESS_ENTRIES = [
  '  - {name: proc, kind: process.lua, source: file://proc.lua, method: main, modules: [workflow]}',
  '  - name: proc_service',
  '    kind: process.service',
  '    process: app.probe:proc',
  '    host: app:processes',
  '    lifecycle: {auto_start: true}',
  '  - {name: ask, kind: workflow.lua, source: file://ask.lua, method: main}',
]

const WORKFLOW = [
  'local workflow = require("workflow")',
  'return {main = function(customer)',
  '  local ok1 = workflow.attrs({search = {customer = customer, tier = 1}, memo = {note = "first"}})',
  '  local _, bad = workflow.attrs({search = "x"})',
  '  local _, none = workflow.attrs({})',
  '  process.inbox():receive()',
  '  local ok2 = workflow.attrs({search = {tier = 2}})',
  '  return {ok1 = ok1, ok2 = ok2, bad = bad:kind() .. ": " .. bad:message(), none = none:message()}',
  'end}',
].join('\n')

const FUNCTION = [
  'local workflow = require("workflow")',
  'return {main = function()',
  '  local ok, err = workflow.attrs({search = {a = 1}})',
  '  return {ok = ok, err = err:kind() .. ": " .. err:message()}',
  'end}',
].join('\n')

// A supervised process answers what workflow.attrs said to it; a workflow asks it.
const PROCESS = [
  'local workflow = require("workflow")',
  'return {main = function()',
  '  process.registry.register("attrs_probe")',
  '  local msg = process.inbox():receive()',
  '  local _, err = workflow.attrs({memo = {a = 1}})',
  '  process.send(msg:from(), "answer", err:kind() .. ": " .. err:message())',
  'end}',
].join('\n')
const ASK =
  'return {main = function()\n  process.send("attrs_probe", "ask", true)\n  return process.inbox():receive():payload():data()\nend}\n'

function project(withProcess = false): TempProject {
  const p = paymentProject()
  cleanups.push(() => p.remove())
  p.write('src/probe/_index.yaml', INDEX(withProcess))
  p.write('src/probe/attrs.lua', WORKFLOW)
  p.write('src/probe/fn.lua', FUNCTION)
  p.write('src/probe/proc.lua', PROCESS)
  p.write('src/probe/ask.lua', ASK)
  return p
}

async function startEngine(p: TempProject): Promise<Engine> {
  const engine = await Engine.start({env: {}, root: p.root})
  cleanups.push(() => engine.close())
  return engine
}

async function untilWaiting(engine: Engine, id: string): Promise<void> {
  const t0 = Date.now()
  while (!engine.ps({all: true}).some((r) => r.id === id && r.waiting === 'waiting for a signal')) {
    if (Date.now() - t0 > 5000) throw new Error(`${id} never waited for a signal`)
    await new Promise((r) => setTimeout(r, 10))
  }
}

const row = (engine: Engine, id: string) => engine.ps({all: true}).find((r) => r.id === id)

describe('workflow.attrs', () => {
  test('is recorded, replayed after a restart, and shown by ps live and from the files', async () => {
    const p = project()
    let engine = await startEngine(p)
    const one = await engine.spawn({entry: 'app.probe:attrs', input: ['c-1']})
    const two = await engine.spawn({entry: 'app.probe:attrs', input: ['c-2']})
    await untilWaiting(engine, one.id)
    await untilWaiting(engine, two.id)

    // Then the row carries the attributes and the memo; only the good upsert was recorded
    expect(row(engine, one.id)).toMatchObject({memo: {note: 'first'}, searchAttributes: {customer: 'c-1', tier: 1}})
    const history = await engine.history(one.pid)
    const upserts = history.events.filter((e) => e.type === 'AttributesUpserted')
    expect(upserts).toEqual([
      expect.objectContaining({memo: {note: 'first'}, search: {customer: 'c-1', tier: 1}, where: expect.any(String)}),
    ])

    // When the engine restarts, the runs are replayed against the same code: nothing diverges
    await engine.close()
    engine = await startEngine(p)
    await untilWaiting(engine, one.id)
    expect(row(engine, one.id)).toMatchObject({memo: {note: 'first'}, searchAttributes: {customer: 'c-1', tier: 1}})
    expect(await engine.replayCheck(one.pid)).toMatchObject({ok: true})

    // And a later upsert merges over the first (tier replaced, customer kept)
    await engine.signal(one.id, 'go', [])
    const outcome = await engine.wait(one.id)
    expect(outcome.result).toEqual({
      bad: 'Invalid: search must be a table',
      none: 'at least one of search or memo required',
      ok1: true,
      ok2: true,
    })
    expect(row(engine, one.id)).toMatchObject({
      memo: {note: 'first'},
      searchAttributes: {customer: 'c-1', tier: 2},
      status: 'completed',
    })
    expect(await engine.replayCheck(one.pid)).toMatchObject({ok: true})
    await engine.close()

    // Offline: the closed run from the run index, the open one from its file
    const offline = await listOfflineRuns(p.root, {all: true})
    expect(offline.find((r) => r.id === one.id)).toMatchObject({searchAttributes: {customer: 'c-1', tier: 2}})
    expect(offline.find((r) => r.id === two.id)).toMatchObject({
      memo: {note: 'first'},
      searchAttributes: {customer: 'c-2', tier: 1},
    })

    // ps --query filters the files' rows (closed runs too)
    const ids = async (query: string) => (await listRuns({query, root: p.root})).processes.map((r) => r.id).sort()
    expect(await ids('tier = 2')).toEqual([one.id])
    expect(await ids('Status="running" AND customer="c-2"')).toEqual([two.id])
    expect(await ids('customer="c-1" OR customer="c-2"')).toEqual([one.id, two.id].sort())
    expect(await ids('(Status="completed" OR Status="running") AND customer!="c-1"')).toEqual([two.id])
    expect(await ids(`WorkflowType="app.probe:attrs" AND WorkflowId="${one.id}"`)).toEqual([one.id])
    expect(await ids('Status="Completed"')).toEqual([one.id])
  })

  test('is refused outside workflows with the platform wording: in a function and in a process', async () => {
    const engine = await startEngine(project(true))
    expect(await engine.call('app.probe:fn', [])).toEqual({
      value: {err: 'Invalid: workflow.attrs only available in workflow context'},
    })
    const {id} = await engine.spawn({entry: 'app.probe:ask', input: []})
    expect((await engine.wait(id)).result).toBe('Invalid: workflow.attrs only available in workflow context')
  })
})
