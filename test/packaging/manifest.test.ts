import {readFile} from 'node:fs/promises'
import {join} from 'node:path'

import {describe, expect, it} from 'vitest'

import {REPO} from '../helpers/dev-server.js'

/**
 * oclif.manifest.json is built, not committed (`npm run build`, and so `prepack`), and must come
 * out byte-identical from every build of the same sources. oclif lists commands in the order
 * their modules finish loading; scripts/manifest.mjs sorts them. And the pack test must not
 * rebuild the tree under the other tests (it packs with --ignore-scripts).
 */
describe('oclif.manifest.json', () => {
  it('lists the commands sorted by ID, as scripts/manifest.mjs writes them', async () => {
    const manifest = JSON.parse(await readFile(join(REPO, 'oclif.manifest.json'), 'utf8')) as {
      commands: Record<string, unknown>
    }
    const ids = Object.keys(manifest.commands)
    expect(ids.length).toBeGreaterThan(10)
    expect(ids).toEqual([...ids].sort())
  })

  it('is written by the build through scripts/manifest.mjs, and the pack test does not run prepack', async () => {
    const pkg = JSON.parse(await readFile(join(REPO, 'package.json'), 'utf8')) as {scripts: Record<string, string>}
    expect(pkg.scripts.build).toMatch(/node scripts\/manifest\.mjs$/)
    expect(pkg.scripts.build).not.toMatch(/&& oclif manifest/)
    expect(await readFile(join(REPO, 'test', 'packaging', 'pack.test.ts'), 'utf8')).toContain(
      "'pack', '--ignore-scripts'",
    )
    expect(pkg.scripts.prepack).toBe('npm run build')
    expect(await readFile(join(REPO, '.gitignore'), 'utf8')).toMatch(/^oclif\.manifest\.json$/m)
  })

  it('ships with a LICENSE matching package.json', async () => {
    const pkg = JSON.parse(await readFile(join(REPO, 'package.json'), 'utf8')) as {license: string}
    expect(pkg.license).toBe('MIT')
    expect(await readFile(join(REPO, 'LICENSE'), 'utf8')).toMatch(/^MIT License\n/)
  })
})
