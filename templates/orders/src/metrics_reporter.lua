-- A supervised background process (see app:metrics_service in _index.yaml).
-- It reports a heartbeat every `interval` until the supervisor sends CANCEL,
-- then returns normally, which tells the supervisor not to restart it.
local time = require("time")
local logger = require("logger")

type Options = {interval: string?}

local function main(options: Options?): (number?, error?)
    local interval = (options and options.interval) or "15s"
    local events = process.events()
    local ticks = 0

    logger:info("metrics reporter started", {pid = process.pid(), interval = interval})

    while true do
        local tick = time.after(interval)
        local ready = channel.select({
            tick:case_receive(),
            events:case_receive(),
        })

        if ready.channel == events then
            local event = ready.value
            if event.kind == process.event.CANCEL then
                logger:info("metrics reporter stopping", {ticks = ticks})
                return ticks
            end
        else
            ticks = ticks + 1
            logger:info("heartbeat", {tick = ticks})
        end
    end
end

return {main = main}
