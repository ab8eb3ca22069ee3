/**
 * A small cache of run summaries beside the histories (`runs.json`, kept with lowdb): it
 * lets `wippy ps` without a dev server list thousands of runs without reading every
 * history. The JSONL histories stay the source of truth: a closed run's entry is trusted
 * (a closed history never changes again), an open run's is re-read from its file, and a
 * run missing from the index (or an unreadable index) just means reading the file.
 */
import {Low} from 'lowdb'
import {JSONFile} from 'lowdb/node'

export interface IndexedRun {
  closedAt?: number
  entry: string
  /** As in `RunSummary`: a closed run's last search attributes and memo (`ps --query` filters closed runs from here). */
  memo?: Record<string, unknown>
  pid: string
  searchAttributes?: Record<string, unknown>
  /** The history length at which the run was last evicted idle (see the workflow host's recovery). */
  settledLength?: number
  startedAt: number
  status: string
  workflowId: string
}

interface IndexData {
  format: 1
  runs: Record<string, IndexedRun>
}

/** Writes are coalesced: status changes come in bursts, the file is rewritten whole. */
const WRITE_DELAY_MS = 200

export class RunIndex {
  private timer?: NodeJS.Timeout
  private writing: Promise<void> = Promise.resolve()

  private constructor(private readonly db: Low<IndexData>) {}

  /** Opens (or starts) the index; a damaged file counts as empty and is rewritten (it is only a cache). */
  static async open(file: string): Promise<RunIndex> {
    const db = new Low<IndexData>(new JSONFile<IndexData>(file), {format: 1, runs: {}})
    try {
      await db.read()
    } catch {
      db.data = {format: 1, runs: {}}
    }
    if (db.data?.format !== 1 || typeof db.data.runs !== 'object' || db.data.runs === null)
      db.data = {format: 1, runs: {}}
    return new RunIndex(db)
  }

  get(runKey: string): IndexedRun | undefined {
    return this.db.data.runs[runKey]
  }

  /** Records a run's summary; written shortly after (or on {@link flush}). */
  set(runKey: string, run: IndexedRun): void {
    const before = this.db.data.runs[runKey]
    if (
      before &&
      before.status === run.status &&
      before.closedAt === run.closedAt &&
      before.settledLength === run.settledLength
    )
      return
    this.db.data.runs[runKey] = run
    this.timer ??= setTimeout(() => void this.flush(), WRITE_DELAY_MS)
    this.timer.unref()
  }

  /** Drops a run's entry (its history was found damaged or was repaired): the file is read again. */
  forget(runKey: string): void {
    if (!(runKey in this.db.data.runs)) return
    delete this.db.data.runs[runKey]
    this.timer ??= setTimeout(() => void this.flush(), WRITE_DELAY_MS)
    this.timer.unref()
  }

  async flush(): Promise<void> {
    clearTimeout(this.timer)
    this.timer = undefined
    this.writing = this.writing.then(() => this.db.write()).catch(() => {})
    await this.writing
  }
}
