import {Args, Flags} from '@oclif/core'

import {BaseCommand} from '../cli/base-command.js'
import {DEFAULT_TEMPLATE, TEMPLATES} from '../init/catalog.js'
import {type InitResult, initProject, renderInitSummary} from '../init/init-project.js'
import {npmInstall} from '../init/npm-install.js'
import {promptTemplate} from '../init/prompt.js'

export default class Init extends BaseCommand {
  static override args = {
    dir: Args.string({description: 'Directory to create the project in (created if missing).', required: true}),
  }

  static override summary = 'Create a new Wippy project from a template.'

  static override description = `Templates: ${TEMPLATES.map((t) => `${t.name} (${t.description})`).join('; ')}.
On a terminal without --template you are asked which one; otherwise "${DEFAULT_TEMPLATE}" is used.
The project gets a package.json with this wippy as a devDependency (the exact version, or a file: path to the tarball or checkout it runs from), so \`npm install\` then \`npx wippy dev\` in it runs the same wippy. --install runs that npm install for you.`

  static override examples = [
    '<%= config.bin %> init my-app',
    '<%= config.bin %> init my-app --template approval',
    '<%= config.bin %> init . --force --json',
  ]

  static override flags = {
    force: Flags.boolean({description: 'Write into a non-empty directory, overwriting files with the same names.'}),
    install: Flags.boolean({
      allowNo: true,
      default: false,
      description: 'Run `npm install` in the new project afterwards (installs the wippy its package.json names).',
    }),
    'next-steps': Flags.boolean({
      allowNo: true,
      default: true,
      description: 'Print the commands to run next (--no-next-steps: only what was created).',
      hidden: true,
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
      ...(flags.install ? {install: npmInstall} : {}),
      ...(flags.template === undefined ? {} : {template: flags.template}),
      ...(interactive
        ? {chooseTemplate: () => promptTemplate(TEMPLATES, {input: process.stdin, output: process.stdout})}
        : {}),
    })
    this.log(renderInitSummary(result, process.cwd(), {showNext: flags['next-steps']}))
    return result
  }
}
