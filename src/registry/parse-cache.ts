import {createHash} from 'node:crypto'
import {mkdirSync, readFileSync, renameSync, writeFileSync} from 'node:fs'
import type {Stats} from 'node:fs'
import {join} from 'node:path'

import type {ProjectLayout} from '../project/lock.js'
import type {Problem} from './types.js'

/**
 * An on-disk cache of parsed definition files, so that a CLI run on an unchanged project
 * skips YAML parsing (the slowest step of a cold start: ~0.5 ms per entry). A file's entry
 * is reused only when its size, mtime, ctime and inode are unchanged; anything unreadable
 * is ignored and rebuilt. Positions of fields are not cached: when a problem needs one, the
 * file is parsed again (only that file).
 */

export const PARSE_CACHE_VERSION = 2

/** An entry as parsed, without the YAML nodes (those are rebuilt on demand). */
export interface CachedEntry {
  namespace: string
  name: string
  kind: string
  meta: Record<string, unknown>
  data: Record<string, unknown>
  line: number
  column: number
}

export interface CachedFile {
  stamp: string
  entries: CachedEntry[]
  problems: Problem[]
}

export interface ParseCache {
  version: number
  lock?: {stamp: string; layout: Omit<ProjectLayout, 'problems'>}
  /** Keyed by project-relative path. */
  files: Record<string, CachedFile>
  /** Hashes (sorted) of Lua texts that passed the syntax check. */
  luaOk?: string[]
  /** Hashes (sorted) of (kind, data) pairs that passed their schema. */
  validOk?: string[]
}

/** A change stamp for a file: any edit changes at least one of these. */
export function fileStamp(stats: Stats): string {
  return `${stats.size}:${stats.mtimeMs}:${stats.ctimeMs}:${stats.ino}`
}

/** The cache file of the project at `root` inside `cacheDir`. */
export function parseCachePath(cacheDir: string, root: string): string {
  return join(cacheDir, 'registry', `${createHash('sha256').update(root).digest('hex').slice(0, 20)}.json`)
}

export function readParseCache(path: string): ParseCache {
  try {
    const value = JSON.parse(readFileSync(path, 'utf8')) as ParseCache
    if (value && value.version === PARSE_CACHE_VERSION && typeof value.files === 'object') return value
  } catch {
    // Missing or corrupt: start over.
  }
  return {version: PARSE_CACHE_VERSION, files: {}}
}

/** Writes atomically (temp file + rename); a cache that can't be written is simply skipped. */
export function writeParseCache(path: string, body: string): void {
  try {
    mkdirSync(join(path, '..'), {recursive: true})
    const tmp = `${path}.${process.pid}.tmp`
    writeFileSync(tmp, body)
    renameSync(tmp, path)
  } catch {
    // Read-only home, full disk...: run uncached.
  }
}
