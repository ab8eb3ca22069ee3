import {createRequire} from 'node:module'
import type * as Yaml from 'yaml'

const requireCjs = createRequire(import.meta.url)

/**
 * The `yaml` package, loaded on first use. Loading it costs ~40 ms of start-up, and a load
 * served from the parse cache never needs it, so it is required lazily (synchronously, from
 * its CommonJS build; Node caches the module after the first call).
 */
export function yamlLib(): typeof Yaml {
  return requireCjs('yaml') as typeof Yaml
}
