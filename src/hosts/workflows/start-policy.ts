/** What a refused workflow start gives its spawner: the Lua error for the WippyError. */
export function startErrorOf(error: unknown): {kind: string; message: string; retryable: boolean} {
  const e = error as {code?: string; message?: string}
  const kind =
    e.code === 'WIPPY_WORKFLOW_ALREADY_STARTED'
      ? 'AlreadyExists'
      : e.code === 'WIPPY_WORKFLOW_OPTIONS_INVALID'
        ? 'Invalid'
        : 'NotFound'
  return {kind, message: String(e.message ?? error), retryable: false}
}
