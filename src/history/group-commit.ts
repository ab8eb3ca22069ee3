/**
 * The group committer: one per {@link HistoryStore}, shared by all its runs.
 *
 * Appends enqueue text for a file and get a promise. A commit round takes everything pending,
 * writes each touched file's text with one `write`, `fdatasync`s the touched files in parallel,
 * and only then resolves those appends. One round is in flight at a time; appends that arrive
 * meanwhile wait for the next round, which starts on the next turn of the event loop (so every
 * workflow woken by the previous round has had the chance to enqueue its next event).
 *
 * Invariant: a promise returned by {@link GroupCommitter.enqueue} resolves only after its
 * bytes were written and fdatasync'd. If a write or sync fails (disk full, EIO), that file is
 * marked failed: its pending and future appends reject with a {@link HistoryStorageError}, and
 * the committer cuts the file back to its last synced size, so a refused event is not in the
 * file (a partial write would otherwise leave whole lines of it behind for the next reader).
 * The owner must reopen the file through the recovery reader to append again.
 *
 * A file deleted while open (`nlink === 0`) is refused the same way before anything is
 * written: appending to an unlinked inode would acknowledge events that no restart can find.
 */
import {fdatasync as fdatasyncCb, fstatSync, ftruncateSync, writeSync} from 'node:fs'
import {promisify} from 'node:util'

import type {WippyError} from '../errors.js'
import {deletedError, storageError} from './storage-errors.js'

const fdatasync = promisify(fdatasyncCb)

/** A file the committer writes to; `failure` is set by the committer when a round fails. */
export interface CommitTarget {
  readonly fd: number
  /** For error messages. */
  readonly file: string
  failure?: WippyError
  /** Bytes of the file known durable; the committer adds each synced round. */
  durableBytes: number
}

interface Waiter {
  reject(error: unknown): void
  resolve(): void
}

interface Pending {
  texts: string[]
  waiters: Waiter[]
}

/** Counters for benchmarks and tests. */
export interface CommitStats {
  rounds: number
  syncs: number
}

/** Batches appends across files into write + fdatasync rounds; see the module comment. */
export class GroupCommitter {
  readonly stats: CommitStats = {rounds: 0, syncs: 0}
  #pending = new Map<CommitTarget, Pending>()
  #running: Promise<void> | undefined
  #scheduled = false

  /** Queues `text` for `target`; resolves once it is on disk (written and fdatasync'd). */
  enqueue(target: CommitTarget, text: string): Promise<void> {
    if (target.failure) return Promise.reject(target.failure)
    let pending = this.#pending.get(target)
    if (!pending) {
      pending = {texts: [], waiters: []}
      this.#pending.set(target, pending)
    }
    pending.texts.push(text)
    const promise = new Promise<void>((resolve, reject) => pending.waiters.push({reject, resolve}))
    this.#kick()
    return promise
  }

  /** Resolves when nothing is pending and no round is running. */
  async drain(): Promise<void> {
    while (this.#running || this.#scheduled || this.#pending.size > 0) {
      if (this.#running) await this.#running
      else await new Promise((resolve) => setImmediate(resolve))
    }
  }

  #kick(): void {
    if (this.#running || this.#scheduled) return
    this.#scheduled = true
    setImmediate(() => {
      this.#scheduled = false
      this.#start()
    })
  }

  #start(): void {
    if (this.#pending.size === 0) return
    const batch = this.#pending
    this.#pending = new Map()
    this.stats.rounds++
    this.#running = Promise.all([...batch].map(([target, pending]) => this.#commit(target, pending))).then(() => {
      this.#running = undefined
      if (this.#pending.size > 0) this.#kick()
    })
  }

  async #commit(target: CommitTarget, pending: Pending): Promise<void> {
    let buf: Buffer | undefined
    const progress = {written: 0}
    try {
      if (target.failure) throw target.failure
      // One fstat per file and round (about a microsecond); see the module comment.
      if (fstatSync(target.fd).nlink === 0) throw deletedError(target.file)
      const text = pending.texts.length === 1 ? pending.texts[0]! : pending.texts.join('')
      buf = Buffer.from(text, 'utf8')
      // A synchronous write only copies into the page cache (microseconds for a batch), and
      // keeps the libuv threadpool free for the fdatasyncs, which are the slow part.
      writeFully(target.fd, buf, progress)
      this.stats.syncs++
      await fdatasync(target.fd)
    } catch (error) {
      if (!target.failure) {
        const recorded = buf === undefined || (await cutBack(target, progress.written)) ? 'no' : 'unknown'
        target.failure = storageError('write', target.file, error, recorded)
      }
      for (const waiter of pending.waiters) waiter.reject(target.failure)
      return
    }
    target.durableBytes += buf.length
    for (const waiter of pending.waiters) waiter.resolve()
  }
}

/**
 * Cuts a file back to its synced size after a failed round; false when that fails too, or
 * when the file is not what this round left (another writer appended: cutting would drop its lines).
 */
async function cutBack(target: CommitTarget, written: number): Promise<boolean> {
  try {
    if (fstatSync(target.fd).size !== target.durableBytes + written) return false
    ftruncateSync(target.fd, target.durableBytes)
    await fdatasync(target.fd)
    return true
  } catch {
    return false
  }
}

function writeFully(fd: number, buf: Buffer, progress: {written: number}): void {
  while (progress.written < buf.length)
    progress.written += writeSync(fd, buf, progress.written, buf.length - progress.written)
}
