-- Starts the heartbeat process directly (not through the service), monitored, with a short
-- interval, and checks that it fails after `crash_after` beats with the simulated crash.
local time = require("time")

local function main(): (boolean?, string?)
    local pid, err = process.spawn_monitored("app:heartbeat", "app:processes", {interval = "10ms", crash_after = 2})
    if err then
        return false, "can't start app:heartbeat: " .. tostring(err)
    end
    local events = process.events()
    local timeout = time.after("5s")
    local ready = channel.select({events:case_receive(), timeout:case_receive()})
    if ready.channel == timeout then
        return false, "app:heartbeat " .. tostring(pid) .. " did not exit within 5s"
    end
    local event = ready.value
    if event.kind ~= process.event.EXIT then
        return false, "expected an EXIT event, got " .. tostring(event.kind)
    end
    local failure = event.result and event.result.error
    if not failure or not string.find(tostring(failure), "simulated crash after 2 beats", 1, true) then
        return false, "expected the simulated crash after 2 beats, got " .. tostring(failure)
    end
    return true
end

return {main = main}
