-- Human in the loop: submit the order for review, then block on the inbox until a
-- decision arrives. The wait costs nothing and survives restarts; it can last days.
-- Send the decision with:
--   npx wippy signal <id> approve '{"approved":true}'
local funcs = require("funcs")

type Request = {order_id: string, amount: number}
type Decision = {approved: boolean?, reason: string?}
type ApprovalResult = {order_id: string, status: string}

local function main(request: Request): (ApprovalResult?, error?)
    local _, err = funcs.call("app.approvals:submit", request)
    if err then
        return nil, err
    end

    local msg = process.inbox():receive()
    local payload = msg:payload()
    local decision: Decision = (payload and payload:data()) or {}
    print("decision received on topic " .. msg:topic())

    if decision.approved then
        local status, fulfil_err = funcs.call("app.orders:fulfill", request.order_id)
        if fulfil_err then
            return nil, fulfil_err
        end
        return {order_id = request.order_id, status = status}
    end

    local status, reject_err = funcs.call("app.orders:send_rejection", request)
    if reject_err then
        return nil, reject_err
    end
    return {order_id = request.order_id, status = status}
end

return {main = main}
