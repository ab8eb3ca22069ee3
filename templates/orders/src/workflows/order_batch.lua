-- A parent workflow. Each process.spawn inside a workflow starts a child workflow
-- with the same durability guarantees; its EXIT (result or error) arrives on
-- process.events(). The parent waits for all children and reports each outcome.
type Order = {id: string, amount: number, fail_at: string?}
type Batch = {orders: {Order}}
type Outcome = {order_id: string, status: string, error: string?}
type BatchResult = {completed: number, failed: number, orders: {Outcome}}

local function main(batch: Batch): (BatchResult?, error?)
    if not batch or not batch.orders or #batch.orders == 0 then
        return nil, errors.new({message = "the batch has no orders", kind = errors.INVALID, retryable = false})
    end

    local children = {}
    local pending = 0
    for _, order in ipairs(batch.orders) do
        -- Inside a workflow the host is the Temporal task queue ("orders", served by
        -- app:temporal_worker), as on the Wippy platform.
        local pid, err = process.spawn("app.workflows:order_saga", "orders", order)
        if err then
            return nil, err
        end
        children[pid] = order.id
        pending = pending + 1
    end

    local result: BatchResult = {completed = 0, failed = 0, orders = {}}
    local events = process.events()
    while pending > 0 do
        local event = events:receive()
        local order_id = children[event.from]
        if event.kind == process.event.EXIT and order_id then
            local exit = event.result or {}
            if exit.error then
                result.failed = result.failed + 1
                table.insert(result.orders, {order_id = order_id, status = "failed", error = tostring(exit.error)})
            else
                result.completed = result.completed + 1
                table.insert(result.orders, {order_id = order_id, status = "completed"})
            end
            children[event.from] = nil
            pending = pending - 1
        end
    end

    return result
end

return {main = main}
