-- Side effects live in functions: workflows call them and record their results.
local logger = require("logger")

type Request = {order_id: string, amount: number}

local function submit(request: Request): (string?, error?)
    if not request or not request.order_id then
        return nil, errors.new({message = "order_id is required", kind = errors.INVALID, retryable = false})
    end
    logger:info("review requested", {order_id = request.order_id, amount = request.amount})
    return "submitted"
end

local function fulfill(request: Request): (string?, error?)
    logger:info("order fulfilled", {order_id = request.order_id})
    return "fulfilled"
end

local function reject(request: Request, reason: string?): (string?, error?)
    logger:info("order rejected", {order_id = request.order_id, reason = reason or ""})
    return "rejected"
end

return {submit = submit, fulfill = fulfill, reject = reject}
