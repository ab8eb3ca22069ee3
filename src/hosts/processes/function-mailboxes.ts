/**
 * Running function calls as message receivers. A function has a PID for its whole call
 * (`process.pid()`); once it issues a `process.*` command its mailbox is attached here
 * (function-calls.ts), so processes and workflows can reply to it (`process.send(reply_to, ...)`)
 * and names can point at it. A mailbox that closed (the call returned) is forgotten: sends to
 * it are NotFound.
 */
import type {LuaDelivery} from '../../lua/types.js'
import type {CallerMailbox} from '../addressing.js'

export class FunctionMailboxes {
  private readonly boxes = new Map<string, CallerMailbox>()

  /** Makes `pid` reachable while `mailbox` is open. */
  attach(pid: string, mailbox: CallerMailbox): void {
    if (!this.boxes.has(pid)) this.boxes.set(pid, mailbox)
  }

  /** True while the function call behind `pid` runs. */
  alive(pid: string): boolean {
    const box = this.boxes.get(pid)
    if (box && box.closed) this.boxes.delete(pid)
    return box !== undefined && !box.closed
  }

  forget(pid: string): void {
    this.boxes.delete(pid)
  }

  /** The open mailbox of `pid`. */
  get(pid: string): CallerMailbox | undefined {
    return this.alive(pid) ? this.boxes.get(pid) : undefined
  }

  /** Delivers to a running function; false when `pid` is not one. */
  deliver(pid: string, delivery: LuaDelivery): boolean {
    if (!this.alive(pid)) return false
    this.boxes.get(pid)!.push(delivery)
    return true
  }
}
