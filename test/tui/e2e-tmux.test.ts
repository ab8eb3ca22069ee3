/**
 * The TUI in a real terminal (tmux): start `wippy dev` in a project made by `wippy init
 * --template approval`, spawn a workflow from another process, see it appear, open its
 * timeline, signal it from the UI, watch it complete, check a replay after an incompatible
 * edit, resize, quit with `q`.
 *
 * Needs `npm run build`. WIPPY_TUI_DOCS=1 writes the captures to docs/tui-*.txt.
 */
import {existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {describe, expect, onTestFinished, test} from 'vitest'

import {BIN, runCli} from '../helpers/cli.js'
import {REPO} from '../helpers/dev-server.js'
import {hasTmux, startTmux} from './tmux.js'

const BUILT = existsSync(join(REPO, 'dist/tui/index.js'))
const WRITE_DOCS = process.env.WIPPY_TUI_DOCS === '1'

describe.skipIf(!hasTmux() || !BUILT)('wippy dev TUI in a real terminal (tmux)', () => {
  test('wippy dev: spawn, timeline, signal from the UI, replay, resize, quit', {timeout: 90_000}, async () => {
    // Given a project from the approval template
    const base = mkdtempSync(join(tmpdir(), 'wippy-tui-'))
    onTestFinished(() => rmSync(base, {force: true, recursive: true}))
    const dir = join(base, 'shop')
    expect((await runCli(['init', dir, '--template', 'approval'])).exitCode).toBe(0)

    // When wippy dev starts in a 100×30 terminal
    // The exit code is written by the shell around `wippy dev`: tmux does not always report
    // pane_dead_status for a pane that died under load.
    const exitFile = join(base, 'exit-code')
    const term = await startTmux({
      columns: 100,
      command: `sh -c 'node ${BIN} dev; echo $? > ${exitFile}'`,
      cwd: dir,
      rows: 30,
    })
    onTestFinished(() => term.close())
    await term.waitFor('wippy dev · shop', 30_000)
    const docs: Record<string, string> = {}

    // And a workflow is spawned from another process
    const spawned = await runCli(['spawn', 'app.workflows:approval', '{"order_id":"A-1","amount":120}', '--path', dir])
    expect(spawned.exitCode).toBe(0)
    const id = spawned.stdout.trim().split(/\s+/)[0]!
    const other = await runCli(['spawn', 'app.workflows:approval', '{"order_id":"B-2","amount":80}', '--path', dir])
    const otherId = other.stdout.trim().split(/\s+/)[0]!

    // Then it appears in the list, waiting for a signal
    await term.waitFor(new RegExp(`${id}.*waiting for a signal`))
    await term.waitFor(new RegExp(`${otherId}.*waiting for a signal`))
    await term.waitFor(/RUNS 2 of 2/)
    // (select the first run whichever order the list has)
    const list = await term.capture()
    if (list.indexOf(`› ● ${id}`) === -1) await term.keys('Down')
    await term.waitFor(`› ● ${id}`)

    // When its timeline is opened and a signal typed into the prompt
    await term.keys('Enter')
    await term.waitFor(`TIMELINE ${id}`)
    await term.waitFor('ActivityCompleted')
    await term.keys('s')
    await term.waitFor(`Send a signal to ${id}`)
    await term.type('approve')
    await term.keys('Enter')
    await term.type('{"approved":true}')
    await term.keys('Enter')

    // Then the timeline follows the run to its end
    await term.waitFor(`signal approve sent to ${id}`)
    docs.timeline = await term.waitFor('WorkflowCompleted')
    expect(docs.timeline).toMatch(/SignalReceived +approve \{"approved":true\}/)
    await term.keys('Escape')
    docs.processes = await term.waitFor(new RegExp(`✓ ${id} .*completed`))

    // When the workflow's code changes incompatibly and the completed run is replay-checked
    const lua = join(dir, 'src/workflows/approval.lua')
    writeFileSync(lua, readFileSync(lua, 'utf8').replace('app.reviews:submit', 'app.reviews:fulfill'))
    await term.waitFor(/reloaded in \d+ ms: \+0 ~1 -0/)
    await term.keys('r')
    await term.waitFor(`REPLAY ${id} · ✗ diverges at event 2`)
    // (the cursor jumps to the divergence, which the panel then explains)
    docs.replay = await term.waitFor(/got .*app\.reviews:fulfill/)
    expect(docs.replay).toMatch(/expected .*app\.reviews:submit/)
    expect(docs.replay).toMatch(/got .*app\.reviews:fulfill/)
    expect(docs.replay).toMatch(/at src\/workflows\/approval\.lua:\d+/)

    // And the help prints the shortcut table
    await term.keys('?')
    docs.help = await term.waitFor('KEYS')
    await term.keys('Escape')
    await term.waitFor('REPLAY')

    // When the terminal shrinks to 80×24, everything still fits
    await term.resize(80, 24)
    await term.keys('Escape')
    await term.keys('Escape')
    const small = await term.waitFor(/RUNS 2 of 2/)
    expect(Math.max(...small.split('\n').map((l) => l.length))).toBeLessThanOrEqual(80)
    expect(small).toContain('wippy dev · shop')
    expect(small).toMatch(/q quit/)

    // When q is pressed, the dev server stops cleanly
    await term.keys('q')
    const deadline = Date.now() + 10_000
    while (!existsSync(exitFile) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100))
    expect(readFileSync(exitFile, 'utf8').trim()).toBe('0')
    expect(await term.capture()).toContain('Stopped: histories closed.')
    // And the project is free again: an offline command reads the history from disk
    const inspect = await runCli(['history', 'inspect', id, '--path', dir])
    expect(inspect.stdout + inspect.stderr).toContain('WorkflowCompleted')

    if (WRITE_DOCS) {
      for (const [view, text] of Object.entries(docs))
        writeFileSync(join(REPO, `docs/tui-${view}.txt`), liveArea(text) + '\n')
    }
  })

  test(
    'keys and layout in a real terminal: chunks, help toggle, confirm, 80 and 200 columns, a clean last frame',
    {timeout: 90_000},
    async () => {
      // Given three approvals waiting in a dev server in an 80×24 terminal
      const base = mkdtempSync(join(tmpdir(), 'wippy-tui-keys-'))
      onTestFinished(() => rmSync(base, {force: true, recursive: true}))
      const dir = join(base, 'shop')
      expect((await runCli(['init', dir, '--template', 'approval'])).exitCode).toBe(0)
      const exitFile = join(base, 'exit-code')
      const term = await startTmux({
        columns: 80,
        command: `sh -c 'node ${BIN} dev; echo $? > ${exitFile}'`,
        cwd: dir,
        rows: 24,
      })
      onTestFinished(() => term.close())
      await term.waitFor('wippy dev · shop', 30_000)
      for (const order of ['A-1', 'B-2', 'C-3'])
        expect(
          (await runCli(['spawn', 'app.workflows:approval', `{"order_id":"${order}"}`, '--path', dir])).exitCode,
        ).toBe(0)
      await term.waitFor(/RUNS 3 of 3/)
      const rowIds = (screen: string): string[] => [...screen.matchAll(/^[› ] ● (wf-\S+)/gm)].map((m) => m[1]!)
      const ids = rowIds(await term.waitFor((s: string) => rowIds(s).length === 3))

      // When "jj" arrives in one write, the cursor moves two rows
      await term.type('jj')
      await term.waitFor(`› ● ${ids[2]}`)
      // And g goes back to the first
      await term.type('g')
      await term.waitFor(`› ● ${ids[0]}`)

      // ? opens the help, ? again closes it; Esc closes it too
      await term.type('?')
      const help = await term.waitFor('KEYS')
      expect(help).not.toContain('Press ? for the keys.')
      expect(help).toMatch(/x +terminate/)
      await term.type('?')
      await term.waitFor(/RUNS 3 of 3/)
      await term.type('?')
      await term.waitFor('KEYS')
      await term.keys('Escape')
      await term.waitFor(/RUNS 3 of 3/)

      // c asks first; n records nothing
      await term.type('c')
      await term.waitFor(`Cancel ${ids[0]}?`)
      await term.type('n')
      await term.waitFor(`Kept ${ids[0]} running`)

      // At 80 columns the timeline keeps its WHERE (file:line) column
      await term.keys('Enter')
      const timeline = await term.waitFor(/ActivityScheduled .*approval\.lua:\d+/)
      expect(Math.max(...timeline.split('\n').map((l) => l.length))).toBeLessThanOrEqual(80)
      expect(timeline).toMatch(/TIME +EVENT .* WHERE/)
      await term.keys('Escape')

      // A filter typed with its Enter in one write applies
      const needle = ids[1]!.slice(0, 9)
      await term.type(`/${needle}\r`)
      await term.waitFor((s: string) => s.includes(`RUNS 1 of 3 · filter /${needle}`) && !s.includes('enter apply'))
      await term.keys('Escape')
      await term.type('/')
      await term.keys('Escape')
      await term.waitFor(/RUNS 3 of 3$/m)

      // At 200 columns the status column is not padding: the age follows the status
      await term.resize(200, 50)
      const wide = await term.waitFor(/waiting for a signal {1,8}\d+s/)
      expect(wide).toMatch(new RegExp(`${ids[0]} +app\\.workflows:approval +waiting for a signal {1,8}\\d+s$`, 'm'))

      // When q is pressed, the last frame left on the terminal has no key footer
      await term.type('q')
      const deadline = Date.now() + 10_000
      while (!existsSync(exitFile) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100))
      expect(readFileSync(exitFile, 'utf8').trim()).toBe('0')
      const last = await term.capture()
      expect(last).toContain('Stopped: histories closed.')
      expect(last).not.toContain('q quit')
    },
  )

  test('under CI=1 a terminal gets the plain lines, not a blank screen', {timeout: 60_000}, async () => {
    // Given a project, and a terminal whose environment says CI (Ink would draw nothing live)
    const base = mkdtempSync(join(tmpdir(), 'wippy-tui-ci-'))
    onTestFinished(() => rmSync(base, {force: true, recursive: true}))
    const dir = join(base, 'shop')
    expect((await runCli(['init', dir, '--template', 'approval'])).exitCode).toBe(0)
    const exitFile = join(base, 'exit-code')
    // (the shell traps INT so that it outlives Ctrl-C and records wippy's exit code)
    const term = await startTmux({
      columns: 100,
      command: `sh -c 'trap true INT; node ${BIN} dev; echo $? > ${exitFile}'`,
      cwd: dir,
      env: ['CI=1'],
      rows: 30,
    })
    onTestFinished(() => term.close())

    // Then wippy dev prints its banner as lines, and Ctrl-C stops it cleanly
    const screen = await term.waitFor(/ready in \d+ ms/, 20_000)
    expect(screen).not.toContain('wippy dev · shop')
    await term.keys('C-c')
    const deadline = Date.now() + 10_000
    while (!existsSync(exitFile) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100))
    expect(readFileSync(exitFile, 'utf8').trim()).toBe('0')
  })
})

/** The screen from the TUI header down (log lines above it vary from run to run). */
function liveArea(screen: string): string {
  const lines = screen.split('\n')
  const start = lines.findIndex((l) => l.startsWith('wippy dev · '))
  return lines.slice(Math.max(0, start)).join('\n').replace(/\n+$/, '')
}
