/**
 * Workflow updates as the platform defines them: the update arrives as a message from
 * `{update|<id>}` with the update's name as topic; the workflow answers "ack" or "nak", then
 * "ok" or "error", to msg:from(). The answers are recorded as the run's SignalSent events (and
 * succeed); replay answers from them and sends nothing.
 */
import {afterEach, describe, expect, test} from 'vitest'

import {Engine} from '../../src/engine/engine.js'
import type {HistoryEvent} from '../../src/history/events.js'
import type {TempProject} from '../helpers/project.js'
import {paymentProject} from './payment-project.js'

const cleanups: Array<() => Promise<void> | void> = []
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c()
})

/** A workflow with a `set_limit` update (ok, nak on a bad payload, error above 1000) and a few odd answers. */
const LIMITS = [
  'return {main = function()',
  '  local inbox = process.inbox()',
  '  local limit, answers = 0, {}',
  '  while true do',
  '    local msg = inbox:receive()',
  '    local topic, from = msg:topic(), msg:from()',
  '    local data = msg:payload() and msg:payload():data()',
  '    if topic == "set_limit" then',
  '      local n = type(data) == "table" and data.limit',
  '      if type(n) ~= "number" then',
  '        process.send(from, "nak", "limit must be a number")',
  '      else',
  '        process.send(from, "ack")',
  '        if n > 1000 then',
  '          process.send(from, "error", {code = "too_high", max = 1000})',
  '        else',
  '          limit = n',
  '          process.send(from, "ok", {limit = limit})',
  '        end',
  '      end',
  '    elseif topic == "out_of_order" then',
  '      local _, err = process.send(from, "ok", "too soon")',
  '      table.insert(answers, tostring(err))',
  '      process.send(from, "ack")',
  '      local _, again = process.send(from, "ack")',
  '      table.insert(answers, tostring(again))',
  '      process.send(from, "ok", answers)',
  '    elseif topic == "later" then',
  '      process.send(from, "ack")',
  '      local go = inbox:receive()',
  '      process.send(from, "ok", go:payload():data())',
  '    elseif topic == "stop" then',
  '      return {limit = limit}',
  '    end',
  '  end',
  'end}',
].join('\n')

function project(): TempProject {
  const p = paymentProject()
  cleanups.push(() => p.remove())
  p.write(
    'src/probe/_index.yaml',
    [
      'version: "1.0"',
      'namespace: app.probe',
      'entries:',
      '  - {name: limits, kind: workflow.lua, source: file://limits.lua, method: main}',
      '',
    ].join('\n'),
  )
  p.write('src/probe/limits.lua', LIMITS)
  return p
}

async function startEngine(p: TempProject, options: {idleEvictMs?: number} = {}): Promise<Engine> {
  const engine = await Engine.start({env: {}, root: p.root, ...options})
  cleanups.push(() => engine.close())
  return engine
}

const sentOf = (events: HistoryEvent[]) => events.filter((e) => e.type === 'SignalSent')

describe('workflow updates', () => {
  test('ok returns the payload; nak and error carry their message; every answer is recorded as sent', async () => {
    // Given a run with a set_limit update
    const engine = await startEngine(project())
    const {id, pid} = await engine.spawn({entry: 'app.probe:limits', input: []})

    // When it is updated with a good, a bad and a too-large limit
    const ok = await engine.update(id, 'set_limit', [{limit: 10}])
    const nak = await engine.update(id, 'set_limit', [{limit: 'ten'}])
    const failed = await engine.update(id, 'set_limit', [{limit: 5000}])

    // Then each answer comes back as the platform defines it
    expect(ok).toMatchObject({name: 'set_limit', pid, result: {limit: 10}, status: 'completed'})
    expect(ok.update).toMatch(/^\{update\|[0-9a-f-]{36}\}$/)
    expect(nak).toMatchObject({error: {message: 'limit must be a number'}, status: 'rejected'})
    expect(failed).toMatchObject({
      error: {message: '{"code":"too_high","max":1000}', value: {code: 'too_high', max: 1000}},
      status: 'failed',
    })

    // And the update arrived as a signal from its PID, and every answer was sent (no error)
    const {events} = await engine.history(id)
    expect(events.find((e) => e.type === 'SignalReceived')).toMatchObject({from: ok.update, topic: 'set_limit'})
    const sent = sentOf(events)
    expect(sent.map((e) => e.type === 'SignalSent' && e.topic)).toEqual(['ack', 'ok', 'nak', 'ack', 'error'])
    for (const e of sent) expect(e).not.toHaveProperty('error')
    expect(sent[0]).toMatchObject({target: ok.update})
  })

  test('answers out of order are refused to the workflow, as on the platform', async () => {
    const engine = await startEngine(project())
    const {id} = await engine.spawn({entry: 'app.probe:limits', input: []})
    // When the workflow answers ok before ack, then acks twice
    const out = await engine.update(id, 'out_of_order', [])
    // Then those two sends failed (recorded), and the update still completed
    expect(out).toMatchObject({result: ['update not accepted (state: pending)', 'update already accepted']})
    const errors = sentOf((await engine.history(id)).events).map((e) => e.type === 'SignalSent' && e.error?.message)
    expect(errors).toEqual(['update not accepted (state: pending)', undefined, 'update already accepted', undefined])
  })

  test('a timeout says what the update waits for; a late answer still succeeds', async () => {
    const engine = await startEngine(project())
    const {id} = await engine.spawn({entry: 'app.probe:limits', input: []})
    // When the workflow acks but answers only after a signal that comes after the caller gave up
    await expect(engine.update(id, 'later', [], 100)).rejects.toMatchObject({
      code: 'WIPPY_UPDATE_TIMEOUT',
      details: {stage: 'accepted'},
      message: expect.stringContaining('got no ok or error within 100 ms'),
    })
    await engine.signal(id, 'go', ['done'])
    // Then the late ok is recorded as sent, and the run goes on
    await expect(engine.update(id, 'set_limit', [{limit: 1}])).resolves.toMatchObject({status: 'completed'})
    const sent = sentOf((await engine.history(id)).events)
    expect(sent.slice(0, 2).map((e) => e.type === 'SignalSent' && [e.topic, e.error])).toEqual([
      ['ack', undefined],
      ['ok', undefined],
    ])
  })

  test('a run that closes without answering ends the wait; a closed run or a process refuses the update', async () => {
    const engine = await startEngine(project())
    const {id} = await engine.spawn({entry: 'app.probe:limits', input: []})
    await expect(engine.update(id, 'stop', [])).rejects.toMatchObject({
      code: 'WIPPY_UPDATE_UNANSWERED',
      details: {stage: 'delivered'},
    })
    await expect(engine.update(id, 'set_limit', [{limit: 1}])).rejects.toMatchObject({code: 'WIPPY_WORKFLOW_CLOSED'})
    await expect(engine.update('wf-nope', 'set_limit', [])).rejects.toMatchObject({code: 'WIPPY_PID_UNKNOWN'})
    // Only a workflow answers an update, not the CLI
    await expect(engine.signal('{update|x}', 'ok', [])).rejects.toThrow('only its workflow answers it')
    // Only workflows take updates
    await expect(engine.update('{app:processes|0x00001}', 'set_limit', [])).rejects.toMatchObject({
      code: 'WIPPY_UPDATE_NOT_WORKFLOW',
    })
  })

  test('after a restart the run replays its answers from the history and sends nothing again', async () => {
    // Given a run that answered two updates, then the engine stops
    const p = project()
    const first = await startEngine(p)
    const {id} = await first.spawn({entry: 'app.probe:limits', input: []})
    await first.update(id, 'set_limit', [{limit: 3}])
    await first.update(id, 'set_limit', [{limit: 'x'}])
    await first.close()

    // When it restarts, the run is recovered by replay and is not blocked
    const engine = await startEngine(p)
    expect(engine.ps().find((r) => r.id === id)).toMatchObject({status: 'running'})
    expect(await engine.replayCheck(id)).toMatchObject({ok: true})
    // Then its history has no new answers, and it takes new updates and completes
    expect(sentOf((await engine.history(id)).events)).toHaveLength(3)
    await expect(engine.update(id, 'set_limit', [{limit: 7}])).resolves.toMatchObject({result: {limit: 7}})
    await engine.signal(id, 'stop', [])
    expect(await engine.wait(id)).toMatchObject({result: {limit: 7}, status: 'completed'})
  })

  test('an idle run (its VM dropped) is loaded by replay to take an update', async () => {
    const engine = await startEngine(project(), {idleEvictMs: 20})
    const {id} = await engine.spawn({entry: 'app.probe:limits', input: []})
    await engine.update(id, 'set_limit', [{limit: 1}])
    const deadline = Date.now() + 5000
    while (engine.ps().find((r) => r.id === id)?.loaded && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 10))
    expect(engine.ps().find((r) => r.id === id)).toMatchObject({loaded: false})
    await expect(engine.update(id, 'set_limit', [{limit: 2}])).resolves.toMatchObject({result: {limit: 2}})
    expect(sentOf((await engine.history(id)).events).map((e) => e.type === 'SignalSent' && e.topic)).toEqual([
      'ack',
      'ok',
      'ack',
      'ok',
    ])
  })

  test('an answer to an update from before a restart is accepted (nobody waits for it)', async () => {
    const engine = await startEngine(project())
    const {id} = await engine.spawn({entry: 'app.probe:limits', input: []})
    // A message from an update PID nobody knows (as a recovered run answering an old update sees it)
    await engine.node.send(id, 'set_limit', [{limit: 2}], {code: false, from: '{update|gone}'})
    await engine.update(id, 'set_limit', [{limit: 4}])
    const sent = sentOf((await engine.history(id)).events)
    expect(sent.slice(0, 2)).toMatchObject([
      {target: '{update|gone}', topic: 'ack'},
      {target: '{update|gone}', topic: 'ok'},
    ])
    for (const e of sent) expect(e).not.toHaveProperty('error')
  })
})
