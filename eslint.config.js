// ESLint: typescript-eslint's recommended rules (no type information, so it stays fast), plus
// the layer rule from ARCHITECTURE.md "Layers" and the rule that src/lua/ runs without Node.
// Formatting is Prettier's job (.prettierrc.json); nothing here checks layout.
import js from '@eslint/js'
import globals from 'globals'
import tseslint from 'typescript-eslint'
import {defineConfig} from 'eslint/config'

// The layers, top to bottom. A folder may import only from folders in tiers below its own (not
// from its tier's other folders). `errors` is src/errors.ts. Folders ARCHITECTURE.md does not
// name are placed where their imports put them:
// - init/, schema/, testing/: services only commands/ imports (init/ itself imports cli/, and
//   writes the registry schema into a new project, so it sits above schema/);
// - time/, project/: utilities registry/ and the layers above use (time/ is imported by registry/).
const LAYERS = [
  ['commands'],
  ['init'],
  ['schema', 'testing'],
  ['cli'],
  ['services'],
  ['tui'],
  ['dev'],
  ['output'],
  ['control'],
  ['engine'],
  ['hosts'],
  ['history'],
  ['lua'],
  ['registry'],
  ['time', 'project'],
  ['errors'],
]
const FOLDERS = LAYERS.flat()

// Imports that are forbidden although the layers allow them (design-review §1.1):
// - control/ reaches the hosts only through engine/'s API, never a host's internals;
// - lua/ runs inside Temporal's workflow sandbox: registry/, time/ and project/ read files or
//   use Node, so lua/ imports nothing outside itself but errors.ts.
const SKIPS = {
  control: ['hosts'],
  lua: FOLDERS.filter((f) => f !== 'lua' && f !== 'errors'),
}
const SKIP_WHY = {
  control: "the layers below it, and the hosts only through engine/'s API",
  lua: "it runs in Temporal's workflow sandbox",
}
const shown = (f) => (f === 'errors' ? 'src/errors.ts' : `${f}/`)

/** The top-level folders `folder` may not import. */
function forbiddenFor(folder) {
  const tier = LAYERS.findIndex((t) => t.includes(folder))
  const above = LAYERS.slice(0, tier + 1).flat()
  return [...new Set([...above, ...(SKIPS[folder] ?? [])])].filter((f) => f !== folder)
}

// A relative import that climbs out to a top-level folder of src/ (`../hosts/x.js`,
// `../../errors.js`). No folder inside src/<layer>/ shares a name with a top-level one, so
// matching the first name after the `../` run is exact. (src/commands/ has history/, registry/
// and time/ subfolders, but commands/ is the top layer and forbids nothing.)
const climbsTo = (folders) => `^(\\.\\./)+(${folders.join('|')})(/|\\.js$)`

// src/lua/ may import its own files and wasmoon, nothing else bare: no `node:*`, no `fs`.
const LUA_BARE = {
  regex: '^(?!\\.|wasmoon$)',
  message: "src/lua/ runs in Temporal's workflow sandbox: no Node modules, and no npm package but wasmoon.",
}

/**
 * The layer rule for the files `files`, as a `no-restricted-imports` config (static imports and
 * re-exports) plus a `no-restricted-syntax` one for `import('…')` with a literal path. `allow`
 * lists folders to let through (for a file that may reach past the rule; none today).
 */
function layerRule(folder, files, allow = [], extra = {}) {
  const forbidden = (extra.forbid ?? forbiddenFor(folder)).filter((f) => !allow.includes(f))
  if (forbidden.length === 0) return []
  const allowed = FOLDERS.filter((f) => f !== folder && !forbidden.includes(f))
  const why = extra.why ?? (SKIPS[folder] ? SKIP_WHY[folder] : 'each layer imports only the ones below it')
  const only = allowed.length ? `from outside itself only ${allowed.map(shown).join(', ')}` : 'nothing outside itself'
  const message = `${shown(folder)} may import ${only}: ${why} (ARCHITECTURE.md "Layers"; eslint.config.js).`
  const patterns = [{regex: climbsTo(forbidden), message}]
  if (folder === 'lua') patterns.push(LUA_BARE)
  // esquery regexes may not contain `/`, so `\x2F` stands for it.
  const dynamic = `ImportExpression > Literal.source[value=/${climbsTo(forbidden).replaceAll('/', '\\x2F')}/]`
  return [
    {
      files,
      rules: {
        'no-restricted-imports': ['error', {patterns}],
        'no-restricted-syntax': ['error', {selector: dynamic, message}],
      },
    },
  ]
}

const layerConfigs = FOLDERS.flatMap((folder) =>
  layerRule(folder, folder === 'errors' ? ['src/errors.ts'] : [`src/${folder}/**`]),
)

// The public API type must not depend on a host's internals (design-review §1.1).
const apiForbids = [...forbiddenFor('engine'), 'hosts']
const apiConfig = layerRule('engine', ['src/engine/api.ts'], [], {
  forbid: apiForbids,
  why: "the public API's types do not depend on a host's internals",
})

export default defineConfig(
  {
    ignores: [
      'dist/',
      'coverage/',
      'demo/',
      '.wippy/',
      'templates/',
      'editor/luals/',
      'src/lua/prelude/sources.generated.ts',
    ],
  },
  js.configs.recommended,
  tseslint.configs.recommended,
  {
    languageOptions: {globals: {...globals.node}},
    linterOptions: {reportUnusedDisableDirectives: 'error'},
    rules: {
      // `_`-prefixed names are deliberately unused (positional parameters, destructured-away keys).
      '@typescript-eslint/no-unused-vars': [
        'error',
        {argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none', ignoreRestSiblings: true},
      ],
      // `let x: T | undefined` read by a callback made before `x` is assigned is deliberate late
      // binding (the callback checks `x`); as a `const` an early call would throw instead.
      'prefer-const': ['error', {ignoreReadBeforeAssign: true}],
      // `catch {}` is the house idiom for best-effort cleanup (unmount, rm of a temp dir).
      'no-empty': ['error', {allowEmptyCatch: true}],
    },
  },
  {
    files: ['test/**'],
    rules: {
      // Tests parse the CLI's JSON output and then assert on its shape.
      '@typescript-eslint/no-explicit-any': 'off',
      // Their regexes match the CLI's output verbatim, indentation included (`/    at /`).
      'no-regex-spaces': 'off',
    },
  },
  {
    files: ['src/lua/**'],
    rules: {
      // No Node globals in the sandbox either (TypeScript would accept them: @types/node is global).
      'no-restricted-globals': [
        'error',
        ...['process', 'Buffer', 'require', 'module', '__dirname', '__filename', 'global', 'setImmediate'].map(
          (name) => ({name, message: "src/lua/ runs in Temporal's workflow sandbox: no Node globals."}),
        ),
      ],
    },
  },
  ...layerConfigs,
  ...apiConfig,
)
