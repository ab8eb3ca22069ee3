/**
 * One table of everything the process host runs, for `wippy ps` and the TUI: every service
 * (whatever its state, with restarts and last error) and every plain process.
 */
import type {ProcessHost} from './process-host.js'
import type {ServiceSupervisor} from './service-supervisor.js'

export interface ProcessRow {
  entry: string
  host: string
  kind: 'process' | 'service'
  /** Last error message, with the Lua traceback when the process crashed. */
  lastError?: string
  pid?: string
  restarts: number
  /** The `process.service` entry ID, for services. */
  service?: string
  /** running / exited / failed for processes; the service state (Running, Failed, ...) for services. */
  status: string
  waiting?: string
}

/** Services first (in registry order), then plain processes (oldest first). */
export function processTable(
  host: ProcessHost,
  supervisor?: ServiceSupervisor,
  filter: {all?: boolean} = {},
): ProcessRow[] {
  const rows: ProcessRow[] = []
  for (const s of supervisor?.list() ?? []) {
    const row: ProcessRow = {
      entry: s.entry,
      host: s.host,
      kind: 'service',
      restarts: s.restarts,
      service: s.id,
      status: s.state,
    }
    if (s.pid) row.pid = s.pid
    if (s.waiting) row.waiting = s.waiting
    if (s.lastError)
      row.lastError = s.lastError.traceback ? `${s.lastError.message}\n${s.lastError.traceback}` : s.lastError.message
    rows.push(row)
  }
  for (const p of host.list(filter)) {
    if (p.service) continue
    const row: ProcessRow = {entry: p.entry, host: p.host, kind: 'process', pid: p.pid, restarts: 0, status: p.status}
    if (p.waiting) row.waiting = p.waiting
    if (p.error) row.lastError = p.error.traceback ? `${p.error.message}\n${p.error.traceback}` : p.error.message
    rows.push(row)
  }
  return rows
}
