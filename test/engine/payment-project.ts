/** The seed's payment flow and saga as a test project (functions + workflows). */
import {type TempProject, writeProject} from '../helpers/project.js'

export const PAYMENT_FILES: Record<string, string> = {
  'src/api/_index.yaml': `version: "1.0"
namespace: app.api
entries:
  - name: charge_card
    kind: function.lua
    source: file://charge_card.lua
    method: main
  - name: check_status
    kind: function.lua
    source: file://check_status.lua
    method: main
  - name: refund
    kind: function.lua
    source: file://refund.lua
    method: main
  - name: flaky
    kind: function.lua
    source: file://flaky.lua
    method: main
    meta:
      options:
        retry_policy: {initial_interval: 10, maximum_attempts: 5}
`,
  'src/api/charge_card.lua': `local function main(payment)
  return {id = "ch_" .. tostring(payment.amount), amount = payment.amount}
end
return {main = main}
`,
  'src/api/check_status.lua': `local function main(id: string): string
  if string.sub(id, -1) == "0" then return "failed" end
  return "succeeded"
end
return {main = main}
`,
  'src/api/refund.lua': `local function main(id) return {refunded = id} end
return {main = main}
`,
  'src/api/flaky.lua': `local function main(n)
  -- fails with a retryable error unless asked to succeed
  if n == "fail" then return nil, errors.new({message = "always fails", kind = errors.UNAVAILABLE, retryable = true}) end
  if n == "fatal" then return nil, errors.new({message = "bad input", kind = errors.INVALID, retryable = false}) end
  return "ok"
end
return {main = main}
`,
  'src/workflows/_index.yaml': `version: "1.0"
namespace: app.workflows
entries:
  - name: payment
    kind: workflow.lua
    source: file://payment.lua
    method: main
    modules: [funcs, time]
  - name: approval
    kind: workflow.lua
    source: file://approval.lua
    method: main
    modules: [funcs, time, json]
  - name: steps
    kind: workflow.lua
    source: file://steps.lua
    method: main
    modules: [funcs, time, uuid]
  - name: parent
    kind: workflow.lua
    source: file://parent.lua
    method: main
    modules: [funcs, time]
  - name: retry
    kind: workflow.lua
    source: file://retry.lua
    method: main
    modules: [funcs]
`,
  'src/workflows/payment.lua': `local funcs = require("funcs")
local time = require("time")

local function main(payment)
  local result, err = funcs.call("app.api:charge_card", payment)
  if err then return nil, err end
  time.sleep("24h")
  local status = funcs.call("app.api:check_status", result.id)
  if status == "failed" then
    funcs.call("app.api:refund", result.id)
    return {charge = result, status = "refunded"}
  end
  return {charge = result, status = status}
end
return {main = main}
`,
  'src/workflows/approval.lua': `local funcs = require("funcs")

local function main(request)
  local inbox = process.inbox()
  local msg = inbox:receive()
  local decision = msg:payload():data()
  if decision.approved then
    return {order = request.order_id, status = "approved", by = msg:from()}
  end
  return {order = request.order_id, status = "rejected"}
end
return {main = main}
`,
  'src/workflows/steps.lua': `local funcs = require("funcs")
local time = require("time")
local uuid = require("uuid")

local function main(n)
  local total = 0
  local id = uuid.v4()
  local t0 = time.now()
  for i = 1, n do
    local r = funcs.call("app.api:charge_card", {amount = i})
    total = total + r.amount
  end
  return {total = total, id = id}
end
return {main = main}
`,
  'src/workflows/parent.lua': `local time = require("time")

local function main(amount)
  local child = process.exec("app.workflows:payment", "app:temporal_worker", {amount = amount})
  return {child = child}
end
return {main = main}
`,
  'src/workflows/retry.lua': `local funcs = require("funcs")

local function main(mode)
  local v, err = funcs.call("app.api:flaky", mode)
  if err then return {failed = tostring(err)} end
  return {value = v}
end
return {main = main}
`,
}

export function paymentProject(): TempProject {
  return writeProject(PAYMENT_FILES)
}

/** A saga with compensations (reverse order) and failures injected by the input. */
export const SAGA_FILES: Record<string, string> = {
  'src/crash/_index.yaml': `version: "1.0"
namespace: app.crash
entries:
  - name: step
    kind: function.lua
    source: file://step.lua
    method: main
  - name: saga
    kind: workflow.lua
    source: file://saga.lua
    method: main
    modules: [funcs]
`,
  'src/crash/step.lua': `local function main(name, order)
  if order.fail_at == name then
    return nil, errors.new({message = name .. " failed", kind = errors.UNAVAILABLE, retryable = false})
  end
  return {step = name, id = order.id}
end
return {main = main}
`,
  'src/crash/saga.lua': `local funcs = require("funcs")

local function main(order)
  local done = {}
  for _, name in ipairs({"inventory", "payment", "shipping"}) do
    local result, err = funcs.call("app.crash:step", name, order)
    if err then
      for i = #done, 1, -1 do
        funcs.call("app.crash:step", "undo_" .. done[i], order)
      end
      return {failed = name, compensated = #done}
    end
    table.insert(done, name)
  end
  return {completed = #done}
end
return {main = main}
`,
}
