-- Puts an order in front of a reviewer. Here it only logs; a real app would open a
-- ticket or send a message with a link that ends in `wippy signal` (or process.send).
local logger = require("logger")

type Request = {order_id: string, amount: number}
type Ticket = {id: string, order_id: string}

local function submit(request: Request): (Ticket?, error?)
    if not request or not request.order_id then
        return nil, errors.new({message = "order_id is required", kind = errors.INVALID, retryable = false})
    end
    logger:info("approval requested", {order_id = request.order_id, amount = request.amount})
    return {id = "apr-" .. request.order_id, order_id = request.order_id}
end

return {submit = submit}
