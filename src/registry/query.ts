import {WippyError} from '../errors.js'
import {didYouMean} from './did-you-mean.js'
import type {Registry, RegistryEntry} from './types.js'

/** One row of `wippy registry list`. */
export interface EntrySummary {
  id: string
  kind: string
  namespace: string
  name: string
  file: string
  line: number
}

export interface ListEntriesOptions {
  /** Exact kind, e.g. `function.lua`. */
  kind?: string
  /** Namespace; also matches its children (`app` matches `app.api`). */
  namespace?: string
}

/** Entries matching the filters, sorted by ID. */
export function listEntries(registry: Registry, options: ListEntriesOptions = {}): EntrySummary[] {
  const ns = options.namespace
  return [...registry.entries.values()]
    .filter((e) => options.kind === undefined || e.kind === options.kind)
    .filter((e) => ns === undefined || e.namespace === ns || e.namespace.startsWith(`${ns}.`))
    .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
    .map((e) => ({id: e.id, kind: e.kind, namespace: e.namespace, name: e.name, file: e.file, line: e.line}))
}

/**
 * The entry with this ID.
 *
 * @throws WippyError WIPPY_ENTRY_NOT_FOUND (with a did-you-mean) when there is none.
 */
export function getEntry(registry: Registry, id: string): RegistryEntry {
  const entry = registry.entries.get(id)
  if (entry) return entry
  const ids = [...registry.entries.keys()]
  // A bare name that is unique across namespaces is the likely intent.
  const byName = ids.filter((x) => x.endsWith(`:${id}`))
  const suggestion = byName.length === 1 ? ` Did you mean "${byName[0]}"?` : didYouMean(id, ids)
  throw new WippyError('WIPPY_ENTRY_NOT_FOUND', `No entry ${id} in the registry.${suggestion}`, {
    hint: 'Entry IDs are namespace:name; run `wippy registry list` to see them.',
  })
}
