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

---A point in time with a Location: the instant is absolute, the Location only changes the
---wall clock that `format`, `year`, `hour`, ... read (UTC unless `in_location` or a zone-aware
---`time.date` / `time.parse` gave it another).
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
---The same instant in UTC.
---@return wippy.Time
function Time:utc() end
---The same instant in `time.localtz`, which wippy pins to UTC (so replays agree across machines).
---@return wippy.Time
function Time:in_local() end
---The same instant seen in another zone (raises if `location` is not a Location).
---```lua
---local ny = time.load_location("America/New_York")
---print(t:in_location(ny):format(time.RFC1123))
---```
---@param location wippy.Location
---@return wippy.Time
function Time:in_location(location) end
---The time's zone (UTC unless set by `in_location`, `time.date` or `time.parse`).
---@return wippy.Location
function Time:location() end
---The zone abbreviation in effect at this instant ("EST", "CEST", "UTC") and its offset east of UTC.
---@return string name
---@return integer offset seconds east of UTC
function Time:zone() end
---Rounds down to a multiple of `d` (unchanged when `d` <= 0).
---@param d wippy.DurationLike
---@return wippy.Time
function Time:truncate(d) end
---Rounds to the nearest multiple of `d`, halves up (unchanged when `d` <= 0).
---@param d wippy.DurationLike
---@return wippy.Time
function Time:round(d) end

---A time zone: UTC, a fixed offset (`time.fixed_zone`) or an IANA zone (`time.load_location`).
---`tostring(loc)` gives its name too.
---@class wippy.Location
local Location = {}
---The zone's name, e.g. "UTC" or "Europe/Berlin".
---@return string
function Location:string() end

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
---@field localtz wippy.Location same as `utc`: wippy pins the local zone to UTC so replays agree across machines
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
---@field SUNDAY integer 0
---@field MONDAY integer 1
---@field TUESDAY integer 2
---@field WEDNESDAY integer 3
---@field THURSDAY integer 4
---@field FRIDAY integer 5
---@field SATURDAY integer 6
---@field JANUARY integer 1
---@field FEBRUARY integer 2
---@field MARCH integer 3
---@field APRIL integer 4
---@field MAY integer 5
---@field JUNE integer 6
---@field JULY integer 7
---@field AUGUST integer 8
---@field SEPTEMBER integer 9
---@field OCTOBER integer 10
---@field NOVEMBER integer 11
---@field DECEMBER integer 12
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

---Parses `value` with a Go layout such as "2006-01-02", following Go's zone rules: "Z" is UTC;
---a numeric offset or zone abbreviation uses `location` when it matches one of its periods,
---else a fixed zone; a value without a zone is a wall clock in `location` (default UTC).
---@param layout string
---@param value string
---@param location? wippy.Location
---@return wippy.Time|nil
---@return wippy.Error|nil err
function time.parse(layout, value, location) end

---Go's ParseInLocation: `time.parse` with the zone for values that carry none.
---```lua
---local t, err = time.parse_in_location("2006-01-02 15:04", "2024-03-10 09:30", berlin)
---```
---@param layout string
---@param value string
---@param location wippy.Location
---@return wippy.Time|nil
---@return wippy.Error|nil err
function time.parse_in_location(layout, value, location) end

---@param sec integer
---@param nsec? integer
---@return wippy.Time
function time.unix(sec, nsec) end

---A time from its wall clock in `location` (default UTC); out-of-range fields normalise like
---Go's time.Date (month 13 is January of the next year). In a DST gap or overlap, the offset
---in effect before the change wins.
---@param year integer
---@param month integer
---@param day integer
---@param hour? integer
---@param min? integer
---@param sec? integer
---@param nsec? integer
---@param location? wippy.Location
---@return wippy.Time|nil
---@return wippy.Error|nil err Invalid when `location` is not a Location
function time.date(year, month, day, hour, min, sec, nsec, location) end

---Time elapsed since `t`.
---@param t wippy.Time
---@return wippy.Duration
function time.since(t) end

---Time left until `t` (negative once it passed). `time["until"]` is the same function
---(`until` is a Lua keyword, so it cannot be called as `time.until`).
---@param t wippy.Time
---@return wippy.Duration
function time.until_(t) end

---A zone with a constant offset (Go's FixedZone); `name` is what the "MST" layout token prints.
---```lua
---local ist = time.fixed_zone("IST", 5 * 3600 + 30 * 60)
---```
---@param name string
---@param offset? integer seconds east of UTC (default 0)
---@return wippy.Location
function time.fixed_zone(name, offset) end

---An IANA zone by name ("Europe/Berlin", "America/New_York"), with its DST rules;
---"UTC" and "Local" (= `time.localtz`, UTC) too. An unknown name is a NotFound error.
---```lua
---local berlin, err = time.load_location("Europe/Berlin")
---if err then return nil, err end
---```
---@param name string
---@return wippy.Location|nil
---@return wippy.Error|nil err
function time.load_location(name) end

return time
