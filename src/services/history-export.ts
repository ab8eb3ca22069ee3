/** `wippy history export`: the whole history of a run, from the running engine or its file. */
import type {HistoryView} from '../engine/api.js'
import type {ProjectOptions, RunChoice} from './control.js'
import {inspectHistory} from './history-inspect.js'

export async function exportHistory(options: ProjectOptions & RunChoice & {pid: string}): Promise<HistoryView> {
  return inspectHistory({...options, range: {}})
}
