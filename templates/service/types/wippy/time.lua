---@meta time

-- Wippy API stubs for lua-language-server (completion and hover only; never executed).
-- In a workflow, the clock, sleeps and timers are durable: they are recorded and replayed.

---A duration: a Go duration string ("500ms", "1h30m"; units ns us ms s m h, no "d"),
---a number of nanoseconds (`5 * time.SECOND`), or a Duration.
---@alias wippy.DurationLike string|integer|wippy.Duration

---@class wippy.Duration
local Duration = {}
---@return integer
function Duration:nanoseconds() end
---@return integer
function Duration:microseconds() end
---@return integer
function Duration:milliseconds() end
---@return number
function Duration:seconds() end
---@return number
function Duration:minutes() end
---@return number
function Duration:hours() end
---Go form, e.g. "1h30m0s".
---@return string
function Duration:string() end

---A point in time (UTC).
---@class wippy.Time
local Time = {}
---Formats with a Go layout, e.g. `t:format(time.RFC3339)` or `t:format("2006-01-02")`.
---@param layout string
---@return string
function Time:format(layout) end
---@return string
function Time:format_rfc3339() end
---@return integer seconds since 1970
function Time:unix() end
---@return integer
function Time:unix_milli() end
---@return integer
function Time:unix_micro() end
---@return integer
function Time:unix_nano() end
---@param d wippy.DurationLike
---@return wippy.Time|nil
---@return wippy.Error|nil err
function Time:add(d) end
---@param other wippy.Time
---@return wippy.Duration|nil
---@return wippy.Error|nil err
function Time:sub(other) end
---@param years integer
---@param months integer
---@param days integer
---@return wippy.Time
function Time:add_date(years, months, days) end
---@param other wippy.Time
---@return boolean
function Time:before(other) end
---@param other wippy.Time
---@return boolean
function Time:after(other) end
---@param other wippy.Time
---@return boolean
function Time:equal(other) end
---@param other wippy.Time
---@return -1|0|1
function Time:compare(other) end
---@return boolean
function Time:is_zero() end
---@return integer
function Time:year() end
---@return integer 1-12
function Time:month() end
---@return integer
function Time:day() end
---@return integer
function Time:hour() end
---@return integer
function Time:minute() end
---@return integer
function Time:second() end
---@return integer
function Time:nanosecond() end
---@return integer 0 (Sunday) - 6
function Time:weekday() end
---@return integer
function Time:year_day() end
---@return integer year
---@return integer month
---@return integer day
function Time:date() end
---@return integer hour
---@return integer min
---@return integer sec
function Time:clock() end
---@return wippy.Time
function Time:utc() end
---The same instant; the sandbox is UTC-only.
---@return wippy.Time
function Time:in_local() end
---The same instant; the sandbox is UTC-only, so the location is ignored.
---@param location wippy.Location
---@return wippy.Time
function Time:in_location(location) end
---Always UTC in the sandbox.
---@return wippy.Location
function Time:location() end
---@param d wippy.DurationLike
---@return wippy.Time
function Time:truncate(d) end

---A time zone. The sandbox keeps every time in UTC.
---@class wippy.Location
---@field string fun(): string
---@param d wippy.DurationLike
---@return wippy.Time
function Time:round(d) end

---A one-shot or repeating timer.
---@class wippy.Timer
local Timer = {}
---The channel the timer fires on (a Time per tick).
---@return wippy.Channel
function Timer:channel() end
---Same as `channel()`.
---@return wippy.Channel
function Timer:response() end
---Stops the timer; true if it was still pending.
---@return boolean
function Timer:stop() end
---Re-arms the timer with a new duration.
---@param d wippy.DurationLike
---@return boolean
function Timer:reset(d) end

---Clock, durations, sleeps and timers.
---@class time
---@field utc wippy.Location
---@field localtz wippy.Location same as `utc` in the sandbox
---@field NANOSECOND integer
---@field MICROSECOND integer
---@field MILLISECOND integer
---@field SECOND integer
---@field MINUTE integer
---@field HOUR integer
---@field RFC3339 string
---@field RFC3339NANO string
---@field RFC822 string
---@field RFC822Z string
---@field RFC850 string
---@field RFC1123 string
---@field RFC1123Z string
---@field DATE_TIME string
---@field DATE_ONLY string
---@field TIME_ONLY string
---@field KITCHEN string
---@field STAMP string
---@field STAMP_MILLI string
---@field STAMP_MICRO string
---@field STAMP_NANO string
local time = {}

---The current time (in a workflow: the recorded workflow clock).
---@return wippy.Time
function time.now() end

---Blocks for `d` (in a workflow: a durable timer; `wippy time skip` fast-forwards it).
---```lua
---time.sleep("24h")
---```
---@param d wippy.DurationLike
---@return nil
---@return wippy.Error|nil err
function time.sleep(d) end

---A channel that receives once after `d`.
---@param d wippy.DurationLike
---@return wippy.Channel|nil
---@return wippy.Error|nil err
function time.after(d) end

---A one-shot timer.
---@param d wippy.DurationLike
---@return wippy.Timer|nil
---@return wippy.Error|nil err
function time.timer(d) end

---A repeating timer.
---@param d wippy.DurationLike
---@return wippy.Timer|nil
---@return wippy.Error|nil err
function time.ticker(d) end

---@param d wippy.DurationLike
---@return wippy.Duration|nil
---@return wippy.Error|nil err
function time.parse_duration(d) end

---Parses `value` with a Go layout such as "2006-01-02".
---@param layout string
---@param value string
---@return wippy.Time|nil
---@return wippy.Error|nil err
function time.parse(layout, value) end

---@param sec integer
---@param nsec? integer
---@return wippy.Time
function time.unix(sec, nsec) end

---@param year integer
---@param month integer
---@param day integer
---@param hour? integer
---@param min? integer
---@param sec? integer
---@param nsec? integer
---@return wippy.Time
function time.date(year, month, day, hour, min, sec, nsec) end

---Time elapsed since `t`.
---@param t wippy.Time
---@return wippy.Duration
function time.since(t) end

---A named zone (only its name is kept: times stay UTC).
---@param name string
---@return wippy.Location
function time.fixed_zone(name) end

---"UTC" (or "Local", ""); any other zone is a NotFound error in the UTC-only sandbox.
---@param name string
---@return wippy.Location|nil
---@return wippy.Error|nil err
function time.load_location(name) end

return time
