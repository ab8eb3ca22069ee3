/**
 * Walks a recorded history during replay with two cursors: one over the events the code
 * issued (commands and side effects), compared one by one with what the code issues now;
 * one over the events handed to the code (results, timers, signals...), handed back in the
 * recorded order.
 *
 * Ordering invariant (true of every history the engine writes): a delivery is recorded
 * after every command that was issued before it was handed over. So before handing over
 * delivery `d`, every command event before `d` must have been matched; if one was not,
 * the code stopped issuing what it issued before.
 *
 * Queued deliveries (`queued: true`: an offline `wippy signal`, a delivery to a blocked run)
 * were written while no code ran, so no command could be recorded between two of them. When
 * every recorded command is matched and only queued deliveries are left, the code is where it
 * was when they were queued: it takes them one by one like live arrivals, and what it issues
 * in answer is recorded after them. Replaying that history later matches the same commands in
 * the same order (commands are matched by the command cursor, wherever they sit between
 * deliveries), so queued and live signals replay alike.
 */
import {EVENT_ROLES, type HistoryEvent} from '../../history/events.js'

export class ReplayCursor {
  private commandIndex = 0
  private deliveryIndex = 0

  constructor(private readonly events: readonly HistoryEvent[]) {
    this.skipCommands()
    this.skipDeliveries()
  }

  /** The next recorded command event, or undefined when all were matched. */
  peekCommand(): HistoryEvent | undefined {
    return this.events[this.commandIndex]
  }

  takeCommand(): HistoryEvent {
    const e = this.events[this.commandIndex]!
    this.commandIndex++
    this.skipCommands()
    return e
  }

  /** The next recorded delivery, or undefined when all were handed over. */
  peekDelivery(): HistoryEvent | undefined {
    return this.events[this.deliveryIndex]
  }

  takeDelivery(): HistoryEvent {
    const e = this.events[this.deliveryIndex]!
    this.deliveryIndex++
    this.skipDeliveries()
    return e
  }

  /**
   * A command recorded before the next delivery that the code has not issued yet, if any:
   * handing that delivery over now would reorder history.
   */
  unmatchedCommandBeforeNextDelivery(): HistoryEvent | undefined {
    if (this.deliveryIndex >= this.events.length) return undefined
    return this.commandIndex < this.deliveryIndex ? this.events[this.commandIndex] : undefined
  }

  /** True when every recorded command is matched and each delivery left was queued. */
  get onlyQueuedLeft(): boolean {
    if (this.commandIndex < this.events.length || this.deliveryIndex >= this.events.length) return false
    for (let i = this.deliveryIndex; i < this.events.length; i++) {
      const e = this.events[i]!
      if (EVENT_ROLES[e.type] === 'delivery' && !(e as {queued?: boolean}).queued) return false
    }
    return true
  }

  /** Takes every delivery left (see {@link onlyQueuedLeft}); the cursor is then exhausted. */
  takeRemainingDeliveries(): HistoryEvent[] {
    const out: HistoryEvent[] = []
    while (this.deliveryIndex < this.events.length) out.push(this.takeDelivery())
    return out
  }

  get exhausted(): boolean {
    return this.commandIndex >= this.events.length && this.deliveryIndex >= this.events.length
  }

  /** The recorded closing event (completed, failed, ...), if the run had closed. */
  closing(): HistoryEvent | undefined {
    const last = this.events.at(-1)
    return last && EVENT_ROLES[last.type] === 'close' ? last : undefined
  }

  private skipCommands(): void {
    while (this.commandIndex < this.events.length) {
      const role = EVENT_ROLES[this.events[this.commandIndex]!.type]
      if (role === 'command' || role === 'side-effect') return
      this.commandIndex++
    }
  }

  private skipDeliveries(): void {
    while (this.deliveryIndex < this.events.length) {
      if (EVENT_ROLES[this.events[this.deliveryIndex]!.type] === 'delivery') return
      this.deliveryIndex++
    }
  }
}
