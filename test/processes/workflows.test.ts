/**
 * Processes ↔ workflows: a process spawns a workflow on a `temporal.worker` host, signals it,
 * monitors it, cancels it, and gets its EXIT — through the real engine's node and its durable
 * WorkflowHost (real history files, real Lua VMs).
 */
import {describe, expect, test} from 'vitest'

import {Engine} from '../../src/engine/engine.js'
import type {LuaCommand} from '../../src/lua/types.js'
import {Mailbox} from '../../src/hosts/functions/drive-program.js'
import {temporalWorkerConfig} from '../../src/registry/index.js'
import {addApprovalWorkflow, onCleanup, procProject} from './helpers.js'

const APPROVAL = `local function main(order)
  local ch = process.inbox()
  local ev = process.events()
  local r = channel.select({ch:case_receive(), ev:case_receive()})
  if r.channel == ev then return {order = order, status = "cancelled", reason = r.value.reason} end
  local msg = r.value
  return {order = order, status = msg:payload():data().approved and "approved" or "rejected", by = msg:from()}
end
return {main = main}
`

async function setup(procs: Record<string, string>) {
  const project = procProject(procs)
  addApprovalWorkflow(project, APPROVAL)
  const engine = await Engine.start({env: {}, root: project.root})
  onCleanup(() => engine.close())
  // The engine's own process host: it reaches the workflows through the engine's node.
  const host = engine.processes!.host
  return {engine, host}
}

describe('processes and workflows', () => {
  test('a process spawns a workflow, signals it, and gets its EXIT with the result', async () => {
    const {engine, host} = await setup({
      requester: `local function main()
  local wf, err = process.spawn_monitored("app.wf:approval", "app:temporal_worker", "A-1")
  if err then return nil, err end
  process.send(wf, "approve", {approved = true})
  local e = process.events():receive()
  return {wf = wf, kind = e.kind, from = e.from, result = e.result.value}
end
return {main = main}`,
    })
    const {pid} = host.spawn({entry: 'app.procs:requester', host: 'app:processes'})
    const r = await host.waitForExit(pid)
    const v = r.value as {from: string; kind: string; result: unknown; wf: string}
    // The workflow PID has the platform shape, the EXIT came from it, and the sender is the process
    expect(v.wf).toMatch(/^\{app:temporal_client@app:temporal_worker\|.+\}$/)
    expect(v).toMatchObject({from: v.wf, kind: 'pid.exit', result: {by: pid, order: 'A-1', status: 'approved'}})
    // And the workflow's history recorded the signal durably
    const types = (await engine.history(v.wf)).events.map((e) => e.type)
    expect(types).toContain('SignalReceived')
  })

  test('process.exec of a workflow waits for its result; cancel reaches the workflow as CANCEL', async () => {
    const {host} = await setup({
      boss: `local function main()
  local wf = process.with_options({}):with_name("order-7"):spawn_monitored("app.wf:approval", "app:temporal_worker", "B-7")
  process.cancel(wf, "customer left")
  local e = process.events():receive()
  return {wf = wf, result = e.result.value}
end
return {main = main}`,
      execer: `local function main()
  local r, err = process.with_options({}):with_message("approve", {approved = false})
    :exec("app.wf:approval", "app:temporal_worker", "C-3")
  return r, err
end
return {main = main}`,
    })
    const boss = host.spawn({entry: 'app.procs:boss', host: 'app:processes'}).pid
    const execer = host.spawn({entry: 'app.procs:execer', host: 'app:processes'}).pid
    const [b, e] = await Promise.all([host.waitForExit(boss), host.waitForExit(execer)])
    expect(b.value).toMatchObject({
      result: {order: 'B-7', reason: 'customer left', status: 'cancelled'},
      wf: '{app:temporal_client@app:temporal_worker|order-7}',
    })
    expect(e.value).toMatchObject({order: 'C-3', status: 'rejected'})
  })

  test('a message from a workflow PID reaches a process with that sender', async () => {
    const {host} = await setup({
      listener: `local function main()
  local m = process.inbox():receive()
  return {from = m:from(), topic = m:topic(), data = m:payload():data()}
end
return {main = main}`,
    })
    const {pid} = host.spawn({entry: 'app.procs:listener', host: 'app:processes'})
    expect(await host.send(pid, 'done', [{ok: true}], '{app:temporal_client@app:temporal_worker|w1}')).toBeUndefined()
    expect((await host.waitForExit(pid)).value).toEqual({
      data: {ok: true},
      from: '{app:temporal_client@app:temporal_worker|w1}',
      topic: 'done',
    })
  })
})

test('a function links to a workflow: EXIT on its end (and LINK_DOWN on failure); unlink stops both', async () => {
  // Given two running approval workflows and a function's gateway and mailbox
  const {engine} = await setup({})
  const gateway = engine.functionCalls
  const worker = engine.currentRegistry.entries.get('app:temporal_worker')!
  const start = async (order: string) =>
    (
      await engine.workflows.start({
        client: temporalWorkerConfig(worker).client,
        entry: 'app.wf:approval',
        input: [order],
        worker: worker.id,
      })
    ).pid
  const [kept, dropped] = [await start('L-1'), await start('L-2')]
  const mailbox = new Mailbox()
  const caller = {entryId: 'app.fn:linker', mailbox, pid: '{functions|0x00001}'}
  const cmd = (op: 'process.link' | 'process.unlink', pid: string, tag: number) =>
    ({args: [pid], op, tag}) as LuaCommand
  // When it links to both, unlinks one, and both workflows finish
  expect(await gateway.execute(cmd('process.link', kept, 1), caller)).toEqual({value: true})
  await gateway.execute(cmd('process.link', dropped, 2), caller)
  expect(mailbox.expected).toBe(2)
  await gateway.execute(cmd('process.unlink', dropped, 3), caller)
  expect(mailbox.expected).toBe(1)
  await engine.workflows.signal(dropped, 'approve', [{approved: true}], '')
  await engine.workflows.signal(kept, 'approve', [{approved: false}], '')
  await engine.workflows.waitForClose(kept)
  await engine.workflows.waitForClose(dropped)
  await new Promise((r) => setTimeout(r, 20))
  // Then only the kept link reports, with the workflow's result
  const got = mailbox.drain()
  expect(got).toHaveLength(1)
  expect(got[0]).toMatchObject({
    event: {from: kept, kind: 'pid.exit', result: {value: {order: 'L-1', status: 'rejected'}}},
    kind: 'event',
  })
  expect(mailbox.expected).toBe(0)
})
