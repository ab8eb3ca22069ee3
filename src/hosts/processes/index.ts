/** The process host (`process.host` entries) and service supervision (`process.service`). */
export {ProcessHost, type ProcessHostOptions, type SpawnProcessRequest} from './process-host.js'
export type {ProcessStatus} from './process-record.js'
export type {ExitResult, FunctionGateway} from '../addressing.js'
export {formatProcessPid, isPid, isWorkflowPid} from '../pid.js'
export {
  ServiceSupervisor,
  backoffDelay,
  type ServiceReloadReport,
  type ServiceState,
  type ServiceStatus,
  type ServiceSupervisorOptions,
} from './service-supervisor.js'
export {processTable, type ProcessRow} from './process-table.js'
export {FunctionCalls} from './function-calls.js'
