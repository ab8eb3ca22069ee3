-- Runs app.workflows:payment to the end with process.exec (virtual time: the 24h
-- settlement sleep is skipped) and checks what it returns.
local function run(payment)
    return process.exec("app.workflows:payment", "app:temporal_worker", payment)
end

local function settles(): (boolean?, string?)
    local result, err = run({id = "T-1", amount = 10})
    if err then
        return false, "the payment failed: " .. tostring(err)
    end
    if result.status ~= "settled" then
        return false, "expected status settled, got " .. tostring(result.status)
    end
    return true
end

local function refunds(): (boolean?, string?)
    local result, err = run({id = "T-2", amount = 10, fail_at = "settlement"})
    if err then
        return false, "the payment failed: " .. tostring(err)
    end
    if result.status ~= "refunded" then
        return false, "expected status refunded, got " .. tostring(result.status)
    end
    return true
end

local function needs_an_id(): (boolean?, string?)
    local _, err = run({amount = 10})
    if not err then
        return false, "a payment without an id did not fail"
    end
    if not string.find(tostring(err), "id", 1, true) then
        return false, "the error does not say what is missing: " .. tostring(err)
    end
    return true
end

return {settles = settles, refunds = refunds, needs_an_id = needs_an_id}
