import type {Registry, RegistryDiff, RegistryEntry} from './types.js'

/** Entry IDs added, removed and changed (kind, meta or data, including Lua source text). */
export function diffRegistries(before: Registry, after: Registry): RegistryDiff {
  const added: string[] = []
  const removed: string[] = []
  const changed: string[] = []
  for (const [id, entry] of after.entries) {
    const old = before.entries.get(id)
    if (!old) added.push(id)
    else if (!sameEntry(old, entry)) changed.push(id)
  }
  for (const id of before.entries.keys()) if (!after.entries.has(id)) removed.push(id)
  return {added: added.sort(), removed: removed.sort(), changed: changed.sort()}
}

function sameEntry(a: RegistryEntry, b: RegistryEntry): boolean {
  return a.kind === b.kind && deepEqual(a.meta, b.meta) && deepEqual(a.data, b.data)
}

/** Structural equality of YAML-shaped values (plain objects, arrays, scalars, dates). */
export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null)
    return Number.isNaN(a) && Number.isNaN(b)
  if (a instanceof Date || b instanceof Date)
    return a instanceof Date && b instanceof Date && a.getTime() === b.getTime()
  if (Array.isArray(a) !== Array.isArray(b)) return false
  if (Array.isArray(a)) {
    const bb = b as unknown[]
    return a.length === bb.length && a.every((v, i) => deepEqual(v, bb[i]))
  }
  const ka = Object.keys(a)
  const kb = Object.keys(b)
  if (ka.length !== kb.length) return false
  return ka.every(
    (k) => Object.hasOwn(b, k) && deepEqual((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]),
  )
}
