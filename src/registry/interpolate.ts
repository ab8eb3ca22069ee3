import {readFileSync, realpathSync} from 'node:fs'
import {relative, resolve, sep} from 'node:path'

import type {PathKey, Position} from './parse-file.js'
import type {Problem} from './types.js'

/**
 * The loader's interpolators (platform §1.3), applied to every string in an entry's data:
 * `file://rel` (relative to the YAML file), `file:///x` (relative to the source root) and
 * `${env:NAME}`. A file may never escape the project root, through `..` or a symlink.
 */

export interface InterpolateContext {
  /** Absolute project root (and its real path, for the symlink check). */
  root: string
  realRoot: string
  /** Absolute directory of the YAML file. */
  yamlDir: string
  /** Absolute source root the YAML file lives under. */
  srcRoot: string
  env: Record<string, string | undefined>
  /** Files known to be regular and inside the project (no realpath needed). */
  plainFiles: ReadonlySet<string>
  /** Whether an unset `${env:}` is an error (kinds wippy runs) or left as written. */
  strictEnv: boolean
  file: string
  entryId: string
  locate: (path: readonly PathKey[]) => Position
}

export interface InterpolateResult {
  data: Record<string, unknown>
  /** Project-relative path of the file `data.source` was read from. */
  sourceFile?: string
  problems: Problem[]
}

const ENV_RE = /\$\{env:([A-Za-z_][A-Za-z0-9_]*)\}/g

/** Returns a new data object with placeholders replaced; never mutates `data`. */
export function interpolateData(data: Record<string, unknown>, ctx: InterpolateContext): InterpolateResult {
  const problems: Problem[] = []
  let sourceFile: string | undefined
  const report = (code: `WIPPY_${string}`, message: string, hint: string, path: readonly PathKey[]) => {
    const pos = ctx.locate(path)
    problems.push({
      severity: 'error',
      code,
      message,
      hint,
      file: ctx.file,
      line: pos.line,
      column: pos.column,
      entryId: ctx.entryId,
    })
  }

  const visitString = (value: string, path: readonly PathKey[]): string => {
    if (value.startsWith('file://')) {
      const read = readReferencedFile(value, path)
      if (read !== undefined && path.length === 1 && path[0] === 'source') sourceFile = read.rel
      return read?.text ?? value
    }
    if (!value.includes('${env:')) return value
    return value.replace(ENV_RE, (whole, name: string) => {
      const v = ctx.env[name]
      if (v !== undefined) return v
      if (ctx.strictEnv) {
        report(
          'WIPPY_ENV_UNSET',
          `Entry ${ctx.entryId} uses \${env:${name}}, but ${name} is not set.`,
          `Set ${name} in the environment (e.g. \`export ${name}=...\`) before starting wippy.`,
          path,
        )
      }
      return whole
    })
  }

  const readReferencedFile = (value: string, path: readonly PathKey[]): {rel: string; text: string} | undefined => {
    const spec = value.slice('file://'.length)
    const abs = spec.startsWith('/') ? resolve(ctx.srcRoot, `.${spec}`) : resolve(ctx.yamlDir, spec)
    // Prefix checks on resolved (normalised) paths: cheaper than path.relative per source file.
    const inside = abs.startsWith(ctx.root + sep)
    const shown = inside
      ? abs
          .slice(ctx.root.length + 1)
          .split(sep)
          .join('/')
      : abs
    if (spec === '' || !inside) {
      report(
        'WIPPY_FILE_ESCAPES_ROOT',
        `Entry ${ctx.entryId} refers to ${value}, which is outside the project.`,
        'Keep referenced files inside the project; `file://x` is relative to the YAML file, `file:///x` to the source root.',
        path,
      )
      return undefined
    }
    // realpath (one syscall) both checks existence and resolves symlinks for the escape check;
    // files the source walk saw as plain need neither.
    let real: string
    if (ctx.plainFiles.has(abs)) {
      real = abs
    } else
      try {
        real = realpathSync.native(abs)
      } catch {
        report(
          'WIPPY_SOURCE_MISSING',
          `Entry ${ctx.entryId} refers to ${shown}, which does not exist.`,
          `Create ${shown}, or fix the path in \`${value}\` (relative to ${relative(ctx.root, ctx.yamlDir).split('\\').join('/') || '.'}).`,
          path,
        )
        return undefined
      }
    if (real !== abs && !real.startsWith(ctx.realRoot + sep)) {
      report(
        'WIPPY_FILE_ESCAPES_ROOT',
        `Entry ${ctx.entryId} refers to ${shown}, a symlink to ${real} outside the project.`,
        'Copy the file into the project instead of linking to it.',
        path,
      )
      return undefined
    }
    let text: string
    try {
      text = readFileSync(real, 'utf8')
    } catch {
      report(
        'WIPPY_SOURCE_MISSING',
        `Entry ${ctx.entryId} refers to ${shown}, which is not a readable file.`,
        'Point `file://` at a file, not a directory.',
        path,
      )
      return undefined
    }
    return {rel: shown, text}
  }

  const visit = (value: unknown, path: PathKey[]): unknown => {
    if (typeof value === 'string') return visitString(value, path)
    if (Array.isArray(value)) return value.map((v, i) => visit(v, [...path, i]))
    if (typeof value === 'object' && value !== null && !(value instanceof Date)) {
      const out: Record<string, unknown> = {}
      for (const [k, v] of Object.entries(value)) out[k] = visit(v, [...path, k])
      return out
    }
    return value
  }

  const out = visit(data, []) as Record<string, unknown>
  return {data: out, ...(sourceFile === undefined ? {} : {sourceFile}), problems}
}
