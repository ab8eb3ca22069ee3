-- What happens after a reviewer decides.
local logger = require("logger")

type Request = {order_id: string, amount: number}

local function fulfill(order_id: string): (string?, error?)
    logger:info("order fulfilled", {order_id = order_id})
    return "fulfilled"
end

local function send_rejection(request: Request): (string?, error?)
    logger:info("rejection sent", {order_id = request.order_id})
    return "rejected"
end

return {fulfill = fulfill, send_rejection = send_rejection}
