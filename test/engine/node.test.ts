/**
 * The node (engine/node.ts) through real hosts: a real engine on a temp project (durable
 * workflow host, process host, function calls), so resolve, send, cancel, terminate and the
 * watch graph are checked against what each host really does.
 */
import {describe, expect, test} from 'vitest'

import {Engine} from '../../src/engine/engine.js'
import {Node} from '../../src/engine/node.js'
import {Mailbox} from '../../src/hosts/functions/drive-program.js'
import type {Origin} from '../../src/hosts/addressing.js'
import {temporalWorkerConfig} from '../../src/registry/index.js'
import {addApprovalWorkflow, onCleanup, procProject} from '../processes/helpers.js'

const APPROVAL = `local function main(order)
  local r = channel.select({process.inbox():case_receive(), process.events():case_receive()})
  if r.channel ~= process.inbox() then return nil, "cancelled: " .. tostring(r.value.reason) end
  local data = r.value:payload():data()
  if data.fail then error("rejected " .. order) end
  return {order = order, by = r.value:from()}
end
return {main = main}
`
const LISTENER = `local function main()
  local r = channel.select({process.inbox():case_receive(), process.events():case_receive()})
  if r.channel == process.inbox() then return {topic = r.value:topic(), data = r.value:payload():data(), from = r.value:from()} end
  return {event = r.value.kind, reason = r.value.reason}
end
return {main = main}`

const FROM_CODE: Origin = {code: true, from: '{app:processes|0x0ffff}'}
const HOST = 'app:processes'

async function setup() {
  const project = procProject({listener: LISTENER})
  addApprovalWorkflow(project, APPROVAL)
  const engine = await Engine.start({env: {}, root: project.root})
  onCleanup(() => engine.close())
  const worker = engine.currentRegistry.entries.get('app:temporal_worker')!
  const startWorkflow = async (order: string, workflowId?: string) =>
    (
      await engine.workflows.start({
        client: temporalWorkerConfig(worker).client,
        entry: 'app.wf:approval',
        input: [order],
        worker: worker.id,
        ...(workflowId ? {workflowId} : {}),
      })
    ).pid
  const host = engine.processes!.host
  // A function call's mailbox, as the function host gives one to each call.
  const fn = {entryId: 'app.fn:caller', mailbox: new Mailbox(), pid: '{functions|0x00042}'}
  engine.functionCalls.attach(fn)
  return {engine, fn, host, node: engine.node, startWorkflow}
}

const settle = (ms = 30) => new Promise((r) => setTimeout(r, ms))

describe('resolve', () => {
  test('each PID form resolves to the host that owns it', async () => {
    // Given a running workflow, a named process and an attached function call
    const {fn, host, node, startWorkflow} = await setup()
    const wf = await startWorkflow('R-1', 'order-r1')
    const proc = host.spawn({entry: 'app.procs:listener', host: HOST, name: 'keeper'}).pid
    const kind = (dest: string) => node.resolve(dest)?.kind
    // Then workflows own their PID, their workflow ID and any workflow-shaped PID
    expect([kind(wf), kind('order-r1'), kind('{app:temporal_client@app:temporal_worker|nobody}')]).toEqual([
      'workflow',
      'workflow',
      'workflow',
    ])
    // And the process host owns its PIDs (running or not) and its names; functions their PIDs
    expect([kind(proc), kind('keeper'), kind(`{${HOST}|0x09999}`), kind(fn.pid)]).toEqual([
      'process',
      'process',
      'process',
      'function',
    ])
    // And nobody owns an unknown name, or a PID of a host that is no process.host
    expect([kind('nobody'), kind('{elsewhere|0x00001}')]).toEqual([undefined, undefined])
  })
})

describe('send, cancel and terminate', () => {
  test('go to the host that owns the destination, with the sender', async () => {
    const {engine, fn, host, node, startWorkflow} = await setup()
    // When code sends to a workflow, a process (by name) and a function
    const wf = await startWorkflow('S-1')
    const proc = host.spawn({entry: 'app.procs:listener', host: HOST, name: 'inbox'}).pid
    expect(await node.send(wf, 'approve', [{ok: true}], FROM_CODE)).toEqual({pid: wf, value: true})
    expect((await node.send('inbox', 'note', ['hi'], FROM_CODE)).error).toBeUndefined()
    expect((await node.send(fn.pid, 'reply', [7], FROM_CODE)).error).toBeUndefined()
    // Then each gets it from the sender
    expect(await engine.wait(wf)).toMatchObject({result: {by: FROM_CODE.from, order: 'S-1'}, status: 'completed'})
    expect((await host.waitForExit(proc)).value).toEqual({data: 'hi', from: FROM_CODE.from, topic: 'note'})
    expect(fn.mailbox.drain()).toEqual([{from: FROM_CODE.from, kind: 'message', payload: [7], topic: 'reply'}])
  })

  test('cancel reaches a process as CANCEL and a workflow as a cancel request; terminate ends either', async () => {
    const {engine, host, node, startWorkflow} = await setup()
    const [wf1, wf2] = [await startWorkflow('C-1'), await startWorkflow('C-2')]
    const p1 = host.spawn({entry: 'app.procs:listener', host: HOST}).pid
    const p2 = host.spawn({entry: 'app.procs:listener', host: HOST}).pid
    await node.cancel(p1, 'enough', FROM_CODE)
    await node.cancel(wf1, 'enough', FROM_CODE)
    await node.terminate(p2, 'stop', FROM_CODE)
    await node.terminate(wf2, 'stop', FROM_CODE)
    expect((await host.waitForExit(p1)).value).toEqual({event: 'pid.cancel', reason: 'enough'})
    expect((await host.waitForExit(p2)).error).toMatchObject({message: 'process terminated'})
    expect(await engine.wait(wf1)).toMatchObject({error: {message: 'cancelled: enough'}, status: 'failed'})
    expect((await engine.wait(wf2)).status).toBe('terminated')
    // And a closed workflow takes a cancel from code without complaint (nothing to do)
    expect(await node.cancel(wf2, 'again', FROM_CODE)).toEqual({pid: wf2, value: true})
  })

  test('an unknown destination: the owner of last resort answers, or the node itself', async () => {
    const {node} = await setup()
    // From code, the process host says which name is unknown; from the CLI, the workflow host
    expect((await node.send('nobody', 't', [], FROM_CODE)).error).toEqual({
      kind: 'NotFound',
      message: 'no process is registered as "nobody"',
      retryable: false,
    })
    await expect(node.send('nobody', 't', [], {code: false, from: 'wippy-cli'})).rejects.toMatchObject({
      code: 'WIPPY_PID_UNKNOWN',
    })
    // And with no host registered at all, the node names the operation
    const bare = new Node(() => {
      throw new Error('no registry needed')
    })
    expect((await bare.cancel('x', 'r', FROM_CODE)).error).toEqual({
      kind: 'NotFound',
      message: 'process.cancel: no workflow or process x',
      retryable: false,
    })
    await expect(bare.terminate('x', 'r', {code: false, from: 'wippy-cli'})).rejects.toThrow(
      'process.terminate: no workflow or process x',
    )
  })
})

describe('watch', () => {
  test('a monitor delivers EXIT once; unwatch stops it; the watcher counts what it waits for', async () => {
    const {fn, host, node} = await setup()
    const kept = host.spawn({entry: 'app.procs:listener', host: HOST}).pid
    const dropped = host.spawn({entry: 'app.procs:listener', host: HOST}).pid
    // When a function monitors both (twice for one), then unwatches the other
    expect(node.watch(fn.pid, kept, 'monitor')).toEqual({value: true})
    expect(node.watch(fn.pid, kept, 'monitor')).toEqual({value: true})
    node.watch(fn.pid, dropped, 'monitor')
    expect(fn.mailbox.expected).toBe(2)
    node.unwatch(fn.pid, dropped, 'monitor')
    expect(fn.mailbox.expected).toBe(1)
    await host.send(kept, 'go', [1])
    await host.send(dropped, 'go', [2])
    await host.waitForExit(kept)
    await host.waitForExit(dropped)
    await settle()
    // Then one EXIT arrives, from the kept one, and nothing is awaited any more
    const got = fn.mailbox.drain()
    expect(got).toHaveLength(1)
    expect(got[0]).toMatchObject({
      event: {from: kept, kind: 'pid.exit', result: {value: {data: 1, topic: 'go'}}},
      kind: 'event',
    })
    expect(fn.mailbox.expected).toBe(0)
    // And watching what does not exist is NotFound
    expect(node.watch(fn.pid, `{${HOST}|0x09999}`, 'monitor').error).toMatchObject({
      kind: 'NotFound',
      message: `no process {${HOST}|0x09999}`,
    })
  })

  test('a link to a failing workflow brings EXIT and LINK_DOWN; a process watcher hears of it once', async () => {
    const {fn, host, node, startWorkflow} = await setup()
    const wf = await startWorkflow('L-1')
    const proc = host.spawn({entry: 'app.procs:listener', host: HOST}).pid
    node.watch(fn.pid, wf, 'link')
    // A process that monitors the workflow (through the node: the workflow is not its host's)
    node.watch(proc, wf, 'monitor')
    await node.send(wf, 'approve', [{fail: true}], FROM_CODE)
    await settle(60)
    const events = fn.mailbox.drain().map((d) => (d.kind === 'event' ? d.event.kind : d.kind))
    expect(events).toEqual(['pid.exit', 'pid.link.down'])
    const exit = await host.waitForExit(proc)
    expect(exit.value).toMatchObject({event: 'pid.exit'})
  })

  test('a function call that returned is no PID any more, and its watches are dropped', async () => {
    const {engine, fn, host, node} = await setup()
    const proc = host.spawn({entry: 'app.procs:listener', host: HOST}).pid
    node.watch(fn.pid, proc, 'monitor')
    // When the call behind the PID returns (the function host tells the function calls)
    engine.functionCalls.ended(fn.pid)
    await host.send(proc, 'go', [1])
    await host.waitForExit(proc)
    await settle()
    // Then the process's end reaches nobody, and the PID resolves to no host
    expect(fn.mailbox.drain()).toEqual([])
    expect(node.resolve(fn.pid)).toBeUndefined()
    expect((await node.send(fn.pid, 'late', [], FROM_CODE)).error?.kind).toBe('NotFound')
  })

  test('exec resolves with the end of a process or a workflow', async () => {
    const {host, node, startWorkflow} = await setup()
    const wf = await startWorkflow('E-1')
    const proc = host.spawn({entry: 'app.procs:listener', host: HOST}).pid
    const [wfEnd, procEnd] = [node.exec('{functions|0x00001}', wf), node.exec('{functions|0x00001}', proc)]
    await node.send(wf, 'approve', [{}], FROM_CODE)
    await node.send(proc, 'x', [3], FROM_CODE)
    expect(await wfEnd).toEqual({value: {by: FROM_CODE.from, order: 'E-1'}})
    expect(await procEnd).toEqual({value: {data: 3, from: FROM_CODE.from, topic: 'x'}})
  })

  test('two concurrent execs by one watcher on one target both resolve with the result', async () => {
    // Given a workflow known by its ID (as two coroutines of one process would exec it)
    const {fn, node, startWorkflow} = await setup()
    const wf = await startWorkflow('E-2', 'order-e2')
    // When the same watcher execs it twice, once by ID and once by PID, before it ends
    const both = Promise.all([node.exec(fn.pid, 'order-e2'), node.exec(fn.pid, wf)])
    await node.send(wf, 'approve', [{}], FROM_CODE)
    // Then both resolve with its result (neither waits forever)
    const result = {value: {by: FROM_CODE.from, order: 'E-2'}}
    expect(await Promise.race([both, settle(3000).then(() => 'still waiting')])).toEqual([result, result])
  })
})
