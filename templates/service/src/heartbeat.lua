-- A supervised background process. Every `interval` it logs a heartbeat. After
-- `crash_after` beats it fails on purpose (set it to 0 to turn that off) so you can
-- watch the supervisor restart it. On CANCEL (the service is stopping) it returns
-- normally, which tells the supervisor not to restart it.
local time = require("time")
local logger = require("logger")

type Options = {interval: string?, crash_after: number?}

local function main(options: Options?): (number?, error?)
    local interval = (options and options.interval) or "2s"
    local crash_after = (options and options.crash_after) or 0
    local events = process.events()
    local beats = 0

    logger:info("heartbeat started", {pid = process.pid(), interval = interval})

    while true do
        local tick = time.after(interval)
        local ready = channel.select({
            tick:case_receive(),
            events:case_receive(),
        })

        if ready.channel == events then
            if ready.value.kind == process.event.CANCEL then
                logger:info("heartbeat stopping", {beats = beats})
                return beats
            end
        else
            beats = beats + 1
            logger:info("beat", {n = beats})
            if crash_after > 0 and beats >= crash_after then
                return nil, errors.new({
                    message = "simulated crash after " .. beats .. " beats",
                    kind = errors.INTERNAL,
                    retryable = true,
                })
            end
        end
    end
end

return {main = main}
