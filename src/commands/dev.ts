import {Flags} from '@oclif/core'

import {BaseCommand} from '../cli/base-command.js'
import {inCi} from '../cli/ci.js'
import {stateDirFlag, stateDirOption} from '../cli/flags.js'
import {startDevSession} from '../dev/dev-session.js'
import type {DevTuiHandle} from '../tui/index.js'
import {requireDurationMs} from '../time/duration.js'

export default class Dev extends BaseCommand {
  static override summary = 'Run the project: durable workflows, hot reload and the terminal UI.'

  static override description =
    'Starts the engine with durable workflows (recovered by replay), the control channel for `wippy spawn/signal/ps/history`, and hot reload of the registry and Lua sources. In a terminal it shows the interactive UI (press ? for keys); without a TTY, or with --no-tui, it prints one plain line per event. Stop with q or Ctrl-C (histories are flushed).'

  static override examples = [
    '<%= config.bin %> dev',
    '<%= config.bin %> dev --no-tui',
    '<%= config.bin %> dev --no-watch --state-dir /tmp/wippy-state',
  ]

  static override flags = {
    'evict-idle-after': Flags.string({
      default: '5s',
      description:
        'Drop the Lua VM of a workflow that waited this long on a timer or signal; it is rebuilt by replay when woken (Go duration).',
      env: 'WIPPY_EVICT_IDLE_AFTER',
    }),
    ...stateDirFlag,
    tui: Flags.boolean({
      allowNo: true,
      default: true,
      description:
        'Use the terminal UI when stdin and stdout are a TTY (and CI is not set); --no-tui forces the plain line output.',
    }),
    watch: Flags.boolean({
      allowNo: true,
      default: true,
      description: 'Watch sources and hot-reload; --no-watch loads them once.',
    }),
  }

  async run(): Promise<{controlAddress: string; readyMs: number}> {
    const {flags} = await this.parse(Dev)
    const root = this.projectRoot(flags.path)
    // Under CI (CI=1, CONTINUOUS_INTEGRATION=1) Ink draws only the last frame, at exit: a blank
    // screen for the whole session. The plain lines are the useful output there.
    const useTui =
      flags.tui && !this.jsonEnabled() && !inCi() && process.stdout.isTTY === true && process.stdin.isTTY === true
    const idleEvictMs = requireDurationMs(flags['evict-idle-after'], '--evict-idle-after')
    // Temporal-parity warnings for the TUI's log; those of the start come before the UI exists.
    let tui: DevTuiHandle | undefined
    const earlyWarnings: string[] = []
    const session = await startDevSession({
      idleEvictMs,
      ...(useTui ? {onWarning: (line: string) => (tui ? tui.note(line, 'warn') : earlyWarnings.push(line))} : {}),
      // The TUI shows what the line renderer would print, so its lines are dropped.
      // With --json, stdout holds only the JSON object printed at exit; the lines go to stderr.
      out: useTui ? {write: () => true} : this.jsonEnabled() ? process.stderr : process.stdout,
      root,
      watch: flags.watch,
      ...stateDirOption(flags),
    })
    if (useTui) {
      // Loaded only for the TUI: ink and react cost ~0.5 s of start-up the line mode does not need.
      const {renderDevTui} = await import('../tui/index.js')
      const ui = renderDevTui({
        engine: session.engine,
        header: {controlAddress: session.controlAddress, readyMs: session.readyMs, watching: flags.watch},
        onForceQuit: () => process.exit(130),
        onQuit: () => session.stop(),
        stdin: process.stdin,
        stdout: process.stdout,
      })
      for (const p of session.engine.startProblems ?? []) {
        ui.note(
          `registry error: ${p.file ? `${p.file}${p.line ? `:${p.line}` : ''}: ` : ''}${p.message} [${p.code}]; left out until fixed`,
          'error',
        )
      }
      tui = ui
      for (const line of earlyWarnings.splice(0)) ui.note(line, 'warn')
      // In raw mode Ctrl-C arrives as a key (the UI stops cleanly); SIGTERM still comes as a signal.
      const stop = (): void => void session.stop().finally(() => ui.unmount())
      process.once('SIGTERM', stop)
      process.once('SIGINT', stop)
      await ui.waitUntilExit()
      await session.stop()
      return {controlAddress: session.controlAddress, readyMs: Math.round(session.readyMs)}
    }
    await new Promise<void>((resolve) => {
      const stop = (): void => {
        // A second Ctrl-C while stopping: leave now (acknowledged events are on disk already).
        process.once('SIGINT', () => process.exit(130))
        resolve()
      }
      process.once('SIGINT', stop)
      process.once('SIGTERM', stop)
    })
    await session.stop()
    return {controlAddress: session.controlAddress, readyMs: Math.round(session.readyMs)}
  }
}
