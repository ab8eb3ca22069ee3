/**
 * Children started on a task queue no `temporal.worker` serves: on Temporal their first
 * workflow task sits in the queue until a worker polls it, so the parent's start succeeds and
 * the child waits. Here the parent records ChildWorkflowStarted (with the child's PID, which
 * names the queue) and the start request waits in this list until a reload adds a worker for
 * the queue. Held in memory: a dev-server restart loses the list (see the report in issue 18).
 */
import type {StartRequest} from './host-options.js'

export interface PendingChild {
  /** The PID recorded in the parent's ChildWorkflowStarted (`{client@queue|id}`). */
  pid: string
  queue: string
  request: StartRequest
}

export class PendingChildren {
  private readonly byPid = new Map<string, PendingChild>()

  add(child: PendingChild): void {
    this.byPid.set(child.pid, child)
  }

  has(pid: string): boolean {
    return this.byPid.has(pid)
  }

  /** The pending children a parent started, for its `ps` row. */
  ofParent(parentPid: string): PendingChild[] {
    return [...this.byPid.values()].filter((c) => c.request.parent?.pid === parentPid)
  }

  /** Drops the children of a parent that closed before they could start. */
  dropOfParent(parentPid: string): void {
    for (const c of this.ofParent(parentPid)) this.byPid.delete(c.pid)
  }

  /** Takes out the children whose queue is now served (`served` says which). */
  takeServed(served: (queue: string) => boolean): PendingChild[] {
    const ready = [...this.byPid.values()].filter((c) => served(c.queue))
    for (const c of ready) this.byPid.delete(c.pid)
    return ready
  }
}

/** The `ps` note of a parent with a child waiting for a worker. */
export function pendingNote(child: PendingChild): string {
  return `child ${child.pid} waiting for a worker on task queue ${child.queue}`
}
