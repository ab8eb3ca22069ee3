/** `wippy ps`: the running engine's list, or the history files' when no `wippy dev` runs. */
import type {ProcessInfo} from '../engine/api.js'
import {type ProjectOptions, offline, withClient} from './control.js'

/** What `wippy ps` returns. `source` says whether a running engine or the files answered. */
export interface PsOutput {
  processes: ProcessInfo[]
  source: 'engine' | 'files'
}

export async function listRuns(options: ProjectOptions & {all?: boolean; status?: string}): Promise<PsOutput> {
  return withClient(options, async (client) => {
    const filter = {...(options.all ? {all: true} : {}), ...(options.status ? {status: options.status} : {})}
    const api = client ?? (await offline()).offlineApi(options.root, options.stateDir)
    return {processes: await api.ps({filter}), source: client ? 'engine' : 'files'}
  })
}
