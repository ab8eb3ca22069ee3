import {Flags} from '@oclif/core'

import {BaseCommand} from '../cli/base-command.js'
import {stateDirFlag, stateDirOption} from '../cli/flags.js'
import {type PsOutput, listRuns} from '../services/ps.js'
import {formatPsTable} from '../cli/ps-table.js'

export default class Ps extends BaseCommand {
  static override description =
    'Each row: workflow ID, entry, kind, status, age (and how long closed runs took), and what it waits for, cut to the terminal width (--wide or --json for the whole text). Asks the running `wippy dev`; without one it reads the history files.'

  static override summary = 'List workflow runs, processes and services.'

  static override examples = [
    '<%= config.bin %> ps',
    '<%= config.bin %> ps --all',
    '<%= config.bin %> ps --status blocked --json',
    '<%= config.bin %> ps --status damaged',
    `<%= config.bin %> ps --query 'Status="running" AND customer="c-1"'`,
    '<%= config.bin %> ps --attrs',
  ]

  static override flags = {
    all: Flags.boolean({char: 'a', description: 'Include closed runs (completed, failed, cancelled, terminated).'}),
    attrs: Flags.boolean({
      description: "Add a SEARCH column: each run's search attributes (--json has them and the memo always).",
    }),
    query: Flags.string({
      char: 'q',
      description:
        'Only runs matching a filter, as in Temporal\'s list: Status="running" AND customer="c-1". Keys: Status, WorkflowId, WorkflowType, any search attribute; =, !=, AND, OR, parentheses, "strings", numbers, true/false. Looks at closed runs too.',
    }),
    ...stateDirFlag,
    wide: Flags.boolean({description: 'Do not cut the WAITING column to the terminal width.'}),
    status: Flags.string({
      description: 'Only runs with this status.',
      options: [
        'running',
        'blocked',
        'damaged',
        'completed',
        'failed',
        'cancelled',
        'terminated',
        'timed_out',
        'continued_as_new',
      ],
    }),
  }

  async run(): Promise<PsOutput> {
    const {flags} = await this.parse(Ps)
    const out = await listRuns({
      root: this.projectRoot(flags.path),
      ...(flags.all ? {all: true} : {}),
      ...(flags.status ? {status: flags.status} : {}),
      ...(flags.query === undefined ? {} : {query: flags.query}),
      ...stateDirOption(flags),
    })
    if (!this.jsonEnabled()) {
      if (out.source === 'files') this.info('(no `wippy dev` runs; read from the history files)')
      if (out.processes.length === 0)
        this.log(
          flags.query !== undefined
            ? 'No runs match the query.'
            : flags.all
              ? 'No runs.'
              : 'No open runs (--all shows closed ones).',
        )
      else {
        const columns = process.stdout.columns ?? (Number(process.env.COLUMNS) || undefined)
        this.log(
          formatPsTable(out.processes, {
            attrs: flags.attrs || flags.query !== undefined,
            now: Date.now(),
            verbose: this.verboseEnabled(),
            wide: flags.wide,
            ...(columns ? {columns} : {}),
          }),
        )
      }
    }
    return out
  }
}
