-- The saga pattern: reserve inventory, charge the payment, create the shipment.
-- When a step fails, every step that already succeeded is undone in reverse order,
-- then the workflow fails with the original error.
--
-- Every funcs.call is recorded in the workflow history, so after a crash the saga
-- resumes where it stopped instead of charging the card twice.
local funcs = require("funcs")

type Order = {id: string, amount: number, items: {string}?, fail_at: string?}
type Undo = {step: string, func: string, arg: any}
type SagaResult = {order_id: string, status: string, reservation: string, payment: string, tracking: string}

local function compensate(done: {Undo})
    for i = #done, 1, -1 do
        local undo = done[i]
        local _, err = funcs.call(undo.func, undo.arg)
        if err then
            print("compensation " .. undo.func .. " failed: " .. tostring(err))
        else
            print("compensated " .. undo.step)
        end
    end
end

local function main(order: Order): (SagaResult?, error?)
    if type(order) ~= "table" or type(order.id) ~= "string" or type(order.amount) ~= "number" then
        return nil, errors.new({message = 'an order needs an "id" string and an "amount" number, e.g. {"id":"A-1","amount":120}', kind = errors.INVALID, retryable = false})
    end
    local done: {Undo} = {}

    local reservation, err = funcs.call("app.inventory:reserve", order)
    if err then
        return nil, err
    end
    table.insert(done, {step = "inventory", func = "app.inventory:release", arg = reservation.id})

    local payment, pay_err = funcs.call("app.payments:charge", order)
    if pay_err then
        compensate(done)
        return nil, pay_err
    end
    table.insert(done, {step = "payment", func = "app.payments:refund", arg = payment.id})

    local shipment, ship_err = funcs.call("app.shipping:create", order)
    if ship_err then
        compensate(done)
        return nil, ship_err
    end

    return {
        order_id = order.id,
        status = "completed",
        reservation = reservation.id,
        payment = payment.id,
        tracking = shipment.tracking,
    }
end

return {main = main}
