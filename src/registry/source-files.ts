import {existsSync, readFileSync, statSync} from 'node:fs'
import {join, relative} from 'node:path'

import {LOCK_FILE, readProjectLayout} from '../project/lock.js'
import type {ProjectLayout} from '../project/lock.js'
import {findDefinitionFiles} from './discover.js'
import {PARSE_CACHE_VERSION, fileStamp, parseCachePath, readParseCache, writeParseCache} from './parse-cache.js'
import type {ParseCache} from './parse-cache.js'
import {parseDefinitionFile} from './parse-file.js'
import type {ParsedFile, RawEntry} from './parse-file.js'
import type {Problem} from './types.js'

/**
 * The file side of loading: the project layout and every definition file parsed into raw
 * entries, served from the parse cache when a file is unchanged. Cached entries locate
 * their fields by parsing their file again on first need.
 */

export interface DefinitionFile {
  /** Absolute path and project-relative path. */
  abs: string
  file: string
  /** Absolute source root the file was found under. */
  srcDir: string
  entries: RawEntry[]
  problems: Problem[]
}

export interface SourceFiles {
  layout: ProjectLayout
  files: DefinitionFile[]
  /** Symlinked YAML files that point outside the project (absolute paths). */
  escaped: string[]
  /** Source dirs that do not exist (absolute paths). */
  missingDirs: string[]
  /** Regular files under the source dirs whose real path is known to be inside the project. */
  plainFiles: ReadonlySet<string>
  /** The cache as read (for the Lua syntax results) and a writer for the updated one. */
  cache: ParseCache
  saveCache: (known: {luaOk: string[]; validOk: string[]}) => void
}

/** Reads the layout and parses every definition file under the source dirs. */
export function readSourceFiles(root: string, realRoot: string, cacheDir: string | undefined): SourceFiles {
  const cachePath = cacheDir === undefined ? undefined : parseCachePath(cacheDir, root)
  const cache: ParseCache =
    cachePath === undefined ? {version: PARSE_CACHE_VERSION, files: {}} : readParseCache(cachePath)
  const next: ParseCache = {version: PARSE_CACHE_VERSION, files: {}}
  let dirty = false

  const lockPath = join(root, LOCK_FILE)
  const lockStamp = existsSync(lockPath) ? fileStamp(statSync(lockPath)) : 'none'
  let layout: ProjectLayout
  if (cache.lock && cache.lock.stamp === lockStamp) {
    layout = {...cache.lock.layout, problems: []}
  } else {
    layout = readProjectLayout(root)
    dirty = true
  }
  if (layout.problems.length === 0)
    next.lock = {stamp: lockStamp, layout: {srcDirs: layout.srcDirs, modulesDir: layout.modulesDir}}

  const rel = (abs: string) => relative(root, abs).split('\\').join('/')
  const files: DefinitionFile[] = []
  const escaped: string[] = []
  const missingDirs: string[] = []
  const plainFiles = new Set<string>()
  for (const srcDir of layout.srcDirs) {
    if (!existsSync(srcDir) || !statSync(srcDir).isDirectory()) {
      missingDirs.push(srcDir)
      continue
    }
    const found = findDefinitionFiles(srcDir, realRoot)
    escaped.push(...found.escaped)
    for (const f of found.plainFiles) plainFiles.add(f)
    for (const abs of found.files) {
      const file = rel(abs)
      const stamp = fileStamp(statSync(abs))
      const hit = cache.files[file]
      let entries: RawEntry[]
      let problems: Problem[]
      if (hit && hit.stamp === stamp) {
        entries = fromCache(abs, file, hit.entries)
        problems = hit.problems
      } else {
        const parsed = parseDefinitionFile(readFileSync(abs, 'utf8'), file)
        entries = parsed.entries
        problems = parsed.problems
        dirty = true
      }
      next.files[file] = {
        stamp,
        entries: entries.map(({namespace, name, kind, meta, data, line, column}) => ({
          namespace,
          name,
          kind,
          meta,
          data,
          line,
          column,
        })),
        problems,
      }
      files.push({abs, file, srcDir, entries, problems})
    }
  }
  if (Object.keys(cache.files).length !== Object.keys(next.files).length) dirty = true
  // Serialise now, before anything downstream can touch the parsed objects; the Lua syntax
  // results come later and only rewrite the file when they changed.
  const serialized = cachePath !== undefined && dirty ? JSON.stringify(next) : undefined
  const saveCache = (known: {luaOk: string[]; validOk: string[]}) => {
    if (cachePath === undefined) return
    const same = (a: readonly string[] | undefined, b: readonly string[]) =>
      a !== undefined && a.length === b.length && a.every((h, i) => h === b[i])
    if (serialized === undefined && same(cache.luaOk, known.luaOk) && same(cache.validOk, known.validOk)) return
    const tail = `"luaOk":${JSON.stringify(known.luaOk)},"validOk":${JSON.stringify(known.validOk)}}`
    writeParseCache(
      cachePath,
      serialized === undefined
        ? `${JSON.stringify({...cache, luaOk: undefined, validOk: undefined}).slice(0, -1)},${tail}`
        : `${serialized.slice(0, -1)},${tail}`,
    )
  }
  return {layout, files, escaped, missingDirs, plainFiles, cache, saveCache}
}

/** Raw entries from the cache; `locate` parses the file again the first time it is needed. */
function fromCache(abs: string, file: string, cached: ParseCache['files'][string]['entries']): RawEntry[] {
  let parsed: ParsedFile | undefined
  return cached.map((e, i) => ({
    ...e,
    file,
    locate: (where, path) => {
      parsed ??= parseDefinitionFile(readFileSync(abs, 'utf8'), file)
      return parsed.entries[i]?.locate(where, path) ?? {line: e.line, column: e.column}
    },
  }))
}
