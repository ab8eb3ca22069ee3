import {rm} from 'node:fs/promises'
import {describe, expect, it, onTestFinished} from 'vitest'

import {runCli} from '../helpers/cli.js'
import {makeProject, startDev} from '../helpers/dev-server.js'

/**
 * What Lua reaches, the CLI reaches too, against a real `wippy dev` (approval template plus a
 * probe workflow): `wippy update` waits for the workflow's ack/nak and ok/error (exit 0 with the
 * result, exit 1 with the one error shape, a clear timeout, a clear error without a server), and
 * `wippy spawn --message/--context/--option` start a run as `with_message`, `with_context` and
 * `with_options` do.
 */

const PROBE_INDEX = `version: "1.0"
namespace: app.probe
entries:
  - name: limits
    kind: workflow.lua
    source: file://limits.lua
    method: main
    meta: {temporal: {workflow: {worker: app:temporal_worker}}}
  - name: starts
    kind: workflow.lua
    source: file://starts.lua
    method: main
    modules: [ctx, workflow]
    meta: {temporal: {workflow: {worker: app:temporal_worker}}}
`

// set_limit: nak for a non-number, error above 1000, ok otherwise; "silent" is never answered.
const LIMITS = `return {main = function()
  local inbox = process.inbox()
  while true do
    local msg = inbox:receive()
    local from, data = msg:from(), msg:payload() and msg:payload():data()
    if msg:topic() == "set_limit" then
      local n = type(data) == "table" and data.limit
      if type(n) ~= "number" then
        process.send(from, "nak", "limit must be a number")
      else
        process.send(from, "ack")
        if n > 1000 then process.send(from, "error", "limit above 1000 needs approval")
        else process.send(from, "ok", {limit = n}) end
      end
    elseif msg:topic() == "stop" then
      return "stopped"
    end
  end
end}
`

// Reports what its start gave it: the first message, two ctx values, its workflow ID.
const STARTS = `local ctx = require("ctx")
local workflow = require("workflow")
return {main = function(input)
  local msg = process.inbox():receive()
  local second = process.inbox():receive()
  return {
    input = input,
    messages = {{topic = msg:topic(), payload = msg:payload():data(), from = msg:from()}, {topic = second:topic()}},
    tenant = ctx.get("tenant"),
    limits = ctx.get("limits"),
    id = workflow.info().workflow_id,
  }
end}
`

const FILES = {'src/probe/_index.yaml': PROBE_INDEX, 'src/probe/limits.lua': LIMITS, 'src/probe/starts.lua': STARTS}

const json = (text: string) => JSON.parse(text) as Record<string, unknown> & {error?: Record<string, unknown>}

describe('wippy update', () => {
  it('prints the ok result, fails a nak or an error with the one error shape, and times out clearly', async () => {
    // Given a run with a set_limit update
    const dev = await startDev({args: ['--no-watch'], files: FILES})
    const spawned = await dev.cli(['spawn', 'app.probe:limits', '--id', 'lim'])
    expect(spawned.exitCode, spawned.stderr).toBe(0)

    // When the update is accepted and completes, Then the result is printed (and in --json with the run's names)
    const ok = await dev.cli(['update', 'lim', 'set_limit', '{"limit":10}'])
    expect(ok.exitCode, ok.stderr).toBe(0)
    expect(ok.stdout).toBe('{\n  "limit": 10\n}\n')
    const okJson = json((await dev.cli(['update', 'lim', 'set_limit', '{"limit":20}', '--json'])).stdout)
    expect(Object.keys(okJson).sort()).toEqual(['id', 'name', 'pid', 'result', 'runId', 'update'])
    expect(okJson).toMatchObject({
      id: 'lim',
      name: 'set_limit',
      pid: expect.stringContaining('|lim}'),
      result: {limit: 20},
      runId: expect.stringMatching(/^[0-9a-f]{8}$/),
    })
    expect(okJson.update).toMatch(/^\{update\|[0-9a-f-]{36}\}$/)

    // When the workflow answers nak, or ack then error, Then exit 1 with the error shape and the details
    const nak = await dev.cli(['update', 'lim', 'set_limit', '"ten"', '--json'])
    expect(nak.exitCode).toBe(1)
    expect(json(nak.stdout).error).toMatchObject({
      code: 'WIPPY_UPDATE_REJECTED',
      details: {id: 'lim', message: 'limit must be a number', name: 'set_limit', status: 'rejected'},
      message: 'Workflow lim rejected the update set_limit: limit must be a number.',
    })
    const failed = await dev.cli(['update', 'lim', 'set_limit', '{"limit":5000}'])
    expect(failed.exitCode).toBe(1)
    expect(failed.stderr).toContain('WIPPY_UPDATE_FAILED')
    expect(failed.stderr).toContain('Workflow lim failed the update set_limit: limit above 1000 needs approval.')

    // When nobody answers, Then --timeout ends the wait with a clear error
    const silent = await dev.cli(['update', 'lim', 'silent', '--timeout', '300ms', '--json'])
    expect(silent.exitCode).toBe(1)
    expect(json(silent.stdout).error).toMatchObject({
      code: 'WIPPY_UPDATE_TIMEOUT',
      details: {stage: 'delivered'},
      message: expect.stringContaining('got no ack or nak within 300 ms'),
    })
    const badTimeout = await dev.cli(['update', 'lim', 'silent', '--timeout', '0'])
    expect(badTimeout.exitCode).toBe(2)

    // And the history shows the updates arriving from their PIDs and every answer sent
    const view = json((await dev.cli(['history', 'inspect', 'lim', '--json'])).stdout) as {
      events: Array<{error?: unknown; from?: string; target?: string; topic?: string; type: string}>
    }
    const received = view.events.filter((e) => e.type === 'SignalReceived')
    expect(received[0]?.from).toMatch(/^\{update\|/)
    const sent = view.events.filter((e) => e.type === 'SignalSent')
    expect(sent.map((e) => e.topic)).toEqual(['ack', 'ok', 'ack', 'ok', 'nak', 'ack', 'error'])
    expect(sent.filter((e) => e.error)).toEqual([])

    // And after a restart the run replays those answers (sends nothing again) and takes updates
    expect(await dev.stop()).toBe(0)
    const again = await startDev({args: ['--no-watch'], root: dev.root})
    const after = await again.cli(['update', 'lim', 'set_limit', '{"limit":7}'])
    expect(after.exitCode, after.stderr).toBe(0)
    const replayed = json((await again.cli(['history', 'inspect', 'lim', '--json'])).stdout) as typeof view
    expect(replayed.events.filter((e) => e.type === 'SignalSent')).toHaveLength(sent.length + 2)
    expect(json((await again.cli(['ps', '--json'])).stdout)).toMatchObject({
      processes: expect.arrayContaining([expect.objectContaining({id: 'lim', status: 'running'})]),
    })
  }, 60_000)

  it('without a dev server says that updates need one', async () => {
    const root = await makeProject('templates/approval', FILES)
    onTestFinished(() => rm(root, {force: true, recursive: true}))
    const out = await runCli(['update', 'wf-1', 'set_limit', '{"limit":1}', '--json'], {cwd: root})
    expect(out.exitCode).toBe(1)
    expect(json(out.stdout).error).toMatchObject({
      code: 'WIPPY_DEV_NOT_RUNNING',
      hint: expect.stringContaining('Updates need a running engine'),
    })
  })
})

describe('wippy spawn start flags', () => {
  it('--message, --context and --option start the run as with_message, with_context and with_options', async () => {
    const dev = await startDev({args: ['--no-watch'], files: FILES})
    // When a run is started with two messages, two context values and an explicit ID by option
    const run = await dev.cli([
      'spawn',
      'app.probe:starts',
      '--message',
      'approve={"approved":true}',
      '--message',
      'nudge',
      // (the input after a repeatable flag is still the input)
      '{"n":1}',
      '--context',
      'tenant=acme',
      '--context',
      'limits={"max":5}',
      '--option',
      'temporal.workflow.id=order-7',
      '--wait',
      '--json',
    ])
    // Then the workflow saw the messages in order (from the CLI), the ctx values and the ID
    expect(run.exitCode, run.stderr).toBe(0)
    expect(json(run.stdout)).toMatchObject({
      id: 'order-7',
      result: {
        id: 'order-7',
        input: {n: 1},
        limits: {max: 5},
        messages: [{from: 'wippy-cli', payload: {approved: true}, topic: 'approve'}, {topic: 'nudge'}],
        tenant: 'acme',
      },
      status: 'completed',
    })

    // And a conflict policy passes through: fail refuses a running ID, use_existing (the default) reuses it
    const open = await dev.cli(['spawn', 'app.probe:limits', '--option', 'workflow.id=held'])
    expect(open.exitCode, open.stderr).toBe(0)
    const refused = await dev.cli([
      'spawn',
      'app.probe:limits',
      '--option',
      'temporal.workflow.id=held',
      '--option',
      'temporal.workflow.id_conflict_policy=fail',
      '--json',
    ])
    expect(refused.exitCode).toBe(1)
    expect(json(refused.stdout).error).toMatchObject({code: 'WIPPY_WORKFLOW_ALREADY_STARTED'})
    const reused = json((await dev.cli(['spawn', 'app.probe:limits', '--id', 'held', '--json'])).stdout)
    expect(reused).toMatchObject({existing: true, id: 'held'})

    // And option keys are checked: a typo gets a did-you-mean, a platform key not applied here a warning
    const typo = await dev.cli([
      'spawn',
      'app.probe:limits',
      '--option',
      'temporal.workflow.id_conflict_polcy=fail',
      '--json',
    ])
    expect(typo.exitCode).toBe(2)
    expect(json(typo.stdout).error).toMatchObject({
      code: 'WIPPY_START_OPTION_UNKNOWN',
      details: {suggestion: 'temporal.workflow.id_conflict_policy'},
      hint: expect.stringContaining('Did you mean "temporal.workflow.id_conflict_policy"?'),
    })
    const ignored = await dev.cli(['spawn', 'app.probe:limits', '--option', 'temporal.workflow.cron_schedule=@daily'])
    expect(ignored.exitCode, ignored.stderr).toBe(0)
    expect(ignored.stderr).toContain(
      'temporal.workflow.cron_schedule is a platform option the dev server does not apply',
    )
    const disagree = await dev.cli(['spawn', 'app.probe:limits', '--id', 'a', '--option', 'temporal.workflow.id=b'])
    expect(disagree.exitCode).toBe(2)
    const noKey = await dev.cli(['spawn', 'app.probe:limits', '--context', 'tenant'])
    expect(noKey.exitCode).toBe(2)
    expect(noKey.stderr).toContain('--context "tenant" is not key=value.')
  }, 60_000)
})
