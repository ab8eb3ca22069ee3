-- Shipping activity. Set `fail_at = "shipping"` on an order to see the saga
-- refund the payment and release the inventory, in that order.
local logger = require("logger")

type Order = {id: string, amount: number, address: string?, fail_at: string?}
type Shipment = {id: string, order_id: string, tracking: string}

local function create(order: Order): (Shipment?, error?)
    if order.fail_at == "shipping" then
        return nil, errors.new({
            message = "no carrier accepts order " .. order.id,
            kind = errors.UNAVAILABLE,
            retryable = false,
        })
    end
    logger:info("shipment created", {order_id = order.id})
    return {id = "shp-" .. order.id, order_id = order.id, tracking = "TRK-" .. order.id}
end

return {create = create}
