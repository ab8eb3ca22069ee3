import {Args, Flags} from '@oclif/core'

import {BaseCommand} from '../../cli/base-command.js'
import {runIdFlag, runIdOption, stateDirFlag, stateDirOption} from '../../cli/flags.js'
import {idOf, shortenPids} from '../../cli/ids.js'
import {formatTimelineLine} from '../../output/timeline.js'
import {followHistory, inspectHistory} from '../../services/history-inspect.js'
import type {HistoryView} from '../../engine/api.js'
import type {HistoryEvent} from '../../history/events.js'
import {eventToJson} from '../../history/line-codec.js'

/** The line after a damaged history's good prefix: where it breaks, and the way out. */
function formatDamage(damage: NonNullable<HistoryView['damage']>, pid: string): string {
  const where = damage.line === 0 ? damage.file : `${damage.file} line ${damage.line} (byte ${damage.offset})`
  const next = damage.goodEvents === 0 ? 'no event is readable' : `events 1..${damage.goodEvents} above are intact`
  return `DAMAGED ${where}: ${damage.reason}; ${next}. Run \`wippy history repair ${pid}\` (a copy of the file is kept).`
}

export default class HistoryInspect extends BaseCommand {
  static override args = {
    pid: Args.string({description: 'The workflow: a PID, its workflow ID, or a unique prefix of it.', required: true}),
  }

  static override description =
    'Each event: index, time since start, event type, a short summary, and the Lua file:line that issued it. Works with or without a running `wippy dev` (it reads the files).'

  static override summary = "Show a workflow's history as a timeline."

  static override examples = [
    '<%= config.bin %> history inspect wf-3f2a',
    '<%= config.bin %> history inspect wf-3f2a --from 10 --limit 20',
    '<%= config.bin %> history inspect wf-3f2a --follow',
    '<%= config.bin %> history inspect wf-3f2a --json',
  ]

  static override flags = {
    follow: Flags.boolean({description: 'Keep printing new events until the run closes (Ctrl-C to stop).'}),
    from: Flags.integer({description: 'First event index to show.', min: 1}),
    limit: Flags.integer({description: 'Show at most N events.', min: 1}),
    ...runIdFlag,
    ...stateDirFlag,
    to: Flags.integer({description: 'Last event index to show.', min: 1}),
  }

  async run(): Promise<(HistoryView & {id: string; problem?: string}) | undefined> {
    const {args, flags} = await this.parse(HistoryInspect)
    const project = {root: this.projectRoot(flags.path), ...stateDirOption(flags), ...runIdOption(flags)}
    const range = {
      ...(flags.from ? {from: flags.from} : {}),
      ...(flags.to ? {to: flags.to} : {}),
      ...(flags.limit ? {limit: flags.limit} : {}),
    }
    if (flags.follow) return this.follow(project, args.pid, flags.from)
    const view = await inspectHistory({...project, pid: args.pid, range})
    // A blocked run says why (the divergence), as `ps` does; the history itself can't tell.
    const problem = view.blocked?.problem
    if (!this.jsonEnabled()) {
      this.log(
        `${this.shown(view.pid)}  ${view.status}  ${view.total} events${view.events.length < view.total ? ` (showing ${view.events.length})` : ''}`,
      )
      const text = (t: string): string => (this.verboseEnabled() ? t : shortenPids(t))
      if (view.blocked) this.log(`  why: ${text(view.blocked.problem)}\n  way out: ${text(view.blocked.hint)}`)
      const startTs = view.events[0]?.seq === 1 ? view.events[0].ts : undefined
      const t0 = startTs ?? view.events[0]?.ts ?? 0
      if (view.events.length > 0)
        process.stdout.write(view.events.map((e) => formatTimelineLine(e, t0)).join('\n') + '\n')
      if (view.damage) this.log(formatDamage(view.damage, args.pid))
    }
    return {id: idOf(view.pid), ...view, ...(problem ? {problem} : {})}
  }

  /** With --json the events were streamed one per line, so it returns nothing more to print. */
  private async follow(
    project: {root: string; runId?: string; stateDir?: string},
    pid: string,
    from: number | undefined,
  ): Promise<(HistoryView & {id: string}) | undefined> {
    const events: HistoryEvent[] = []
    let t0: number | undefined
    const abort = new AbortController()
    process.once('SIGINT', () => abort.abort())
    const end = await followHistory({
      ...project,
      onEvent: (e) => {
        events.push(e)
        t0 ??= e.ts
        if (this.jsonEnabled()) process.stdout.write(eventToJson(e) + '\n')
        else this.log(formatTimelineLine(e, t0))
      },
      pid,
      signal: abort.signal,
      ...(from === undefined ? {} : {from}),
    })
    if (this.jsonEnabled()) return undefined
    this.info(`${this.shown(end.pid)}: ${end.status}`)
    return {events, id: idOf(end.pid), pid: end.pid, status: end.status, total: events.length}
  }
}
