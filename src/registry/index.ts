/** The registry: loading a project's YAML entries, their schemas, views and diffs. */
export type {LoadOptions, Problem, Registry, RegistryDiff, RegistryEntry} from './types.js'
export {assertNoErrors, loadRegistry, sortProblems} from './load.js'
export {deepEqual, diffRegistries} from './diff.js'
export {
  KNOWN_KINDS,
  KNOWN_MODULES,
  LUA_KINDS,
  NON_WORKFLOW_MODULES,
  OPAQUE_KINDS,
  RUN_KINDS,
  WORKFLOW_SAFE_MODULES,
  isLuaKind,
  isRunKind,
} from './kinds.js'
export {kindSchemas, lifecycleSchema, poolSchema} from './schemas.js'
export type {LuaKind, RunKind} from './kinds.js'
export {
  lifecycleConfig,
  luaEntryConfig,
  processHostConfig,
  processServiceConfig,
  resolveRef,
  temporalClientConfig,
  temporalWorkerConfig,
} from './views.js'
export type {
  LifecycleConfig,
  LuaEntryConfig,
  PoolConfig,
  ProcessHostConfig,
  ProcessServiceConfig,
  TemporalClientConfig,
  TemporalWorkerConfig,
} from './views.js'
export {parseGoDuration} from './duration.js'
export {closestMatch, didYouMean} from './did-you-mean.js'
export {formatProblem, lintProject, summarizeLint} from './lint.js'
export type {LintResult} from './lint.js'
export {getEntry, listEntries} from './query.js'
export type {EntrySummary, ListEntriesOptions} from './query.js'
