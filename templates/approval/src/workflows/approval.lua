-- A signal-driven workflow. It submits the request, then blocks on its inbox until
-- someone sends a decision. The wait is durable: stop the dev server, start it again,
-- and the workflow is still waiting at the same line.
local funcs = require("funcs")

type Request = {order_id: string, amount: number}
type Decision = {approved: boolean?, reason: string?}
type Result = {order_id: string, status: string}

local function main(request: Request): (Result?, error?)
    local _, err = funcs.call("app.reviews:submit", request)
    if err then
        return nil, err
    end

    local msg = process.inbox():receive()
    local payload = msg:payload()
    local decision: Decision = (payload and payload:data()) or {}

    local status, step_err
    if decision.approved then
        status, step_err = funcs.call("app.reviews:fulfill", request)
    else
        status, step_err = funcs.call("app.reviews:reject", request, decision.reason)
    end
    if step_err then
        return nil, step_err
    end
    return {order_id = request.order_id, status = status}
end

return {main = main}
