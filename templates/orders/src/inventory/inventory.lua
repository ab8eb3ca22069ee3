-- Inventory activities. Set `fail_at = "inventory"` on an order to make reserve fail.
local logger = require("logger")

type Order = {id: string, amount: number, items: {string}?, fail_at: string?}
type Reservation = {id: string, order_id: string, items: number}

local function reserve(order: Order): (Reservation?, error?)
    if order.fail_at == "inventory" then
        return nil, errors.new({
            message = "items for order " .. order.id .. " are out of stock",
            kind = errors.CONFLICT,
            retryable = false,
        })
    end
    local count = order.items and #order.items or 1
    logger:info("inventory reserved", {order_id = order.id, items = count})
    return {id = "rsv-" .. order.id, order_id = order.id, items = count}
end

local function release(reservation_id: string): (boolean?, error?)
    logger:info("inventory released", {reservation_id = reservation_id})
    return true
end

return {reserve = reserve, release = release}
