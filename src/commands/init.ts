import {Args, Flags} from '@oclif/core'

import {BaseCommand} from '../cli/base-command.js'
import {DEFAULT_TEMPLATE, TEMPLATES} from '../init/catalog.js'
import {type InitResult, initProject, renderInitSummary} from '../init/init-project.js'
import {promptTemplate} from '../init/prompt.js'

export default class Init extends BaseCommand {
  static override args = {
    dir: Args.string({description: 'Directory to create the project in (created if missing).', required: true}),
  }

  static override description = `Create a new Wippy project from a template.

Templates: ${TEMPLATES.map((t) => `${t.name} (${t.description})`).join('; ')}.
On a terminal without --template you are asked which one; otherwise "${DEFAULT_TEMPLATE}" is used.
The project needs no package.json: run it with \`npx wippy dev\`.`

  static override examples = [
    '<%= config.bin %> init my-app',
    '<%= config.bin %> init my-app --template approval',
    '<%= config.bin %> init . --force --json',
  ]

  static override flags = {
    force: Flags.boolean({description: 'Write into a non-empty directory, overwriting files with the same names.'}),
    install: Flags.boolean({
      allowNo: true,
      default: true,
      description: 'Accepted for compatibility; a Wippy project has no dependencies to install, so --no-install changes nothing.',
    }),
    template: Flags.string({
      char: 't',
      description: `Template to use: ${TEMPLATES.map((t) => t.name).join(', ')} (default: ${DEFAULT_TEMPLATE}).`,
    }),
  }

  public async run(): Promise<InitResult> {
    const {args, flags} = await this.parse(Init)
    const interactive = !this.jsonEnabled() && process.stdin.isTTY === true && process.stdout.isTTY === true
    const result = await initProject({
      cwd: process.cwd(),
      dir: args.dir,
      force: flags.force,
      ...(flags.template === undefined ? {} : {template: flags.template}),
      ...(interactive ? {chooseTemplate: () => promptTemplate(TEMPLATES, {input: process.stdin, output: process.stdout})} : {}),
    })
    this.log(renderInitSummary(result, process.cwd()))
    return result
  }
}
