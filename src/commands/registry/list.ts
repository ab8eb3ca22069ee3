import {Flags} from '@oclif/core'

import {userCacheDir} from '../../project/cache-dir.js'
import {BaseCommand} from '../../cli/base-command.js'
import {loadRegistry} from '../../registry/load.js'
import {listEntries} from '../../registry/query.js'
import type {EntrySummary} from '../../registry/query.js'

export default class RegistryList extends BaseCommand {
  static override summary = 'List the registry entries of the project (ID, kind, where declared).'

  static override examples = [
    '<%= config.bin %> registry list',
    '<%= config.bin %> registry list --kind workflow.lua',
    '<%= config.bin %> registry list --ns app.api --json',
  ]

  static override flags = {
    kind: Flags.string({description: 'Only entries of this kind, e.g. function.lua.'}),
    ns: Flags.string({description: 'Only entries in this namespace or its children (app matches app.api).'}),
  }

  async run(): Promise<{entries: EntrySummary[]}> {
    const {flags} = await this.parse(RegistryList)
    const registry = await loadRegistry(this.projectRoot(flags.path), {
      env: process.env,
      cacheDir: userCacheDir(process.env),
    })
    const errors = registry.problems.filter((p) => p.severity === 'error').length
    if (errors > 0)
      this.warnLine(`the registry has ${errors} error${errors === 1 ? '' : 's'}; run \`wippy lint\` to see them.`)
    const entries = listEntries(registry, {
      ...(flags.kind === undefined ? {} : {kind: flags.kind}),
      ...(flags.ns === undefined ? {} : {namespace: flags.ns}),
    })
    if (!this.jsonEnabled()) {
      if (entries.length === 0) {
        this.info('No entries match.')
      } else {
        const rows = entries.map((e) => [e.id, e.kind, `${e.file}:${e.line}`] as const)
        const w0 = Math.max(2, ...rows.map((r) => r[0].length))
        const w1 = Math.max(4, ...rows.map((r) => r[1].length))
        this.log(`${'ID'.padEnd(w0)}  ${'KIND'.padEnd(w1)}  FILE`)
        for (const [id, kind, where] of rows) this.log(`${id.padEnd(w0)}  ${kind.padEnd(w1)}  ${where}`)
      }
    }
    return {entries}
  }
}
