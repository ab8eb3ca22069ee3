-- A signal-driven workflow. It submits the request, then waits until someone sends a
-- decision or cancels the run. The wait is durable: stop the dev server, start it
-- again, and the workflow is still waiting at the same line.
local funcs = require("funcs")

type Request = {order_id: string, amount: number}
type Decision = {approved: boolean?, reason: string?}
type Result = {order_id: string, status: string}

-- Waits for whichever comes first: a message on the inbox (the decision signal) or a
-- cancel. `wippy cancel <id>` arrives as a CANCEL event on process.events(); nothing
-- stops the code for you, so a wait that should end on cancel listens for it too.
-- Returns the decision, or nil when the run was cancelled.
local function wait_for_decision(): Decision?
    local inbox, events = process.inbox(), process.events()
    while true do
        local got = channel.select({inbox:case_receive(), events:case_receive()})
        if got.channel == inbox then
            local payload = got.value:payload()
            return (payload and payload:data()) or {}
        end
        if got.value.kind == process.event.CANCEL then
            return nil
        end
        -- Any other event (a child's EXIT) is not for this wait: keep waiting.
    end
end

local function main(request: Request): (Result?, error?)
    local _, err = funcs.call("app.reviews:submit", request)
    if err then
        return nil, err
    end

    local decision = wait_for_decision()
    if not decision then
        -- Cancelled: nothing to undo (the review was only requested), so end normally
        -- with a result that says so.
        return {order_id = request.order_id, status = "cancelled"}
    end

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
