import {Flags} from '@oclif/core'

import {BaseCommand} from '../cli/base-command.js'
import {type PsOutput, listRuns} from '../control/services.js'
import {formatDurationMs} from '../time/duration.js'

export default class Ps extends BaseCommand {
  static override description =
    'List workflow runs: short ID, entry, kind, status, what each waits for, and age. Asks the running `wippy dev`; without one it reads the history files.'

  static override examples = ['<%= config.bin %> ps', '<%= config.bin %> ps --all', '<%= config.bin %> ps --status blocked --json', '<%= config.bin %> ps --status damaged']

  static override flags = {
    all: Flags.boolean({char: 'a', description: 'Include closed runs (completed, failed, cancelled, terminated).'}),
    'state-dir': Flags.string({description: 'The state dir (default: .wippy/dev).', env: 'WIPPY_STATE_DIR'}),
    status: Flags.string({description: 'Only runs with this status.', options: ['running', 'blocked', 'damaged', 'completed', 'failed', 'cancelled', 'terminated']}),
  }

  async run(): Promise<PsOutput> {
    const {flags} = await this.parse(Ps)
    const out = await listRuns({
      root: this.projectRoot(flags.path),
      ...(flags.all ? {all: true} : {}),
      ...(flags.status ? {status: flags.status} : {}),
      ...(flags['state-dir'] ? {stateDir: flags['state-dir']} : {}),
    })
    if (!this.jsonEnabled()) {
      if (out.source === 'files') this.info('(no `wippy dev` runs; read from the history files)')
      if (out.processes.length === 0) this.log(flags.all ? 'No runs.' : 'No open runs (--all shows closed ones).')
      else this.log(formatTable(out.processes, Date.now()))
    }
    return out
  }
}

/** The `ps` table; the first column is what you paste back into other commands. */
function formatTable(rows: PsOutput['processes'], now: number): string {
  const header = ['ID', 'ENTRY', 'KIND', 'STATUS', 'WAITING', 'AGE']
  const cells = rows.map((p) => [p.id, p.entry, p.kind, p.status, [p.problem ?? p.waiting, ...(p.notes ?? [])].filter(Boolean).join(' · '), formatDurationMs(Math.max(0, now - p.startedAt))])
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]!.length)))
  return [header, ...cells].map((r) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]!))).join('  ').trimEnd()).join('\n')
}
