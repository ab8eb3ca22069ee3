/**
 * The registry's data model: entries as the Wippy platform loads them from YAML, and the
 * problems found while loading. Every problem points at a file and a line:column so that
 * `wippy lint` and the dev server can show where to fix it.
 */

/** One registry entry `{id, kind, meta, data}` with where it was declared. */
export interface RegistryEntry {
  /** `namespace:name`. */
  id: string
  namespace: string
  name: string
  kind: string
  /** File-level meta merged with the entry's own meta (the entry wins). */
  meta: Record<string, unknown>
  /** All inline fields plus the explicit `data:` map, after `file://` and `${env:}` interpolation. */
  data: Record<string, unknown>
  /** Project-relative path of the YAML file (forward slashes), e.g. `src/app/_index.yaml`. */
  file: string
  /** 1-based position of the entry in {@link file}. */
  line: number
  column: number
  /** Project-relative path of the Lua file when `data.source` came from `file://`. */
  sourceFile?: string
}

/** A problem found while loading or checking the registry. */
export interface Problem {
  severity: 'error' | 'warning'
  code: `WIPPY_${string}`
  /** Present-tense sentence. */
  message: string
  hint?: string
  /** Project-relative path (forward slashes). */
  file?: string
  line?: number
  column?: number
  entryId?: string
}

/** A loaded registry snapshot. Entries that failed validation are still present; see `problems`. */
export interface Registry {
  /** Absolute project root. */
  root: string
  /** Absolute source directories (from `wippy.lock` `directories.src`, default `./src`). */
  srcDirs: string[]
  entries: ReadonlyMap<string, RegistryEntry>
  problems: Problem[]
}

export interface LoadOptions {
  /** Values for `${env:NAME}` placeholders. Defaults to an empty environment. */
  env?: Record<string, string | undefined>
  /** Optional Lua syntax checker (the Lua runtime provides one later); problems it returns are added. */
  checkLua?: (text: string, chunkName: string) => Problem | undefined
  /**
   * Like `checkLua`, but loaded only when some Lua text is not already known to be fine
   * (from the parse cache): `wippy lint` uses it so that an unchanged project never loads the VM.
   */
  loadLuaChecker?: () => Promise<(text: string, chunkName: string) => Problem | undefined>
  /**
   * Directory for the parse cache (unchanged YAML files skip parsing). Commands pass the
   * user cache dir (`userCacheDir(process.env)`); when unset nothing is cached.
   */
  cacheDir?: string
}

/** Entry IDs that differ between two snapshots. */
export interface RegistryDiff {
  added: string[]
  removed: string[]
  /** Same ID, different kind, meta or data (including the Lua source text). */
  changed: string[]
}
