/**
 * Writes a throw-away Wippy project into a temp dir: `wippy.lock`, a standard `app`
 * namespace (temporal client + worker, process host) and whatever files the test adds.
 */
import {mkdirSync, mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {dirname, join} from 'node:path'

export const BASE_INDEX = `version: "1.0"
namespace: app
entries:
  - name: temporal_client
    kind: temporal.client
    address: localhost:7233
  - name: temporal_worker
    kind: temporal.worker
    client: app:temporal_client
    task_queue: main
  - name: processes
    kind: process.host
`

export interface TempProject {
  root: string
  write(path: string, text: string): void
  remove(): void
}

export function writeProject(files: Record<string, string>, options: {base?: boolean} = {}): TempProject {
  const root = mkdtempSync(join(tmpdir(), 'wippy-test-'))
  const write = (path: string, text: string): void => {
    const full = join(root, path)
    mkdirSync(dirname(full), {recursive: true})
    writeFileSync(full, text)
  }
  write('wippy.lock', 'directories:\n  modules: .wippy\n  src: ./src\nmodules: []\n')
  if (options.base !== false) write('src/app/_index.yaml', BASE_INDEX)
  for (const [path, text] of Object.entries(files)) write(path, text)
  return {remove: () => rmSync(root, {force: true, recursive: true}), root, write}
}
