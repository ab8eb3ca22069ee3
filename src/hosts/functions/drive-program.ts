/**
 * A generic driver: runs a {@link LuaProgram} to completion, handing every command to a
 * handler and feeding results back. Handlers may answer synchronously or with a promise;
 * results that arrive together are delivered in one step, in arrival order.
 */
import type {LuaCommand, LuaDelivery, LuaProgram, StepOutcome} from '../../lua/types.js'

/**
 * Messages and lifecycle events for a running function (EXIT of a workflow it monitors,
 * signals sent to its PID). `expected` counts sources that may still deliver, so a function
 * waiting on `process.events()` for a monitored workflow is not reported as deadlocked.
 */
export class Mailbox {
  expected = 0
  closed = false
  private readonly queue: LuaDelivery[] = []
  private wake?: () => void

  push(delivery: LuaDelivery): void {
    if (this.closed) return
    this.queue.push(delivery)
    this.wake?.()
  }

  drain(): LuaDelivery[] {
    return this.queue.splice(0)
  }

  get size(): number {
    return this.queue.length
  }

  /** Registers the driver's wake-up (one waiter at a time). */
  onPush(wake: (() => void) | undefined): void {
    this.wake = wake
  }
}

/** What a handler returns for one command: a delivery now, later, or none. */
export type CommandHandler = (cmd: LuaCommand) => LuaDelivery | Promise<LuaDelivery | undefined> | undefined

/** Drives `program` from `start(args)` until it is done or failed. */
export async function driveProgram(
  program: LuaProgram,
  args: unknown[],
  handler: CommandHandler,
  mailbox?: Mailbox,
): Promise<StepOutcome> {
  const ready: LuaDelivery[] = []
  let inflight = 0
  let wake: (() => void) | undefined
  const dispatch = (commands: LuaCommand[]): void => {
    for (const cmd of commands) {
      let r: ReturnType<CommandHandler>
      try {
        r = handler(cmd)
      } catch (error) {
        ready.push(internalError(cmd, error))
        continue
      }
      if (r instanceof Promise) {
        inflight++
        r.then(
          (d) => {
            inflight--
            if (d) ready.push(d)
            wake?.()
          },
          (error: unknown) => {
            inflight--
            ready.push(internalError(cmd, error))
            wake?.()
          },
        )
      } else if (r) ready.push(r)
    }
  }
  let outcome = program.start(args)
  while (outcome.status === 'waiting') {
    dispatch(outcome.commands)
    if (mailbox) ready.push(...mailbox.drain())
    while (ready.length === 0) {
      if (inflight === 0 && (mailbox?.expected ?? 0) === 0) {
        return {
          commands: [],
          error: {
            kind: 'Deadlock',
            message: 'the program waits for messages or events, but nothing can deliver them here',
          },
          status: 'failed',
        }
      }
      await new Promise<void>((resolve) => {
        wake = resolve
        mailbox?.onPush(resolve)
      })
      wake = undefined
      mailbox?.onPush(undefined)
      if (mailbox) ready.push(...mailbox.drain())
    }
    outcome = program.step(ready.splice(0))
  }
  return outcome
}

function internalError(cmd: LuaCommand, error: unknown): LuaDelivery {
  const message = error instanceof Error ? error.message : String(error)
  return {error: {kind: 'Internal', message, retryable: false}, kind: 'result', tag: cmd.tag}
}
