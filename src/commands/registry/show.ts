import {Args} from '@oclif/core'
import {stringify} from 'yaml'

import {userCacheDir} from '../../project/cache-dir.js'
import {BaseCommand} from '../../cli/base-command.js'
import {loadRegistry} from '../../registry/load.js'
import {getEntry} from '../../registry/query.js'
import type {RegistryEntry} from '../../registry/types.js'

export default class RegistryShow extends BaseCommand {
  static override args = {
    id: Args.string({description: 'Entry ID (namespace:name), e.g. app.workflows:payment.', required: true}),
  }

  static override summary =
    'Show one registry entry as resolved: kind, meta, data (after file:// and ${env:}) and its source file.'

  static override examples = [
    '<%= config.bin %> registry show app.workflows:payment',
    '<%= config.bin %> registry show app:temporal_worker --json',
  ]

  async run(): Promise<{entry: RegistryEntry}> {
    const {args, flags} = await this.parse(RegistryShow)
    const registry = await loadRegistry(this.projectRoot(flags.path), {
      env: process.env,
      cacheDir: userCacheDir(process.env),
    })
    const entry = getEntry(registry, args.id)
    if (!this.jsonEnabled()) {
      this.log(`${entry.id}  (${entry.kind})`)
      this.log(`declared at ${entry.file}:${entry.line}:${entry.column}`)
      if (entry.sourceFile) this.log(`source file ${entry.sourceFile}`)
      // The Lua text lives in the source file; show a line count instead of the whole text.
      const data = {...entry.data}
      if (entry.sourceFile && typeof data.source === 'string') {
        data.source = `<${data.source.split('\n').length} lines from ${entry.sourceFile}>`
      }
      if (Object.keys(entry.meta).length > 0) this.log(`meta:\n${indent(stringify(entry.meta))}`)
      this.log(`data:\n${indent(stringify(data))}`)
    }
    return {entry}
  }
}

function indent(text: string): string {
  return text
    .trimEnd()
    .split('\n')
    .map((l) => `  ${l}`)
    .join('\n')
}
