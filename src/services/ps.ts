/** `wippy ps`: the running engine's list, or the history files' when no `wippy dev` runs. */
import type {ProcessInfo} from '../engine/api.js'
import {matchesFilter, parseListFilter} from '../history/list-filter.js'
import {type ProjectOptions, offline, withClient} from './control.js'

/** What `wippy ps` returns. `source` says whether a running engine or the files answered. */
export interface PsOutput {
  processes: ProcessInfo[]
  source: 'engine' | 'files'
}

/**
 * The rows, filtered by `status` and `query` (`history/list-filter.ts`). A query looks at
 * closed runs too, as Temporal's list does (`Status="running"` keeps to open ones); it is
 * parsed before anything is asked, so a bad one fails fast. Both the engine and the files
 * are filtered here, the same way.
 */
export async function listRuns(
  options: ProjectOptions & {all?: boolean; query?: string; status?: string},
): Promise<PsOutput> {
  const query = options.query === undefined ? undefined : parseListFilter(options.query)
  return withClient(options, async (client) => {
    const all = options.all === true || (query !== undefined && options.status === undefined)
    const filter = {...(all ? {all: true} : {}), ...(options.status ? {status: options.status} : {})}
    const api = client ?? (await offline()).offlineApi(options.root, options.stateDir)
    const rows = await api.ps({filter})
    return {processes: query ? rows.filter((r) => matchesFilter(query, r)) : rows, source: client ? 'engine' : 'files'}
  })
}
