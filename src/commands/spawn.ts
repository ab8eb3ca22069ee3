import {Args, Flags} from '@oclif/core'

import {BaseCommand} from '../cli/base-command.js'
import {stateDirFlag, stateDirOption} from '../cli/flags.js'
import {checkWorkflowId} from '../cli/workflow-id.js'
import {parseJsonArg} from '../control/json-arg.js'
import {type SpawnOutput, spawnRun} from '../services/spawn.js'
import {CommandFailed} from '../errors.js'
import {valueToJson} from '../history/value-forms.js'
import {runErrorDetails} from '../cli/run-error.js'
import {checkStartId, parseStartFlags} from '../cli/start-flags.js'

export default class Spawn extends BaseCommand {
  static override args = {
    entry: Args.string({
      description: 'The workflow entry (namespace:name), e.g. app.workflows:approval.',
      required: true,
    }),
    input: Args.string({description: 'Its input as JSON (one value; a JSON array is passed as one array).'}),
  }

  static override description =
    'Prints the workflow ID. With --wait it prints the ID at once (on stderr), then waits for the result and exits 1 when the run fails; Ctrl-C stops waiting and leaves the run running.'

  static override examples = [
    `<%= config.bin %> spawn app.workflows:approval '{"order_id": "o-1", "amount": 120}'`,
    `<%= config.bin %> spawn app.workflows:approval '{"order_id": "o-1"}' --id order-o-1 --wait --json`,
    `<%= config.bin %> spawn app.workflows:approval '{"order_id": "o-2"}' --message approve='{"approved": true}' --context tenant=acme`,
    '<%= config.bin %> spawn app.workflows:approval --option temporal.workflow.id=order-7 --option temporal.workflow.id_conflict_policy=fail',
  ]

  static override flags = {
    context: Flags.string({
      description: "A value of the run's ctx, key=value (JSON, else a string), as with_context; repeatable.",
      multiple: true,
      multipleNonGreedy: true,
    }),
    host: Flags.string({description: "The host entry to run on (default: the project's only temporal.worker)."}),
    id: Flags.string({description: 'The workflow ID (default: generated); a running workflow with this ID is reused.'}),
    message: Flags.string({
      description: 'A message delivered right after the start, topic=JSON payload, as with_message; repeatable.',
      multiple: true,
      multipleNonGreedy: true,
    }),
    option: Flags.string({
      description:
        'A start option, key=value, as with_options (e.g. temporal.workflow.id_conflict_policy=fail); repeatable.',
      multiple: true,
      multipleNonGreedy: true,
    }),
    ...stateDirFlag,
    wait: Flags.boolean({description: 'Wait for the workflow to finish and print its result.'}),
  }

  static override summary = 'Start a workflow on the running `wippy dev`.'

  async run(): Promise<SpawnOutput> {
    const {args, flags} = await this.parse(Spawn)
    if (flags.id !== undefined) checkWorkflowId(flags.id)
    const input = args.input === undefined ? [] : [parseJsonArg(args.input, 'input')]
    const start = parseStartFlags(flags)
    checkStartId(start, flags.id)
    for (const key of start.notApplied)
      this.warnLine(`the start option ${key} is a platform option the dev server does not apply; it is ignored`)
    const out = await spawnRun({
      entry: args.entry,
      input,
      // Named at once, so a run you wait for can be signalled from another terminal.
      onSpawned: (s) => {
        if (!flags.wait) return
        process.stderr.write(
          `${this.shown(s.pid)}  ${s.entry}${s.existing ? '  (already running)' : ''}: waiting for it to finish (Ctrl-C stops waiting; the run keeps going)\n`,
        )
        process.once('SIGINT', () => {
          process.stderr.write(
            `\nstopped waiting; ${s.id} keeps running (see \`wippy ps\`, \`wippy history inspect ${s.id}\`)\n`,
          )
          process.exit(130)
        })
      },
      root: this.projectRoot(flags.path),
      wait: flags.wait,
      ...(flags.host ? {host: flags.host} : {}),
      ...(flags.id ? {id: flags.id} : {}),
      ...(start.context ? {context: start.context} : {}),
      ...(start.messages ? {messages: start.messages} : {}),
      ...(start.options ? {startOptions: start.options} : {}),
      ...stateDirOption(flags),
    })
    if (!this.jsonEnabled()) {
      if (!flags.wait) this.log(`${this.shown(out.pid)}  ${out.entry}${out.existing ? '  (already running)' : ''}`)
      else
        this.log(
          out.error ? `${out.status}: ${out.error.message}` : `${out.status}: ${valueToJson(out.result ?? null)}`,
        )
    }
    if (out.status && out.status !== 'completed') {
      // The error shape of every other failure; the run as far as it got is `details.result`.
      const {error, ...run} = out
      throw new CommandFailed(
        'WIPPY_WORKFLOW_FAILED',
        `Workflow ${out.id} ${out.status}${error ? `: ${error.message}` : ''}.`,
        {
          details: error ? runErrorDetails(error, run) : {result: run},
          hint: `See what happened with \`wippy history inspect ${out.id}\`.`,
        },
      )
    }
    return out
  }
}
