/**
 * `wippy dev` end to end: the built CLI as a real child process on a temp copy of the approval
 * template, driven from second processes (`wippy spawn/signal/...`). Run `npm run build` first.
 */
import {statSync} from 'node:fs'
import {readFile} from 'node:fs/promises'
import {connect} from 'node:net'
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'

import {startDev} from '../helpers/dev-server.js'

const SLEEPER_FILES = {
  'src/workflows/_index.yaml': (text: string) =>
    text +
    `
  - name: sleeper
    kind: workflow.lua
    source: file://sleeper.lua
    method: main
    modules: [time]
    meta:
      temporal:
        workflow:
          worker: app:temporal_worker
`,
  'src/workflows/sleeper.lua': `local time = require("time")

local function main(input)
    time.sleep("24h")
    return {slept = true}
end

return {main = main}
`,
}

const EXTRA_NAMESPACE = `version: "1.0"
namespace: app.extra

entries:
  - name: hello
    kind: function.lua
    source: file://hello.lua
    method: hello
`
const HELLO_LUA = `local function hello(name)
    return "hello " .. tostring(name)
end
return {hello = hello}
`

function json<T = any>(stdout: string): T {
  return JSON.parse(stdout) as T
}

describe('wippy dev: hot reload', () => {
  it('reloads on edit, add and delete, one line per reload', async () => {
    // Given a running dev server
    const dev = await startDev()

    // When a Lua file is edited, Then one reload reports the changed entry
    let mark = dev.output().length
    await dev.editFile('src/reviews/reviews.lua', (t) => t + '\n-- edited\n')
    await dev.waitForOutput(/reloaded \+0 ~\d+ -0 in \d+ ms/, {from: mark})

    // When a new namespace with a function is added, Then it is reported as added and callable
    mark = dev.output().length
    await dev.editFile('src/extra/hello.lua', HELLO_LUA)
    await dev.editFile('src/extra/_index.yaml', EXTRA_NAMESPACE)
    await dev.waitForOutput(/reloaded \+1 ~0 -0 in \d+ ms \(app\.extra:hello\)/, {from: mark})
    const call = await dev.cli(['call', 'app.extra:hello', '"dev"', '--json'])
    expect(call.exitCode, call.stderr).toBe(0)
    expect(json(call.stdout).value).toBe('hello dev')

    // When it is deleted, Then it is reported as removed
    mark = dev.output().length
    await dev.removeFile('src/extra')
    await dev.waitForOutput(/reloaded \+0 ~0 -1 in \d+ ms \(app\.extra:hello\)/, {from: mark})
  })

  it('reports a broken edit with file:line, keeps serving, then recovers', async () => {
    const dev = await startDev()
    const mark = dev.output().length

    // When the YAML breaks
    await dev.editFile('src/reviews/_index.yaml', (t) =>
      t.replace('  - name: submit', '  - name: submit\n   bad: [indent'),
    )
    const out = await dev.waitForOutput(/reload failed: src\/reviews\/_index\.yaml:\d+/, {from: mark})
    expect(out).toContain('keeping the last good registry')

    // Then the server still runs the last good registry
    const spawned = await dev.cli(['spawn', 'app.workflows:approval', '{"order_id":"o-1","amount":1}', '--json'])
    expect(spawned.exitCode, spawned.stderr).toBe(0)

    // When the file is fixed, Then the next reload succeeds
    const fixed = dev.output().length
    await dev.editFile('src/reviews/_index.yaml', (t) => t.replace('\n   bad: [indent', ''))
    await dev.waitForOutput(/reloaded \+\d+ ~\d+ -\d+ in \d+ ms/, {from: fixed})
  })
})

describe('wippy dev: driving runs from a second process', () => {
  it('runs the approval flow: spawn, ps, signal, history inspect, result', async () => {
    const dev = await startDev()

    // When a workflow is spawned
    const spawned = await dev.cli(['spawn', 'app.workflows:approval', '{"order_id":"o-7","amount":70}', '--json'])
    expect(spawned.exitCode, spawned.stderr).toBe(0)
    const {id, pid, entry, host} = json(spawned.stdout)
    expect({entry, host}).toEqual({entry: 'app.workflows:approval', host: 'app:temporal_worker'})
    expect(pid).toContain(id)

    // Then ps shows it waiting for a signal
    await dev.waitForOutput(`step ${id} #3 ActivityCompleted`)
    const ps = await dev.cli(['ps', '--json'])
    const row = json(ps.stdout).processes.find((p: {id: string}) => p.id === id)
    expect(row).toMatchObject({
      entry: 'app.workflows:approval',
      kind: 'workflow',
      status: 'running',
      waiting: 'waiting for a signal',
    })

    // When it is signalled by a unique prefix of its ID
    const signal = await dev.cli(['signal', id.slice(0, 8), 'approve', '{"approved": true}', '--json'])
    expect(signal.exitCode, signal.stderr).toBe(0)
    expect(json(signal.stdout)).toMatchObject({delivered: true, pid})
    await dev.waitForOutput(`run completed ${id}`)

    // Then the history tells the whole story, with Lua file:line
    const inspect = await dev.cli(['history', 'inspect', id, '--json'])
    const view = json(inspect.stdout)
    expect(view.status).toBe('completed')
    expect(view.events.map((e: {type: string}) => e.type)).toEqual([
      'WorkflowStarted',
      'ActivityScheduled',
      'ActivityCompleted',
      'SignalReceived',
      'ActivityScheduled',
      'ActivityCompleted',
      'WorkflowCompleted',
    ])
    expect(view.events.at(-1).result).toEqual({order_id: 'o-7', status: 'fulfilled'})
    const human = await dev.cli(['history', 'inspect', id])
    expect(human.stdout).toMatch(
      / {3}2 +\+\d+\.\d{3}s {2}ActivityScheduled app\.reviews:submit\(.*\) {3}src\/workflows\/approval\.lua:\d+/,
    )

    // And `spawn --wait` waits for the result (here: until a second process signals a rejection)
    const waiting = dev.cli([
      'spawn',
      'app.workflows:approval',
      '{"order_id":"o-8","amount":1}',
      '--id',
      'o-8',
      '--wait',
      '--json',
    ])
    await dev.waitForOutput('step o-8 #3 ActivityCompleted')
    await dev.cli(['signal', 'o-8', 'approve', '{"approved": false, "reason": "no"}'])
    const waited = await waiting
    expect(waited.exitCode, waited.stderr).toBe(0)
    expect(json(waited.stdout)).toMatchObject({
      id: 'o-8',
      result: {order_id: 'o-8', status: 'rejected'},
      status: 'completed',
    })
  }, 40_000)

  it('queues a signal while no dev server runs and delivers it on the next start', async () => {
    const dev = await startDev()
    const spawned = json(
      (await dev.cli(['spawn', 'app.workflows:approval', '{"order_id":"o-q","amount":3}', '--id', 'order-q', '--json']))
        .stdout,
    )
    await dev.waitForOutput('step order-q #3 ActivityCompleted')
    expect(await dev.stop()).toBe(0)

    // When signalled with the server down
    const queued = await dev.cli(['signal', 'order-q', 'approve', '{"approved": false, "reason": "too late"}'])
    expect(queued.exitCode, queued.stderr).toBe(0)
    expect(queued.stdout).toContain('queued in the history')
    const offlinePs = await dev.cli(['ps', '--json'])
    expect(json(offlinePs.stdout)).toMatchObject({processes: [{id: 'order-q', status: 'running'}], source: 'files'})

    // Then the next dev server delivers it while recovering the run
    const again = await startDev({root: dev.root})
    await again.waitForOutput('run completed order-q {"order_id":"o-q","status":"rejected"}')
    const view = json((await again.cli(['history', 'inspect', 'order-q', '--json'])).stdout)
    expect(view).toMatchObject({pid: spawned.pid, status: 'completed'})
    expect(view.events[3]).toMatchObject({from: 'wippy-cli', topic: 'approve', type: 'SignalReceived'})
  }, 40_000)

  it('forks a finished run at an event and runs the fork live', async () => {
    const dev = await startDev()
    await dev.cli(['spawn', 'app.workflows:approval', '{"order_id":"o-f","amount":3}', '--id', 'orig'])
    await dev.waitForOutput('step orig #3 ActivityCompleted')
    await dev.cli(['signal', 'orig', 'approve', '{"approved": true}'])
    await dev.waitForOutput('run completed orig')

    // When forked after the submit step (events 1..3)
    const fork = await dev.cli(['fork', 'orig', '--at', '3', '--id', 'orig-2', '--json'])
    expect(fork.exitCode, fork.stderr).toBe(0)
    expect(json(fork.stdout)).toMatchObject({entry: 'app.workflows:approval', id: 'orig-2'})

    // Then the fork waits for its own decision and ends on it
    await dev.cli(['signal', 'orig-2', 'approve', '{"approved": false}'])
    await dev.waitForOutput('run completed orig-2')
    const view = json((await dev.cli(['history', 'inspect', 'orig-2', '--json'])).stdout)
    expect(view.events[0].forkedFrom).toMatchObject({at: 3})
    expect(view.events.at(-1).result).toEqual({order_id: 'o-f', status: 'rejected'})
  }, 40_000)

  it('skips a 24h sleep in seconds with `wippy time skip`', async () => {
    const dev = await startDev({files: SLEEPER_FILES})
    const t0 = Date.now()
    await dev.cli(['spawn', 'app.workflows:sleeper', '--id', 'nap'])
    await dev.waitForOutput('step nap #2 TimerStarted 24h')
    const ps = json((await dev.cli(['ps', '--json'])).stdout)
    expect(ps.processes[0].waiting).toMatch(/sleeping/)

    const skip = await dev.cli(['time', 'skip', 'nap', '--by', '24h', '--json'])
    expect(skip.exitCode, skip.stderr).toBe(0)
    expect(json(skip.stdout).skippedMs).toBe(24 * 3_600_000)
    await dev.waitForOutput('run completed nap {"slept":true}')
    expect(Date.now() - t0).toBeLessThan(10_000)
  }, 30_000)
})

describe('wippy dev: replay-aware reload and follow', () => {
  it('moves a compatible run to the new code and pins a diverging one, with the fork command', async () => {
    const dev = await startDev()
    // Given two runs waiting for a decision, one small and one large order
    await dev.cli(['spawn', 'app.workflows:approval', '{"order_id":"small","amount":5}', '--id', 'small'])
    await dev.cli(['spawn', 'app.workflows:approval', '{"order_id":"large","amount":500}', '--id', 'large'])
    await dev.waitForOutput('step small #3 ActivityCompleted')
    await dev.waitForOutput('step large #3 ActivityCompleted')

    // When the code starts rejecting large orders before submitting them
    const mark = dev.output().length
    await dev.editFile('src/workflows/approval.lua', (t) =>
      t.replace(
        '    local _, err = funcs.call("app.reviews:submit", request)',
        '    if request.amount > 100 then\n        return nil, "too large"\n    end\n    local _, err = funcs.call("app.reviews:submit", request)',
      ),
    )
    const out = await dev.waitForOutput(/reload: large .*\n/, {from: mark})

    // Then the small run moves, and the large one stays on its old code with a way forward
    expect(out).toMatch(/reloaded \+0 ~1 -0 in \d+ ms \(app\.workflows:approval\)/)
    expect(out).toContain('reload: small moved to the new code')
    expect(out).toMatch(
      /reload: large diverges at event \d+: expected .*; stays on its old code; restart it on the new code: wippy fork large --at \d+/,
    )

    // And both finish: the pinned one on the code it started with
    await dev.cli(['signal', 'large', 'approve', '{"approved": true}'])
    await dev.waitForOutput('run completed large {"order_id":"large","status":"fulfilled"}')
    await dev.cli(['signal', 'small', 'approve', '{"approved": true}'])
    await dev.waitForOutput('run completed small {"order_id":"small","status":"fulfilled"}')
  }, 40_000)

  it('history inspect --follow streams events until the run closes', async () => {
    const dev = await startDev()
    await dev.cli(['spawn', 'app.workflows:approval', '{"order_id":"f","amount":1}', '--id', 'followed'])
    await dev.waitForOutput('step followed #3 ActivityCompleted')
    const following = dev.cli(['history', 'inspect', 'followed', '--follow'])
    await new Promise((r) => setTimeout(r, 1000))
    await dev.cli(['signal', 'followed', 'approve', '{"approved": true}'])
    const followed = await following
    expect(followed.exitCode, followed.stderr).toBe(0)
    const lines = followed.stdout.trimEnd().split('\n')
    expect(lines[0]).toMatch(/^ {3}1 .* WorkflowStarted /)
    expect(lines.at(-1)).toMatch(/^ {3}7 .* WorkflowCompleted \{"order_id":"f","status":"fulfilled"\}$/)
    expect(followed.stderr).toContain('completed')
  }, 30_000)
})

describe('wippy dev: the control channel and the lock', () => {
  it('creates the socket with mode 0600 and answers malformed requests with errors', async () => {
    const dev = await startDev()
    const socket = `${dev.root}/.wippy/dev/control.sock`
    expect(statSync(socket).mode & 0o777).toBe(0o600)
    expect(statSync(`${dev.root}/.wippy/dev`).mode & 0o777).toBe(0o700)

    const replies = await exchange(
      socket,
      [
        'not json',
        '{"id": 1, "method": "nope"}',
        '{"id": 2, "method": "signal", "params": {"pid": 5}}',
        '{"id": 3, "method": "status"}',
      ],
      4,
    )
    const errors = replies.filter((r) => !r.ok).map((r) => r.error?.code)
    expect(errors).toEqual(['WIPPY_CONTROL_BAD_REQUEST', 'WIPPY_CONTROL_BAD_REQUEST', 'WIPPY_CONTROL_BAD_REQUEST'])
    expect(replies.find((r) => r.ok)).toMatchObject({id: 3, ok: true, result: {entries: 7}})
  })

  it('refuses a second `wippy dev` in the same project and says which pid runs it', async () => {
    const dev = await startDev()
    const second = await dev.cli(['dev', '--no-tui'])
    expect(second.exitCode).toBe(1)
    expect(second.stderr).toMatch(/WIPPY_DEV_ALREADY_RUNNING: `wippy dev` already runs in this project \(pid \d+/)
  })

  it('stops cleanly on SIGTERM: socket and lock removed; a SIGKILLed server is taken over', async () => {
    const dev = await startDev()
    expect(await dev.stop()).toBe(0)
    expect(dev.output()).toContain('stopped')
    const after = await dev.cli(['spawn', 'app.workflows:approval'])
    expect(after.exitCode).toBe(1)
    expect(after.stderr).toContain('WIPPY_DEV_NOT_RUNNING')

    // Given a server SIGKILLed while a run waits for a signal
    const killed = await startDev({root: dev.root})
    await killed.cli(['spawn', 'app.workflows:approval', '{"order_id":"k","amount":1}', '--id', 'crash'])
    await killed.waitForOutput('step crash #3 ActivityCompleted')
    await killed.kill()

    // Then the next server takes the stale lock and socket over, and the run carries on
    const next = await startDev({root: dev.root})
    expect(next.output()).toMatch(/recovered 1 open runs by replaying 3 events/)
    await next.cli(['signal', 'crash', 'approve', '{"approved": true}'])
    await next.waitForOutput('run completed crash {"order_id":"k","status":"fulfilled"}')
  }, 30_000)
})

/** Sends raw lines to a socket and collects `count` reply lines. */
function exchange(
  socket: string,
  lines: string[],
  count: number,
): Promise<Array<{id: unknown; ok: boolean; error?: {code: string}; result?: unknown}>> {
  return new Promise((resolve, reject) => {
    const conn = connect(socket)
    let buffer = ''
    conn.setEncoding('utf8')
    conn.on('data', (chunk: string) => {
      buffer += chunk
      const got = buffer.split('\n').filter(Boolean)
      if (got.length >= count) {
        conn.destroy()
        resolve(got.map((l) => JSON.parse(l)))
      }
    })
    conn.on('error', reject)
    conn.write(lines.join('\n') + '\n')
  })
}

describe("wippy dev: runs never strand by the engine's fault", () => {
  const SUBMIT = '    local _, err = funcs.call("app.reviews:submit", request)'
  /** Diverges at event 2 (the submit call gets another argument). */
  const incompatible = (t: string) =>
    t.replace(SUBMIT, '    local _, err = funcs.call("app.reviews:submit", request, "v2")')
  /** The template's wait, turned into one that reads only the inbox. */
  const IGNORES_CANCEL = {
    from: 'channel.select({inbox:case_receive(), events:case_receive()})',
    to: '{channel = inbox, value = inbox:receive()}',
  }

  it('two signals queued while dev is down replay after the restart (the run completes, not blocked)', async () => {
    // Given a run waiting for its decision, and the server killed
    const dev = await startDev()
    await dev.cli(['spawn', 'app.workflows:approval', '{"order_id":"Q-1","amount":1}', '--id', 'q2'])
    await dev.waitForOutput('step q2 #3 ActivityCompleted')
    await dev.kill()

    // When two signals are queued offline, back to back
    const first = await dev.cli(['signal', 'q2', 'approve', '{"approved":true}'])
    const second = await dev.cli(['signal', 'q2', 'approve', '{"approved":false}'])
    expect(first.stdout).toContain('(event 4)')
    expect(second.stdout).toContain('(event 5)')

    // Then the restarted server replays both and the run completes on the first decision
    const again = await startDev({root: dev.root})
    await again.waitForOutput('run completed q2 {"order_id":"Q-1","status":"fulfilled"}')
    expect(again.output()).not.toContain('run blocked q2')
    const inspect = await again.cli(['history', 'inspect', 'q2'])
    expect(inspect.stdout).toMatch(/SignalReceived +approve \{"approved":true\} \(queued\)/)
  }, 40_000)

  it('a blocked run refuses signals with the way out, history says why, and reverting the code unblocks it', async () => {
    // Given a run blocked by an edit made while dev was down
    const dev = await startDev()
    await dev.cli(['spawn', 'app.workflows:approval', '{"order_id":"B-1","amount":1}', '--id', 'blk'])
    await dev.waitForOutput('step blk #3 ActivityCompleted')
    expect(await dev.stop()).toBe(0)
    const original = await readFile(join(dev.root, 'src/workflows/approval.lua'), 'utf8')
    await dev.editFile('src/workflows/approval.lua', incompatible)
    const again = await startDev({root: dev.root})
    await again.waitForOutput('1 blocked (see `wippy ps --status blocked`)')
    const blocked = await again.cli(['ps', '--status', 'blocked'])
    expect(blocked.stdout).toMatch(/blk .* blocked +\S+ +Workflow blk diverges from its history at event 2/)

    // When it is signalled, the signal is refused with the reason and the ways out
    const signal = await again.cli(['signal', 'blk', 'approve', '{"approved":true}'])
    expect(signal.exitCode).toBe(1)
    expect(signal.stderr).toContain('WIPPY_RUN_BLOCKED')
    expect(signal.stderr).toContain('wippy fork blk --at 1')
    expect(signal.stderr).toContain('wippy terminate blk')
    // And `spawn --wait` on it (the same ID reuses the run) answers at once with the reason, non-zero
    const t0 = Date.now()
    const waited = await again.cli([
      'spawn',
      'app.workflows:approval',
      '{"order_id":"B-1","amount":1}',
      '--id',
      'blk',
      '--wait',
    ])
    expect(waited.exitCode).toBe(1)
    expect(waited.stderr).toContain('(already running)')
    expect(waited.stderr).toMatch(/Workflow blk blocked: Workflow blk diverges from its history at event 2/)
    expect(Date.now() - t0).toBeLessThan(10_000)
    // And history inspect says why it is blocked
    const inspect = await again.cli(['history', 'inspect', 'blk'])
    expect(inspect.stdout).toMatch(/why: Workflow blk diverges from its history at event 2/)
    expect(inspect.stdout).toMatch(/way out: .*wippy fork blk --at 1/)

    // When the code is reverted, the reload unblocks it and it finishes
    const mark = again.output().length
    await again.editFile('src/workflows/approval.lua', original)
    await again.waitForOutput('reload: blk replays on the new code; unblocked', {from: mark})
    const delivered = await again.cli(['signal', 'blk', 'approve', '{"approved":true}'])
    expect(delivered.exitCode, delivered.stderr).toBe(0)
    await again.waitForOutput('run completed blk {"order_id":"B-1","status":"fulfilled"}')
  }, 40_000)

  it('ps marks runs on old code (with the fork command) and cancel requests, in text and --json, across a restart', async () => {
    // Given a run that an incompatible reload leaves on its old code, and whose wait ignores
    // cancels (the template's ends on one), so the run stays open after the request
    const dev = await startDev({
      files: {'src/workflows/approval.lua': (t) => t.replace(IGNORES_CANCEL.from, IGNORES_CANCEL.to)},
    })
    await dev.cli(['spawn', 'app.workflows:approval', '{"order_id":"O-1","amount":1}', '--id', 'old'])
    await dev.waitForOutput('step old #3 ActivityCompleted')
    const mark = dev.output().length
    await dev.editFile('src/workflows/approval.lua', incompatible)
    await dev.waitForOutput(/reload: old diverges at event 2/, {from: mark})

    // Then ps says so, with the whole fork command
    const text = await dev.cli(['ps'])
    expect(text.stdout).toContain('on old code: restart it on the new code with `wippy fork old --at 1`')
    const rows = json((await dev.cli(['ps', '--json'])).stdout).processes
    expect(rows[0]).toMatchObject({id: 'old', oldCode: {forkCommand: 'wippy fork old --at 1'}, status: 'running'})

    // When it is cancelled, ps shows the request at once, and history reads sensibly
    await dev.cli(['cancel', 'old'])
    expect((await dev.cli(['ps'])).stdout).toContain('cancel requested from the CLI')
    expect((await dev.cli(['history', 'inspect', 'old'])).stdout).toMatch(/CancelRequested +from the CLI\n/)

    // And after a restart the run is still on old code, not blocked
    expect(await dev.stop()).toBe(0)
    const again = await startDev({root: dev.root})
    const after = json((await again.cli(['ps', '--json'])).stdout).processes
    expect(after[0]).toMatchObject({id: 'old', oldCode: {forkCommand: 'wippy fork old --at 1'}, status: 'running'})
  }, 40_000)
})
