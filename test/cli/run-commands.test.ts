import {execa} from 'execa'
import {mkdir, mkdtemp, readFile, rm, writeFile} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'

import {BIN, runCli} from '../helpers/cli.js'
import {REPO, makeProject, startDev} from '../helpers/dev-server.js'

/**
 * The run commands as a newcomer meets them, against a real `wippy dev` on the orders
 * template: IDs (not PIDs) in what people read, `spawn --wait` naming the run at once and
 * letting go of it on Ctrl-C, the README's own examples, and clear errors for the usual slips.
 */
describe('run commands against wippy dev (orders template)', () => {
  it('spawn --wait prints the ID at once; Ctrl-C stops waiting and the run keeps running', async () => {
    const dev = await startDev({args: ['--no-watch'], template: 'templates/orders'})
    const child = execa(
      process.execPath,
      [BIN, 'spawn', 'app.workflows:approval', '{"order_id":"W-2","amount":3}', '--wait'],
      {cwd: dev.root, env: {NO_COLOR: '1'}, reject: false, stdin: 'ignore'},
    )
    let stderr = ''
    child.stderr?.on('data', (c: Buffer) => (stderr += c.toString()))
    const deadline = Date.now() + 15_000
    while (!/^wf-[0-9a-f]{12} /.test(stderr) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20))
    // Given the ID, shown while the run waits for its signal
    const id = /^(wf-[0-9a-f]{12})  app\.workflows:approval: waiting for it to finish/.exec(stderr)?.[1]
    expect(id, stderr).toBeTruthy()

    // When the user presses Ctrl-C
    child.kill('SIGINT')
    const done = await child
    expect(done.exitCode).toBe(130)
    expect(String(done.stderr)).toContain(`stopped waiting; ${id} keeps running`)

    // Then the run is still there, waiting, and can be signalled to completion by that ID
    const ps = JSON.parse((await dev.cli(['ps', '--json'])).stdout) as {processes: Array<{id: string; status: string}>}
    expect(ps.processes.find((p) => p.id === id)?.status).toBe('running')
    const signal = await dev.cli(['signal', id!, 'approve', '{"approved":true}'])
    expect(signal.stdout).toBe(`signal approve delivered to ${id}\n`)
    const verbose = await dev.cli(['history', 'inspect', id!, '--verbose'])
    expect(verbose.stdout.split('\n')[0]).toContain(`${id} ({app:temporal_client@app:temporal_worker|${id}})`)

    // And the README's examples run as written (the commands table uses the orders template)
    const readme = await readFile(join(REPO, 'README.md'), 'utf8')
    const saga = /`wippy (spawn app\.workflows:order_saga '[^']+' --wait)`/.exec(readme)?.[1]
    expect(saga).toBeTruthy()
    const sagaRun = await dev.cli(saga!.match(/'[^']+'|\S+/g)!.map((a) => a.replace(/^'|'$/g, '')))
    expect(sagaRun.exitCode, sagaRun.stderr).toBe(0)
    expect(sagaRun.stdout).toMatch(/^completed: \{.*"status":"completed"/)
    const call = /`wippy (call app\.payments:charge_card '[^']+')`/.exec(readme)?.[1]
    const callRun = await dev.cli(call!.match(/'[^']+'|\S+/g)!.map((a) => a.replace(/^'|'$/g, '')))
    expect(callRun.exitCode, callRun.stderr).toBe(0)
    const suite = /`wippy test --suite (\w+)`/.exec(readme)?.[1]
    const testRun = await dev.cli(['test', '--suite', suite!])
    expect(testRun.exitCode, testRun.stdout).toBe(0)
    expect(testRun.stdout).toMatch(/^[1-9]\d* passed, 0 failed$/m)
  }, 90_000)

  it('a payment without an id fails at once saying what to pass, not with a Lua error', async () => {
    const dev = await startDev({args: ['--no-watch'], template: 'templates/orders'})
    const run = await dev.cli(['spawn', 'app.workflows:payment', '{"amount":10}', '--wait'])
    expect(run.exitCode).toBe(1)
    expect(run.stderr).toContain('a payment needs an "id" string and an "amount" number')
    expect(run.stderr).not.toContain('attempt to')

    // call on a workflow points to spawn, as spawn on a function points to call
    const call = await dev.cli(['call', 'app.workflows:payment', '{"id":"X","amount":5}'])
    expect(call.exitCode).toBe(1)
    expect(call.stderr).toContain(
      'Error WIPPY_CALL_KIND: app.workflows:payment is a workflow.lua; wippy call runs function.lua entries.',
    )
    expect(call.stderr).toContain("wippy spawn app.workflows:payment '<input as JSON>'")

    // Human output names runs by their workflow ID
    const spawned = await dev.cli(['spawn', 'app.workflows:payment', '{"id":"P-1","amount":10}'])
    const id = spawned.stdout.split(/\s+/)[0]!
    expect(spawned.stdout).toBe(`${id}  app.workflows:payment\n`)
    const skip = await dev.cli(['time', 'skip', id, '--by', '1h'])
    expect(skip.stdout).toMatch(new RegExp(`^skipped 1h for ${id}; its clock is now `))
    expect((await dev.cli(['cancel', id])).stdout).toBe(`cancel requested for ${id}\n`)
    // (the payment ends on the cancel, refunding the charge, so terminate another one)
    const other = (await dev.cli(['spawn', 'app.workflows:payment', '{"id":"P-2","amount":10}'])).stdout.split(
      /\s+/,
    )[0]!
    expect((await dev.cli(['terminate', other])).stdout).toBe(`terminated ${other}\n`)
    // An engine error message that holds the PID is shown with the ID
    const again = await dev.cli(['cancel', id])
    expect(again.stderr).not.toContain('{app:')

    // A reused --id: ps shows each run by its run key, and that key reaches the earlier run
    const order = '{"id":"R-1","amount":10}'
    expect((await dev.cli(['spawn', 'app.workflows:order_saga', order, '--id', 'dup-1', '--wait'])).exitCode).toBe(0)
    expect((await dev.cli(['spawn', 'app.workflows:order_saga', order, '--id', 'dup-1', '--wait'])).exitCode).toBe(0)
    const runs = (
      JSON.parse((await dev.cli(['ps', '--all', '--json'])).stdout) as {
        processes: Array<{id: string; runKey?: string; startedAt: number}>
      }
    ).processes
      .filter((p) => p.id === 'dup-1')
      .sort((x, y) => x.startedAt - y.startedAt)
    expect(runs).toHaveLength(2)
    const table = (await dev.cli(['ps', '--all'])).stdout
    for (const r of runs) expect(table).toMatch(new RegExp(`^${r.runKey}  `, 'm'))
    const firstView = JSON.parse((await dev.cli(['history', 'inspect', runs[0]!.runKey!, '--json'])).stdout) as {
      events: Array<{ts: number}>
    }
    expect(firstView.events[0]!.ts).toBe(runs[0]!.startedAt)

    // A skip too far for a date is refused before it is recorded
    const far = await dev.cli(['time', 'skip', id, '--by', '99999999999h'])
    expect(far.exitCode).toBe(2)
    expect(far.stderr).toContain('WIPPY_DURATION_INVALID')
  }, 90_000)
})

describe('clear errors for the usual slips', () => {
  it('--id is checked as typed, before anything is sent', async () => {
    const root = await makeProject('templates/approval')
    try {
      const run = await runCli(['spawn', 'app.workflows:approval', '{}', '--id', '{x|y}'], {cwd: root})
      expect(run.exitCode).toBe(2)
      expect(run.stderr).toContain(
        'Error WIPPY_WORKFLOW_ID_INVALID: --id "{x|y}" is not a valid workflow ID: it must start with a letter or digit.',
      )
      expect(run.stderr).not.toContain('run key')

      // --file names the file once, in words
      const file = await runCli(['signal', 'wf-1', 'approve', '--file', '/nope.json'], {cwd: root})
      expect(file.stderr).toBe(
        "Error WIPPY_FILE_NOT_FOUND: Can't read the payload file /nope.json: there is no such file.\n  Hint: Check the path (it is relative to the current directory).\n",
      )

      // history replay notices a path
      const path = await runCli(['history', 'replay', '/nope.jsonl'], {cwd: root})
      expect(path.exitCode).toBe(1)
      expect(path.stderr).toContain('Error WIPPY_FILE_NOT_FOUND: There is no history file /nope.jsonl.')

      // ...and a truncated JSON history
      await writeFile(join(root, 'f.json'), '[{"seq":1,')
      const torn = await runCli(['history', 'replay', 'f.json'], {cwd: root})
      expect(torn.exitCode).toBe(1)
      expect(torn.stderr).toMatch(/^Error WIPPY_HISTORY_CORRUPT: .*f\.json is not valid JSON/)
      expect(torn.stderr).not.toMatch(/SyntaxError|\n\s+at /)
    } finally {
      await rm(root, {force: true, recursive: true})
    }
  }, 60_000)

  it('a folder with only a src/ is not silently a project', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'wippy-bare-'))
    try {
      await mkdir(join(dir, 'x', 'src'), {recursive: true})
      await writeFile(join(dir, 'x', 'src', 'index.ts'), 'export {}\n')
      const lint = await runCli(['lint'], {cwd: join(dir, 'x')})
      expect(lint.exitCode).toBe(1)
      expect(lint.stderr).toContain(
        `Error WIPPY_PROJECT_NOT_FOUND: No Wippy project found in ${join(dir, 'x')} or its parents (${join(dir, 'x')} has a src/ folder, but no _index.yaml in it and no wippy.lock).`,
      )
      const dev = await runCli(['dev', '--no-tui', '--path', join(dir, 'x')], {cwd: dir})
      expect(dev.exitCode).toBe(1)
      expect(dev.stderr).toContain('is not a Wippy project (its src/ holds no _index.yaml, and there is no wippy.lock)')

      // With a registry file it is one
      await writeFile(join(dir, 'x', 'src', '_index.yaml'), 'version: "1.0"\nnamespace: app\nentries: []\n')
      expect((await runCli(['lint'], {cwd: join(dir, 'x')})).exitCode).toBe(0)
    } finally {
      await rm(dir, {force: true, recursive: true})
    }
  }, 60_000)
})

describe('history inspect on a blocked run', () => {
  it('says why it is blocked, with the workflow ID in the reason', async () => {
    // Given a run waiting for its signal, then a restart on code that calls submit differently
    const dev = await startDev({args: ['--no-watch']})
    const spawned = await dev.cli(['spawn', 'app.workflows:approval', '{"order_id":"B-1","amount":3}'])
    const id = spawned.stdout.split(/\s+/)[0]!
    await dev.stop()
    await dev.editFile('src/workflows/approval.lua', (t) =>
      t.replace(
        'funcs.call("app.reviews:submit", request)',
        'funcs.call("app.reviews:submit", {order_id = request.order_id, v = 2})',
      ),
    )
    const again = await startDev({args: ['--no-watch'], root: dev.root})
    await again.waitForOutput(/recovered .*; 1 blocked/)

    // When it is inspected, then the header says why
    const view = await again.cli(['history', 'inspect', id])
    expect(view.exitCode, view.stderr).toBe(0)
    const [header, why] = view.stdout.split('\n')
    expect(header).toMatch(new RegExp(`^${id}  blocked  \\d+ events$`))
    expect(why).toMatch(new RegExp(`^  why: Workflow ${id} diverges from its history at event \\d`))
    expect(JSON.parse((await again.cli(['history', 'inspect', id, '--json'])).stdout).problem).toContain('diverges')
  }, 90_000)
})
