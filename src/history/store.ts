/**
 * The durable history store: one append-only JSONL file per workflow run,
 * `<dir>/<runKey>.jsonl`. **These files are the source of truth** for every run; any index
 * (e.g. a lowdb run list) is a cache that can be rebuilt from them with {@link HistoryStore.list}.
 *
 * Durability guarantee the engine relies on: a promise returned by {@link RunLog.append} or
 * {@link HistoryStore.create} resolves only after the event's bytes are written and
 * `fdatasync`'d (and, for a new file, its directory entry is fsync'd). So the engine must not
 * acknowledge an event, or dispatch a side effect that depends on it, before that promise
 * resolves. Appends across all runs share one {@link GroupCommitter}, so many concurrent runs
 * share each round of syncs.
 *
 * One process owns a store directory at a time; this module does not lock it.
 */
import {randomBytes} from 'node:crypto'
import {
  close as closeCb,
  constants,
  write,
  fdatasync as fdatasyncCb,
  fsync as fsyncCb,
  ftruncate as ftruncateCb,
  link,
  mkdir,
  open as openCb,
  readFile as readFileCb,
  unlink,
} from 'node:fs'
import {readFile} from 'node:fs/promises'
import {dirname, resolve} from 'node:path'
import {promisify} from 'node:util'

import {WippyError} from '../errors.js'
import type {HistoryEvent, NewHistoryEvent} from './events.js'
import {type CommitStats, type CommitTarget, GroupCommitter} from './group-commit.js'
import {keepCopy} from './damage.js'
import {type HistoryLimits, historyLimitError} from './history-cap.js'
import {encodeEvent} from './line-codec.js'
import {readHistoryBuffer, type TornTailReport} from './reader.js'
import {historyFileOf, listRunKeys, RUN_KEY} from './run-files.js'
import {storageError} from './storage-errors.js'

const open = promisify(openCb)
const close = promisify(closeCb)
const fdatasync = promisify(fdatasyncCb)
const fsync = promisify(fsyncCb)
const ftruncate = promisify(ftruncateCb)
const readFd = promisify(readFileCb) as (fd: number) => Promise<Buffer>
const linkP = promisify(link)
const unlinkP = promisify(unlink)
const mkdirP = promisify(mkdir)

/** The append side of one open run. */
export interface RunLog {
  /**
   * Appends events in order; the store assigns their `seq` (continuing after the last one).
   * Resolves with the events as recorded once they are durable (written and fdatasync'd).
   * Rejects with a {@link HistoryStorageError} (`WIPPY_DISK_FULL`, ...) if the disk fails; none
   * of the batch is then in the file, the log refuses further appends and the run must be
   * reopened. With `limits`, rejects with `WIPPY_HISTORY_LIMIT` (writing nothing) when the
   * batch would take the history past them.
   */
  append(
    events: readonly NewHistoryEvent[],
    limits?: Pick<HistoryLimits, 'maxBytes' | 'maxEvents'>,
  ): Promise<HistoryEvent[]>
  /** Waits for this run's pending appends, then closes its file. */
  close(): Promise<void>
  /** Number of events, counting appends not yet durable (so the next seq is `length + 1`). */
  readonly length: number
  readonly runKey: string
}

/** What {@link HistoryStore.open} returns. */
export interface OpenedRun {
  events: HistoryEvent[]
  log: RunLog
  /** Set when a torn tail was dropped (and truncated); the engine should report it. */
  recovered?: TornTailReport
}

/** What {@link HistoryStore.read} returns. */
export interface ReadRun {
  events: HistoryEvent[]
  /** Set when the file has a torn tail; a read leaves it in place. */
  recovered?: TornTailReport
}

/** One directory of histories with a shared group committer; see the module comment. */
export class HistoryStore {
  readonly dir: string
  readonly #committer = new GroupCommitter()
  readonly #open = new Map<string, OpenRunLog>()
  #closed = false
  #dirReady: Promise<void> | undefined
  #dirSyncRunning: Promise<void> | undefined
  #dirSyncNext: Promise<void> | undefined

  /** @param dir the histories directory, e.g. `<project>/.wippy/histories`; created on first write. */
  constructor(dir: string) {
    this.dir = resolve(dir)
  }

  /** Group-commit counters (rounds and fdatasync calls so far). */
  get stats(): Readonly<CommitStats> {
    return this.#committer.stats
  }

  /** The file of a run. @throws WippyError `WIPPY_HISTORY_BAD_KEY` */
  pathOf(runKey: string): string {
    checkRunKey(runKey)
    return historyFileOf(this.dir, runKey)
  }

  /**
   * Creates a run's history with its WorkflowStarted event (seq 1), atomically: the file
   * appears complete or not at all. Resolves once the event and the directory entry are durable.
   * @throws WippyError `WIPPY_HISTORY_EXISTS` when the run already has a history.
   */
  async create(runKey: string, started: NewHistoryEvent): Promise<RunLog> {
    const file = this.pathOf(runKey)
    this.#checkOpen()
    if (started.type !== 'WorkflowStarted') {
      throw new WippyError(
        'WIPPY_HISTORY_INVALID_EVENT',
        `A history starts with WorkflowStarted, not ${started.type}.`,
        {
          hint: 'This is a bug in the workflow engine.',
          kind: 'bug',
        },
      )
    }
    const {line} = encodeEvent(1, started)
    if (this.#open.has(runKey)) throw exists(file)
    await this.#ensureDir()
    // Write the first line to a private temp name, then link() it into place: link fails if
    // the name exists, so creation is exclusive and a crash never leaves a half-written file.
    const tmp = `${file}.${randomBytes(6).toString('hex')}.tmp`
    let fd: number
    try {
      fd = await open(tmp, constants.O_WRONLY | constants.O_APPEND | constants.O_CREAT | constants.O_EXCL, 0o644)
    } catch (error) {
      throw storageError('create', file, error)
    }
    try {
      await writeAll(fd, line)
      await fdatasync(fd)
      await linkP(tmp, file)
    } catch (error) {
      await close(fd).catch(() => {})
      await unlinkP(tmp).catch(() => {})
      if ((error as NodeJS.ErrnoException).code === 'EEXIST') throw exists(file)
      throw storageError('create', file, error)
    }
    // The link is what must be durable; removing the temp name need not come first.
    try {
      await Promise.all([unlinkP(tmp), this.#syncDir()])
    } catch (error) {
      await close(fd).catch(() => {})
      throw storageError('create', file, error, 'unknown')
    }
    return this.#register(runKey, file, fd, 1, Buffer.byteLength(line))
  }

  /**
   * Opens an existing run for appending: reads it with the recovery reader, truncates a torn
   * tail (kept as `<file>.torn-<stamp>`, reported in `recovered`), and continues numbering after the last event.
   * @throws WippyError `WIPPY_HISTORY_NOT_FOUND`, `WIPPY_HISTORY_CORRUPT` (file untouched),
   *   `WIPPY_HISTORY_BUSY` when the run is already open in this store.
   */
  async open(runKey: string): Promise<OpenedRun> {
    const file = this.pathOf(runKey)
    this.#checkOpen()
    if (this.#open.has(runKey)) {
      throw new WippyError('WIPPY_HISTORY_BUSY', `History ${runKey} is already open for writing.`, {
        file,
        hint: 'Use the RunLog returned by the first open(), or close it first.',
        kind: 'bug',
      })
    }
    let fd: number
    try {
      fd = await open(file, constants.O_RDWR | constants.O_APPEND)
    } catch (error) {
      throw notFoundOr(error, file, runKey)
    }
    try {
      const bytes = await readFd(fd).catch((error: unknown) => Promise.reject(storageError('read', file, error)))
      const {events, torn, validBytes} = readHistoryBuffer(bytes, file)
      if (torn) {
        // Never cut bytes without a copy: a torn tail is not acknowledged, but it is evidence.
        torn.keptAs = await keepCopy(file, bytes.subarray(validBytes), 'torn')
        await ftruncate(fd, validBytes)
        await fdatasync(fd)
      }
      const log = this.#register(runKey, file, fd, events.length, torn ? validBytes : bytes.length)
      return torn ? {events, log, recovered: torn} : {events, log}
    } catch (error) {
      await close(fd).catch(() => {})
      throw error
    }
  }

  /**
   * Reads a run without modifying it: a torn tail is reported, not truncated. For a run open
   * in this store it returns at least every acknowledged event.
   * @throws WippyError `WIPPY_HISTORY_NOT_FOUND`, `WIPPY_HISTORY_CORRUPT`
   */
  async read(runKey: string): Promise<ReadRun> {
    const file = this.pathOf(runKey)
    let buf: Buffer
    try {
      buf = await readFile(file)
    } catch (error) {
      throw notFoundOr(error, file, runKey)
    }
    const {events, torn} = readHistoryBuffer(buf, file)
    return torn ? {events, recovered: torn} : {events}
  }

  /** The run keys that have a history, sorted. */
  async list(): Promise<string[]> {
    return listRunKeys(this.dir)
  }

  /** Flushes every pending append, then closes all files. Further calls are refused. */
  async close(): Promise<void> {
    this.#closed = true
    await Promise.all([...this.#open.values()].map((log) => log.close()))
    await this.#committer.drain()
  }

  #checkOpen(): void {
    if (this.#closed) {
      throw new WippyError('WIPPY_HISTORY_CLOSED', 'The history store is closed.', {
        hint: 'This is a bug in the caller.',
        kind: 'bug',
      })
    }
  }

  #register(runKey: string, file: string, fd: number, length: number, bytes: number): RunLog {
    const log = new OpenRunLog(runKey, file, fd, length, bytes, this.#committer, () => this.#open.delete(runKey))
    this.#open.set(runKey, log)
    return log
  }

  #ensureDir(): Promise<void> {
    this.#dirReady ??= (async () => {
      const created = await mkdirP(this.dir, {recursive: true})
      // mkdir -p returns the first directory it made; make each new entry durable in its parent.
      if (created !== undefined) {
        for (let d = this.dir; ; d = dirname(d)) {
          await fsyncDir(dirname(d))
          if (d === resolve(created)) break
        }
      }
    })()
    return this.#dirReady
  }

  /** fsyncs the directory; concurrent callers share a sync that started after their change. */
  #syncDir(): Promise<void> {
    if (!this.#dirSyncRunning) {
      this.#dirSyncRunning = fsyncDir(this.dir).finally(() => {
        this.#dirSyncRunning = undefined
      })
      return this.#dirSyncRunning
    }
    this.#dirSyncNext ??= this.#dirSyncRunning.then(() => {
      this.#dirSyncNext = undefined
      return this.#syncDir()
    })
    return this.#dirSyncNext
  }
}

class OpenRunLog implements RunLog, CommitTarget {
  failure?: WippyError
  durableBytes: number
  #closed = false
  #last: Promise<unknown> = Promise.resolve()
  #length: number
  /** Bytes including appends not yet durable (for the size cap). */
  #bytes: number

  constructor(
    readonly runKey: string,
    readonly file: string,
    readonly fd: number,
    length: number,
    bytes: number,
    private readonly committer: GroupCommitter,
    private readonly onClose: () => void,
  ) {
    this.#length = length
    this.#bytes = bytes
    this.durableBytes = bytes
  }

  get length(): number {
    return this.#length
  }

  append(
    events: readonly NewHistoryEvent[],
    limits?: Pick<HistoryLimits, 'maxBytes' | 'maxEvents'>,
  ): Promise<HistoryEvent[]> {
    if (this.#closed) {
      return Promise.reject(
        new WippyError('WIPPY_HISTORY_CLOSED', `History ${this.runKey} is closed.`, {
          file: this.file,
          hint: 'Reopen the run to append.',
          kind: 'bug',
        }),
      )
    }
    if (this.failure) return Promise.reject(this.failure)
    if (events.length === 0) return Promise.resolve([])
    let encoded
    try {
      // Encode (and validate) all before numbering any, so a bad event consumes no seq.
      encoded = events.map((event, i) => encodeEvent(this.#length + 1 + i, event))
    } catch (error) {
      return Promise.reject(error)
    }
    const text = encoded.length === 1 ? encoded[0]!.line : encoded.map((e) => e.line).join('')
    const bytes = Buffer.byteLength(text)
    if (limits && this.#length + encoded.length > limits.maxEvents)
      return Promise.reject(historyLimitError(this.runKey, `${limits.maxEvents} events`))
    if (limits && this.#bytes + bytes > limits.maxBytes)
      return Promise.reject(historyLimitError(this.runKey, `${limits.maxBytes} bytes`))
    this.#length += encoded.length
    this.#bytes += bytes
    const done = this.committer.enqueue(this, text).then(() => encoded.map((e) => e.event))
    this.#last = done.catch(() => {})
    return done
  }

  async close(): Promise<void> {
    if (this.#closed) return
    this.#closed = true
    await this.#last
    this.onClose()
    await close(this.fd)
  }
}

async function writeAll(fd: number, text: string): Promise<void> {
  const buf = Buffer.from(text, 'utf8')
  let offset = 0
  while (offset < buf.length) {
    offset += await new Promise<number>((res, rej) =>
      write(fd, buf, offset, buf.length - offset, null, (e, n) => (e ? rej(e) : res(n))),
    )
  }
}

async function fsyncDir(dir: string): Promise<void> {
  const fd = await open(dir, constants.O_RDONLY)
  try {
    await fsync(fd)
  } finally {
    await close(fd)
  }
}

function checkRunKey(runKey: string): void {
  if (!RUN_KEY.test(runKey) || runKey.includes('..')) {
    throw new WippyError('WIPPY_HISTORY_BAD_KEY', `"${runKey}" is not a valid run key.`, {
      hint: 'A run key is a file name: 1-200 characters of letters, digits and . _ @ + = ~ -, starting with a letter or digit, without "..".',
    })
  }
}

function exists(file: string): WippyError {
  return new WippyError('WIPPY_HISTORY_EXISTS', `History ${file} already exists.`, {
    file,
    hint: 'Open the existing run instead, or choose another run key.',
  })
}

function notFoundOr(error: unknown, file: string, runKey: string): unknown {
  if ((error as NodeJS.ErrnoException).code !== 'ENOENT') return storageError('open', file, error)
  return new WippyError('WIPPY_HISTORY_NOT_FOUND', `No history for run ${runKey}.`, {
    file,
    hint: 'List the runs with `wippy history list`.',
  })
}
