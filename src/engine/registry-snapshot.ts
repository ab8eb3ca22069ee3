/** What the engine runs of a loaded registry, and how it names an entry it does not have. */
import {WippyError} from '../errors.js'
import type {Registry} from '../registry/index.js'

/** The registry minus entries with an error (and every entry of a file that failed to parse). */
export function withoutBrokenEntries(registry: Registry): Registry {
  const broken = new Set(registry.problems.filter((p) => p.severity === 'error' && p.entryId).map((p) => p.entryId!))
  if (broken.size === 0) return registry
  return {...registry, entries: new Map([...registry.entries].filter(([id]) => !broken.has(id)))}
}

/** The error for an entry ID that is not in the registry (with a did-you-mean by name). */
export function unknownEntry(id: string, registry: Registry): WippyError {
  const ids = [...registry.entries.keys()].filter((k) => k.split(':')[1] === id.split(':').at(-1))
  return new WippyError('WIPPY_ENTRY_NOT_FOUND', `No entry ${id} in the registry.`, {
    hint:
      ids.length > 0
        ? `Did you mean ${ids.join(' or ')}?`
        : 'List entries with `wippy registry list`; IDs are namespace:name.',
  })
}
