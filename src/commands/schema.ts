import {resolve} from 'node:path'

import {Flags} from '@oclif/core'

import {BaseCommand} from '../cli/base-command.js'
import {PROJECT_SCHEMA_FILE, registrySchema, registrySchemaText, writeSchemaFile} from '../schema/index.js'
import type {JsonSchema, WriteSchemaResult} from '../schema/index.js'

export default class Schema extends BaseCommand {
  static override summary = 'Print the JSON Schema of registry YAML files (generated from the schemas wippy lint uses).'

  static override description = `Point your editor at it with a first line such as
  # yaml-language-server: $schema=../${PROJECT_SCHEMA_FILE}
(projects made by \`wippy init\` already have it). Use --output to refresh the project's copy after upgrading wippy.`

  static override examples = [
    '<%= config.bin %> schema',
    `<%= config.bin %> schema --output ${PROJECT_SCHEMA_FILE}`,
    '<%= config.bin %> schema --json',
  ]

  static override flags = {
    output: Flags.string({char: 'o', description: 'Write the schema to this file instead of printing it.'}),
  }

  async run(): Promise<JsonSchema | WriteSchemaResult> {
    const {flags} = await this.parse(Schema)
    if (flags.output !== undefined) {
      const result = await writeSchemaFile(resolve(process.cwd(), flags.output))
      this.info(result.changed ? `Wrote ${result.file}` : `${result.file} is up to date.`)
      return result
    }
    if (!this.jsonEnabled()) process.stdout.write(registrySchemaText())
    return registrySchema()
  }
}
