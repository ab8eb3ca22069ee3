-- Payment activities. A real app would call a payment provider here (http_client);
-- this demo decides outcomes from the order so you can steer them:
--   fail_at = "payment"     the charge is declined (the saga compensates)
--   fail_at = "settlement"  the charge settles as failed a day later (the payment flow refunds)
local logger = require("logger")

type Order = {id: string, amount: number, fail_at: string?}
type Charge = {id: string, order_id: string, amount: number, status: string}
type StatusQuery = {charge_id: string, fail_at: string?}

-- Input checks come first, so a wrong call fails at once with what to pass instead of a
-- Lua error deep inside ("attempt to concatenate a nil value").
local function invalid_order(order: Order?): error?
    if type(order) ~= "table" or type(order.id) ~= "string" or order.id == "" then
        return errors.new({message = 'the order needs an "id" string, e.g. {"id":"P-1","amount":120}', kind = errors.INVALID, retryable = false})
    end
    if type(order.amount) ~= "number" then
        return errors.new({message = 'order ' .. order.id .. ' needs an "amount" number, e.g. {"id":"' .. order.id .. '","amount":120}', kind = errors.INVALID, retryable = false})
    end
    return nil
end

local function decline(order: Order): error
    return errors.new({
        message = "card declined for order " .. order.id,
        kind = errors.INVALID,
        retryable = false,
    })
end

local function charge(order: Order): (Charge?, error?)
    local bad = invalid_order(order)
    if bad then
        return nil, bad
    end
    if order.fail_at == "payment" then
        return nil, decline(order)
    end
    logger:info("payment charged", {order_id = order.id, amount = order.amount})
    return {id = "pay-" .. order.id, order_id = order.id, amount = order.amount, status = "captured"}
end

local function refund(payment_id: string): (boolean?, error?)
    logger:info("payment refunded", {payment_id = payment_id})
    return true
end

local function charge_card(order: Order): (Charge?, error?)
    local bad = invalid_order(order)
    if bad then
        return nil, bad
    end
    if order.fail_at == "payment" then
        return nil, decline(order)
    end
    logger:info("card authorised", {order_id = order.id, amount = order.amount})
    return {id = "ch-" .. order.id, order_id = order.id, amount = order.amount, status = "pending"}
end

-- Returns "settled" or "failed".
local function check_status(query: StatusQuery): (string?, error?)
    local status = "settled"
    if query.fail_at == "settlement" then
        status = "failed"
    end
    logger:info("charge status checked", {charge_id = query.charge_id, status = status})
    return status
end

return {charge = charge, refund = refund, charge_card = charge_card, check_status = check_status}
