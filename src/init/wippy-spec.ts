/**
 * Which `wippy` a new project depends on. `wippy init` writes a package.json with wippy as a
 * devDependency, so `npm install && npx wippy dev` in the project runs the version that made
 * it. The spec depends on where this wippy came from:
 *
 * - a registry install: the exact version (`"wippy": "0.1.0"`);
 * - a tarball (`npx --package ./wippy-0.1.0.tgz wippy init`, `npm install ./wippy-0.1.0.tgz`, or
 *   `npm install -g ./wippy-0.1.0.tgz`): npm records the tarball as a `file:` spec in the
 *   package.json of the folder it installed into (for npx, its cache folder `_npx/<hash>`) and
 *   in `node_modules/.package-lock.json`, so init writes `file:<absolute tarball path>`;
 * - a checkout (`node bin/run.js init`): `file:<absolute checkout path>` (npm links it; the
 *   checkout must stay built).
 *
 * An absolute `file:` path is only valid on this machine; `source` says which case applied so
 * the summary can say so.
 */
import {existsSync, readFileSync} from 'node:fs'
import {basename, dirname, isAbsolute, join, resolve} from 'node:path'

export interface WippySpec {
  /** How this wippy was installed. */
  readonly source: 'checkout' | 'registry' | 'tarball'
  /** The package.json dependency spec. */
  readonly spec: string
  readonly version: string
}

/** The spec for the wippy package whose root is `packageRoot`. */
export function wippySpecOf(packageRoot: string): WippySpec {
  const version = readJson(join(packageRoot, 'package.json'))?.version
  const v = typeof version === 'string' ? version : '0.0.0'
  const parent = dirname(packageRoot)
  if (basename(parent) === 'node_modules') {
    const installer = dirname(parent)
    // The installer's package.json (npx's cache folder, a project), else npm's hidden lockfile
    // in node_modules, which also covers a global install (`npm i -g ./wippy.tgz`).
    const recorded =
      dependencySpec(readJson(join(installer, 'package.json')), basename(packageRoot)) ??
      lockedSpec(readJson(join(parent, '.package-lock.json')), basename(packageRoot))
    if (recorded?.startsWith('file:')) {
      const path = recorded.slice('file:'.length)
      return {source: 'tarball', spec: `file:${isAbsolute(path) ? path : resolve(installer, path)}`, version: v}
    }
    return {source: 'registry', spec: v, version: v}
  }
  // Not under node_modules: a checkout (npm link or `node bin/run.js`).
  return existsSync(join(packageRoot, 'package.json'))
    ? {source: 'checkout', spec: `file:${packageRoot}`, version: v}
    : {source: 'registry', spec: v, version: v}
}

function dependencySpec(pkg: Record<string, unknown> | undefined, name: string): string | undefined {
  for (const field of ['dependencies', 'devDependencies', 'optionalDependencies']) {
    const deps = pkg?.[field] as Record<string, unknown> | undefined
    if (typeof deps?.[name] === 'string') return deps[name] as string
  }
  return undefined
}

function lockedSpec(lock: Record<string, unknown> | undefined, name: string): string | undefined {
  const entry = (lock?.packages as Record<string, {resolved?: unknown}> | undefined)?.[`node_modules/${name}`]
  return typeof entry?.resolved === 'string' ? entry.resolved : undefined
}

function readJson(file: string): Record<string, unknown> | undefined {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>
  } catch {
    return undefined
  }
}

/** The project's package.json: the given one (kept) with wippy set in devDependencies. */
export function projectPackageJson(
  name: string,
  wippy: WippySpec,
  existing?: Record<string, unknown>,
): Record<string, unknown> {
  const base = existing ?? {
    name: name.toLowerCase(),
    version: '0.0.0',
    private: true,
    scripts: {dev: 'wippy dev', lint: 'wippy lint', test: 'wippy test'},
  }
  const devDependencies = {...(base.devDependencies as Record<string, string> | undefined), wippy: wippy.spec}
  return {...base, devDependencies}
}
