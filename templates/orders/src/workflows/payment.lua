-- Charge now, settle tomorrow. `time.after("24h")` is a durable timer: the workflow
-- is parked in its history, survives restarts of the dev server, and wakes up when
-- the (virtual) clock reaches it. In development, skip ahead with:
--   npx wippy time skip <id> --to-next-timer
-- or cancel the payment while it waits (the charge is refunded):
--   npx wippy cancel <id>
local funcs = require("funcs")
local time = require("time")

type Payment = {id: string, amount: number, fail_at: string?}
type PaymentResult = {charge_id: string, status: string}

-- Checked before the first step: a payment without an id or amount fails at once, saying
-- what to pass (`errors` is a global in workflows).
local function invalid(payment: Payment?): error?
    if type(payment) ~= "table" or type(payment.id) ~= "string" or type(payment.amount) ~= "number" then
        return errors.new({message = 'a payment needs an "id" string and an "amount" number, e.g. {"id":"P-1","amount":120}', kind = errors.INVALID, retryable = false})
    end
    return nil
end

local function main(payment: Payment): (PaymentResult?, error?)
    local bad = invalid(payment)
    if bad then
        return nil, bad
    end
    local charge, err = funcs.call("app.payments:charge_card", payment)
    if err then
        return nil, err
    end

    -- Wait a day for settlement, unless the run is cancelled first. `time.sleep("24h")`
    -- would also wait, but nothing could interrupt it; `time.after` gives the same
    -- timer as a channel, so it can be raced against process.events(), where
    -- `wippy cancel <id>` arrives as a CANCEL event.
    local settled, events = time.after("24h"), process.events()
    local got = channel.select({settled:case_receive(), events:case_receive()})
    if got.channel == events and got.value.kind == process.event.CANCEL then
        -- Cancelled while waiting: undo the charge (the compensation), then say so.
        local _, refund_err = funcs.call("app.payments:refund", charge.id)
        if refund_err then
            return nil, refund_err
        end
        return {charge_id = charge.id, status = "cancelled"}
    end

    local status, status_err = funcs.call("app.payments:check_status", {
        charge_id = charge.id,
        fail_at = payment.fail_at,
    })
    if status_err then
        return nil, status_err
    end

    if status == "failed" then
        local _, refund_err = funcs.call("app.payments:refund", charge.id)
        if refund_err then
            return nil, refund_err
        end
        return {charge_id = charge.id, status = "refunded"}
    end

    return {charge_id = charge.id, status = "settled"}
end

return {main = main}
