import {Box, Text} from 'ink'
import {relative} from 'node:path'

import type {EngineStatus, ReloadReport} from '../engine/api.js'
import {clip, projectName} from './format.js'

/** What the dev session knows that the engine's status does not. */
export interface HeaderInfo {
  /** The control channel's address (default: the engine status's). */
  controlAddress?: string
  /** Time the session took to start, ms. */
  readyMs?: number
  /** Whether sources are watched for hot reload. */
  watching?: boolean
}

export interface HeaderProps {
  readonly info: HeaderInfo
  /** The last reload, when there was one. */
  readonly lastReload?: ReloadReport
  readonly status: EngineStatus
  /** Terminal columns. */
  readonly width: number
}

/**
 * Two lines: the project, persistence and control address; then the counts and the last
 * reload (duration, what changed, errors).
 *
 * @example
 * wippy dev · shop · persistence on (durable) .wippy/dev · control /tmp/wippy-1/ctl.sock
 * 3 runs: 1 open, 1 blocked · 12 entries · watching · reloaded in 14 ms: +0 ~1 -0
 */
export function Header({info, lastReload, status, width}: HeaderProps) {
  const stateDir = underRoot(status.root, status.persistence.dir)
  const controlAddress = info.controlAddress ?? status.controlAddress
  const control = controlAddress ? underRoot(status.root, controlAddress) : undefined
  const title = `wippy dev · ${projectName(status.root)} · persistence on (durable) ${stateDir}${control ? ` · control ${control}` : ''}`
  const w = status.workflows
  const counts = `${w.total} runs: ${w.open} open, ${w.blocked} blocked · ${status.entries} entries`
  const watch = info.watching === undefined ? '' : info.watching ? ' · watching' : ' · not watching'
  return (
    <Box flexDirection="column">
      <Text bold color="cyan" wrap="truncate">
        {clip(title, width)}
      </Text>
      <Text wrap="truncate">
        {clip(counts + watch, Math.max(0, width - 1))}
        {lastReload ? <ReloadSummary report={lastReload} /> : null}
      </Text>
    </Box>
  )
}

function ReloadSummary({report}: {readonly report: ReloadReport}) {
  const changes = `+${report.added.length} ~${report.changed.length} -${report.removed.length}`
  if (report.errors.length > 0) {
    return (
      <Text color="red">{` · reload failed in ${Math.round(report.ms)} ms: ${report.errors.length} error${report.errors.length === 1 ? '' : 's'}`}</Text>
    )
  }
  const diverged = report.workflows.filter((w) => !w.compatible).length
  return (
    <Text color={diverged > 0 ? 'yellow' : 'green'}>
      {` · reloaded in ${Math.round(report.ms)} ms: ${changes}${diverged > 0 ? `, ${diverged} run${diverged === 1 ? '' : 's'} kept on old code` : ''}`}
    </Text>
  )
}

/** A path relative to the project when it is inside it (shorter, and the same on every machine). */
function underRoot(root: string, path: string): string {
  if (!path.startsWith('/') && !/^[A-Za-z]:[\\/]/.test(path)) return path
  const rel = relative(root, path)
  return rel && !rel.startsWith('..') ? rel : path
}
