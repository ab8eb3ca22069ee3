-- Human in the loop: submit the order for review, then wait until a decision arrives
-- or the run is cancelled. The wait costs nothing and survives restarts; it can last
-- days. Send the decision with:
--   npx wippy signal <id> approve '{"approved":true}'
-- or give up on it with:
--   npx wippy cancel <id>
local funcs = require("funcs")

type Request = {order_id: string, amount: number}
type Decision = {approved: boolean?, reason: string?}
type ApprovalResult = {order_id: string, status: string}

-- Waits for whichever comes first: a message on the inbox (the decision signal) or a
-- cancel. A cancel arrives as a CANCEL event on process.events(); nothing stops the
-- code for you, so a wait that should end on cancel listens for it too.
-- Returns the decision, or nil when the run was cancelled.
local function wait_for_decision(): Decision?
    local inbox, events = process.inbox(), process.events()
    while true do
        local got = channel.select({inbox:case_receive(), events:case_receive()})
        if got.channel == inbox then
            print("decision received on topic " .. got.value:topic())
            local payload = got.value:payload()
            return (payload and payload:data()) or {}
        end
        if got.value.kind == process.event.CANCEL then
            return nil
        end
        -- Any other event (a child's EXIT) is not for this wait: keep waiting.
    end
end

local function main(request: Request): (ApprovalResult?, error?)
    local _, err = funcs.call("app.approvals:submit", request)
    if err then
        return nil, err
    end

    local decision = wait_for_decision()
    if not decision then
        -- Cancelled: nothing was reserved or charged yet, so there is nothing to undo.
        -- End normally with a result that says so.
        return {order_id = request.order_id, status = "cancelled"}
    end

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
