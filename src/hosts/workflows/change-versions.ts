/**
 * `workflow.version(change_id, min, max)` as Temporal's GetVersion (the platform calls the Go
 * SDK's `GetVersion`, rt:service/temporal/workflow/handler_workflow.go):
 * - the first call of a change ID live records a `version:<id>` marker holding `max`;
 * - the first call while replaying a stretch of history with no marker for it there returns
 *   the default version (-1) and records nothing: the code predates the change, so the run
 *   takes the old branch;
 * - every later call of the same change ID returns the first value, live or replaying, and
 *   records nothing;
 * - a value outside the call's `[min, max]` stops the run with the SDK's TMPRL1100 error.
 * Like the Go SDK (skipDeterministicCheckForEvent), version markers the code no longer issues
 * at that point are not a divergence: their value is remembered and replay goes on.
 */
import {WippyError} from '../../errors.js'
import type {HistoryEvent} from '../../history/events.js'
import {workflowIdOf} from './block-reason.js'
import {nondeterminismError} from './nondeterminism.js'
import type {ReplayCursor} from './replay-cursor.js'

/** Temporal's `DefaultVersion`: the code path that existed before the change. */
export const DEFAULT_VERSION = -1

export interface VersionCall {
  changeId: string
  max: number
  min: number
}

export function versionMarkerName(changeId: string): string {
  return `version:${changeId}`
}

/** The change ID of a `version:` marker, or undefined for any other event. */
export function changeIdOfMarker(event: HistoryEvent | undefined): string | undefined {
  if (event?.type !== 'MarkerRecorded' || !event.name.startsWith('version:')) return undefined
  return event.name.slice('version:'.length)
}

/**
 * What a call answers: `version`, checked at `eventIndex`; `take` when the next recorded command
 * is its marker (replay consumes it). Undefined when the call is live: it records `max`.
 */
export type VersionResolution = {eventIndex: number; take: boolean; version: number} | undefined

/** The change IDs a run has seen and the version each resolved to (reset on every replay). */
export class ChangeVersions {
  private readonly versions = new Map<string, number>()

  get(changeId: string): number | undefined {
    return this.versions.get(changeId)
  }

  set(changeId: string, version: number): void {
    this.versions.set(changeId, version)
  }

  clear(): void {
    this.versions.clear()
  }

  /** See {@link VersionResolution}; `seenSeq` is the last event the code has seen. */
  resolve(call: VersionCall, replay: ReplayCursor | undefined, pid: string, seenSeq: number): VersionResolution {
    const known = this.versions.get(call.changeId)
    if (known !== undefined) return {eventIndex: seenSeq, take: false, version: known}
    if (!replay) return undefined
    this.skipMarkers(replay, pid, call.changeId)
    const next = replay.peekCommand()
    if (next?.type === 'MarkerRecorded' && changeIdOfMarker(next) === call.changeId) {
      return {eventIndex: next.seq, take: true, version: Number(next.value)}
    }
    // The history goes on past this point without the marker: the run predates the change.
    const goesOn = next ?? (replay.onlyQueuedLeft ? undefined : replay.peekDelivery())
    return goesOn ? {eventIndex: goesOn.seq, take: false, version: DEFAULT_VERSION} : undefined
  }

  /** Skips the version markers next in the history that the code did not issue there (but `except`'s). */
  skipMarkers(replay: ReplayCursor, pid: string, except?: string): void {
    for (let id = changeIdOfMarker(replay.peekCommand()); id !== undefined && id !== except;) {
      this.skipped(replay.takeCommand(), pid)
      id = changeIdOfMarker(replay.peekCommand())
    }
  }

  /**
   * A recorded marker the code did not issue at its place: remembered for later calls. One
   * that contradicts what the code already saw for its change ID is a divergence.
   */
  skipped(marker: HistoryEvent, pid: string): void {
    const changeId = changeIdOfMarker(marker)!
    const value = Number((marker as {value?: unknown}).value)
    const seen = this.versions.get(changeId)
    if (seen === undefined) {
      this.versions.set(changeId, value)
      return
    }
    if (seen === value) return
    throw nondeterminismError({
      eventIndex: marker.seq,
      expected: `workflow.version("${changeId}") = ${value}`,
      got: `version ${seen} already returned for "${changeId}"`,
      pid,
    })
  }
}

/** Throws the SDK's TMPRL1100 error when `version` is outside the call's `[min, max]`. */
export function checkVersion(
  call: VersionCall,
  version: number,
  at: {eventIndex: number; pid: string; where?: string},
): void {
  if (version >= call.min && version <= call.max) return
  const message =
    version < call.min
      ? `Workflow code removed support of version ${version}. for "${call.changeId}" changeID. The oldest supported version is ${call.min}`
      : `Workflow code is too old to support version ${version} for "${call.changeId}" changeID. The maximum supported version is ${call.max}`
  const id = workflowIdOf(at.pid)
  throw new WippyError('WIPPY_VERSION_UNSUPPORTED', `[TMPRL1100] ${message}`, {
    details: {
      changeId: call.changeId,
      eventIndex: at.eventIndex,
      expected: `workflow.version("${call.changeId}") in [${call.min}, ${call.max}]`,
      got: `version ${version}`,
      max: call.max,
      min: call.min,
      pid: at.pid,
      version,
      ...(at.where ? {where: at.where} : {}),
    },
    hint: `Run ${id} took version ${version} of "${call.changeId}": keep that version within the call's [min, max] while such runs are open, or end it with \`wippy terminate ${id}\`.`,
  })
}
