import {Flags} from '@oclif/core'

import {BaseCommand} from '../cli/base-command.js'
import {startDevSession} from '../dev/dev-session.js'

export default class Dev extends BaseCommand {
  static override description =
    'Run the project: the engine with durable workflows (recovered by replay), the control channel for `wippy spawn/signal/ps/history`, and hot reload of the registry and Lua sources. Stop with Ctrl-C (histories are flushed). Without a TTY, or with --no-tui, it prints one plain line per event.'

  static override examples = ['<%= config.bin %> dev', '<%= config.bin %> dev --no-tui', '<%= config.bin %> dev --no-watch --state-dir /tmp/wippy-state']

  static override flags = {
    'state-dir': Flags.string({description: 'Where histories, the lock and the control socket live (default: .wippy/dev in the project).', env: 'WIPPY_STATE_DIR'}),
    // The Ink UI is a separate piece; until it lands every session uses the line renderer, and --no-tui keeps forcing it after.
    tui: Flags.boolean({allowNo: true, default: true, description: 'Use the terminal UI when stdout is a TTY; --no-tui forces the plain line output.'}),
    watch: Flags.boolean({allowNo: true, default: true, description: 'Watch sources and hot-reload; --no-watch loads them once.'}),
  }

  async run(): Promise<{controlAddress: string; readyMs: number}> {
    const {flags} = await this.parse(Dev)
    const root = this.projectRoot(flags.path)
    const session = await startDevSession({
      out: process.stdout,
      root,
      watch: flags.watch,
      ...(flags['state-dir'] ? {stateDir: flags['state-dir']} : {}),
    })
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
    return {controlAddress: session.controlAddress, readyMs: session.readyMs}
  }
}
