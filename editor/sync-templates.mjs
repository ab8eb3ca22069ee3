// Copies the editor-support files into every template: the LuaLS stubs (types/wippy/*.lua),
// .luarc.json, the registry JSON Schema (schema/registry.schema.json, generated from the
// built CLI), and the `# yaml-language-server: $schema=...` first line of every src YAML.
// Run after `npm run build`:  node editor/sync-templates.mjs
// test/schema/template-sync.test.ts fails whenever a template is out of step.
import {copyFileSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync} from 'node:fs'
import {dirname, join} from 'node:path'
import {fileURLToPath} from 'node:url'

const repo = join(dirname(fileURLToPath(import.meta.url)), '..')
const {PROJECT_SCHEMA_FILE, readModeline, registrySchemaText, schemaModeline} = await import(join(repo, 'dist', 'schema', 'index.js'))
const stubs = join(repo, 'editor', 'luals', 'wippy')

function yamlFiles(dir) {
  const out = []
  for (const name of readdirSync(dir)) {
    const p = join(dir, name)
    if (statSync(p).isDirectory()) out.push(...yamlFiles(p))
    else if (/\.ya?ml$/.test(name)) out.push(p)
  }
  return out
}

for (const name of readdirSync(join(repo, 'templates'))) {
  const root = join(repo, 'templates', name)
  if (!statSync(root).isDirectory()) continue
  mkdirSync(join(root, 'types', 'wippy'), {recursive: true})
  for (const stub of readdirSync(stubs)) copyFileSync(join(stubs, stub), join(root, 'types', 'wippy', stub))
  copyFileSync(join(repo, 'editor', 'luals', '.luarc.json'), join(root, '.luarc.json'))
  const schemaFile = join(root, PROJECT_SCHEMA_FILE)
  mkdirSync(dirname(schemaFile), {recursive: true})
  writeFileSync(schemaFile, registrySchemaText())
  for (const file of yamlFiles(join(root, 'src'))) {
    const text = readFileSync(file, 'utf8')
    const body = readModeline(text) === undefined ? text : text.slice(text.indexOf('\n') + 1)
    writeFileSync(file, `${schemaModeline(file, schemaFile)}\n${body}`)
  }
  console.log(`synced templates/${name}`)
}
