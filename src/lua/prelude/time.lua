-- `@wippy/time.lua`: Time and Duration objects, Go-style durations and layouts (a Time carries
-- its Location; zones live in `@wippy/time-zones.lua`),
-- and the host-backed calls `now`, `sleep`, `after`, `timer`, `ticker`.
-- Numbers are nanoseconds; commands carry milliseconds (`durationMs`).
local W = ...
local raw_setmt, raw_getmt, raw_type, raw_tostring = setmetatable, getmetatable, type, tostring
local mtype, floor, tointeger = math.type, math.floor, math.tointeger
local sformat, concat, raw_error = string.format, table.concat, error
local invalid = W.invalid

local NS, US, MS, S = 1, 1000, 1000000, 1000000000
local MIN, HOUR = 60 * S, 3600 * S

local DurationMT = {__name = 'duration'}
local Duration = {}
DurationMT.__index = Duration
local function duration(ns) return raw_setmt({ns = ns}, DurationMT) end
local TimeMT = {__name = 'time'}
local Time = {}
TimeMT.__index = Time
local Z = W.zone
local UTC, zone_offset, from_wall = Z.UTC, Z.offset, Z.from_wall
-- loc nil means UTC; the instant is ns either way (zones change only the wall clock).
-- off (seconds east of UTC, nil for 0) is kept for the payload form, which has no zone
-- table at hand: a Time leaves Lua as RFC 3339 text in its own offset, as Go marshals it.
local function new_time(ns, loc)
  local off
  if loc ~= nil and loc.kind ~= 'utc' then
    off = zone_offset(loc, ns // S)
    if off == 0 then off = nil end
  end
  return raw_setmt({ns = ns, loc = loc, off = off}, TimeMT)
end
W.new_time = new_time
-- Platform times are userdata: type() says so (see @wippy/userdata.lua).
W.userdata_mts = W.userdata_mts or {}
W.userdata_mts[TimeMT] = true

local UNITS = {ns = NS, us = US, ['µs'] = US, ms = MS, s = S, m = MIN, h = HOUR}
local function parse_go_duration(str)
  local s = str
  local sign = 1
  local c = s:sub(1, 1)
  if c == '-' or c == '+' then
    if c == '-' then sign = -1 end
    s = s:sub(2)
  end
  if s == '0' then return 0 end
  if s == '' then return nil end
  local total = 0
  -- the same sum in floats: integer products wrap around silently, floats do not
  local approx = 0.0
  local pos = 1
  while pos <= #s do
    local num, unit, nxt = s:match('^([%d%.]+)([a-zµ]+)()', pos)
    if not num then return nil end
    local mult = UNITS[unit]
    local n = tonumber(num)
    if not mult or not n then return nil end
    total = total + n * mult
    approx = approx + (n + 0.0) * mult
    pos = nxt
  end
  if approx >= 0x1p63 then return nil, 'range' end
  -- Go's time.ParseDuration refuses what does not fit an int64 of nanoseconds; a float
  -- past 2^63 would otherwise reach the host as a huge or overflowed timer.
  local ns = tointeger(floor(total + 0.5))
  if ns == nil then return nil, 'range' end
  return sign * ns
end

--- Coerces number (ns) | Go duration string | Duration to integer nanoseconds.
local OUT_OF_RANGE = ' is out of range: a duration is at most 2562047h47m16.854775807s (an int64 of nanoseconds, as in Go)'
local function to_ns(v)
  if raw_type(v) == 'number' then
    -- NaN, infinities and floats beyond an int64 are no duration (Go's time.Duration is one)
    local ns = v == v and tointeger(floor(v))
    if not ns then return nil, invalid('invalid duration ' .. raw_tostring(v) .. OUT_OF_RANGE) end
    return ns
  end
  if raw_type(v) == 'string' then
    local ns, why = parse_go_duration(v)
    if why == 'range' then return nil, invalid('invalid duration ' .. sformat('%q', v) .. OUT_OF_RANGE) end
    if ns == nil then return nil, invalid('invalid duration ' .. sformat('%q', v) .. ' (use Go units ns, us, ms, s, m, h, e.g. "1h30m")') end
    return ns
  end
  if raw_getmt(v) == DurationMT then return v.ns end
  return nil, invalid('invalid duration: expected a number of nanoseconds, a string like "5s" or a Duration')
end
W.to_ns = to_ns
local function ms_of(ns)
  local ms = ns / 1e6
  return tointeger(ms) or ms
end

local function fmt_frac(v)
  local s = sformat('%.9f', v):gsub('0+$', ''):gsub('%.$', '')
  return s
end
function Duration:string()
  local ns = self.ns
  if ns == 0 then return '0s' end
  local neg = ns < 0
  if neg then ns = -ns end
  local out
  if ns < US then out = ns .. 'ns'
  elseif ns < MS then out = fmt_frac(ns / US) .. 'µs'
  elseif ns < S then out = fmt_frac(ns / MS) .. 'ms'
  else
    local h = ns // HOUR
    local m = (ns % HOUR) // MIN
    local sec = (ns % MIN) / S
    out = ''
    if h > 0 then out = h .. 'h' end
    if h > 0 or m > 0 then out = out .. m .. 'm' end
    out = out .. fmt_frac(sec) .. 's'
  end
  return (neg and '-' or '') .. out
end
DurationMT.__tostring = Duration.string
function Duration:nanoseconds() return self.ns end
function Duration:microseconds() return self.ns // US end
function Duration:milliseconds() return self.ns // MS end
function Duration:seconds() return self.ns / S end
function Duration:minutes() return self.ns / MIN end
function Duration:hours() return self.ns / HOUR end
DurationMT.__eq = function(a, b) return a.ns == b.ns end
DurationMT.__lt = function(a, b) return a.ns < b.ns end
DurationMT.__le = function(a, b) return a.ns <= b.ns end

-- civil calendar (proleptic Gregorian, UTC) --------------------------------------
local function days_from_civil(y, m, d)
  y = m <= 2 and y - 1 or y
  local era = (y >= 0 and y or y - 399) // 400
  local yoe = y - era * 400
  local mp = (m + 9) % 12
  local doy = (153 * mp + 2) // 5 + d - 1
  local doe = yoe * 365 + yoe // 4 - yoe // 100 + doy
  return era * 146097 + doe - 719468
end
local function civil_from_days(z)
  z = z + 719468
  local era = (z >= 0 and z or z - 146096) // 146097
  local doe = z - era * 146097
  local yoe = (doe - doe // 1460 + doe // 36524 - doe // 146096) // 365
  local y = yoe + era * 400
  local doy = doe - (365 * yoe + yoe // 4 - yoe // 100)
  local mp = (5 * doy + 2) // 153
  local d = doy - (153 * mp + 2) // 5 + 1
  local m = mp < 10 and mp + 3 or mp - 9
  return m <= 2 and y + 1 or y, m, d
end
local function parts(t)
  local off, abbr = zone_offset(t.loc, t.ns // S)
  local secs = t.ns // S + off
  local days = secs // 86400
  local rem = secs % 86400
  local y, m, d = civil_from_days(days)
  return {year = y, month = m, day = d, hour = rem // 3600, min = (rem % 3600) // 60, sec = rem % 60,
    nsec = t.ns % S, wday = (days + 4) % 7, yday = days - days_from_civil(y, 1, 1) + 1, off = off, abbr = abbr}
end
-- Wall clock in loc → ns; out-of-range fields normalise like Go's time.Date.
local function from_parts(y, mo, d, h, mi, s, ns, loc)
  local m0 = mo - 1
  y, mo = y + m0 // 12, m0 % 12 + 1
  ns = ns or 0
  local wall = days_from_civil(y, mo, 1) * 86400 + (d - 1) * 86400 + h * 3600 + mi * 60 + s + ns // S
  if loc ~= nil then wall = from_wall(loc, wall) end
  return wall * S + ns % S
end
-- Go's numeric zone: sign, hours, then minutes (and seconds) joined by sep.
local function zone_digits(off, with_min, with_sec, sep)
  local sign = off < 0 and '-' or '+'
  off = off < 0 and -off or off
  local out = sign .. sformat('%02d', off // 3600)
  if with_min then out = out .. sep .. sformat('%02d', (off % 3600) // 60) end
  if with_sec then out = out .. sep .. sformat('%02d', off % 60) end
  return out
end
local ZONE_FIELDS = {['07:00:00'] = {true, true, ':'}, ['07:00'] = {true, false, ':'}, ['0700'] = {true, false, ''}, ['07'] = {false, false, ''}}

local MONTHS = {'January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'}
local DAYS = {'Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'}
-- Go layout tokens, longest first where prefixes overlap.
local TOKENS = {'January', 'Jan', 'Monday', 'Mon', '2006', '06', '01', '02', '_2', '__2', '002', '15', '03', '04', '05',
  'MST', 'Z07:00:00', 'Z07:00', 'Z0700', 'Z07', '-07:00:00', '-07:00', '-0700', '-07', 'PM', 'pm', '1', '2', '3', '4', '5'}
local function next_token(layout, i)
  local c = layout:sub(i, i)
  if (c == '.' or c == ',') and layout:match('^[09]+', i + 1) then
    local run = layout:match('^[09]+', i + 1)
    local after = layout:sub(i + 1 + #run, i + 1 + #run)
    if not after:match('%d') then return c .. run, #run + 1 end
  end
  for _, tok in ipairs(TOKENS) do
    if layout:sub(i, i + #tok - 1) == tok then return tok, #tok end
  end
  return nil, 1
end

function Time:format(layout)
  local p = parts(self)
  local out = {}
  local i = 1
  while i <= #layout do
    local tok, len = next_token(layout, i)
    local v
    if tok == nil then v = layout:sub(i, i)
    elseif tok == 'January' then v = MONTHS[p.month]
    elseif tok == 'Jan' then v = MONTHS[p.month]:sub(1, 3)
    elseif tok == 'Monday' then v = DAYS[p.wday + 1]
    elseif tok == 'Mon' then v = DAYS[p.wday + 1]:sub(1, 3)
    elseif tok == '2006' then v = sformat('%04d', p.year)
    elseif tok == '06' then v = sformat('%02d', p.year % 100)
    elseif tok == '01' then v = sformat('%02d', p.month)
    elseif tok == '1' then v = raw_tostring(p.month)
    elseif tok == '02' then v = sformat('%02d', p.day)
    elseif tok == '2' then v = raw_tostring(p.day)
    elseif tok == '_2' then v = sformat('%2d', p.day)
    elseif tok == '__2' then v = sformat('%3d', p.yday)
    elseif tok == '002' then v = sformat('%03d', p.yday)
    elseif tok == '15' then v = sformat('%02d', p.hour)
    elseif tok == '03' then v = sformat('%02d', (p.hour % 12 == 0) and 12 or p.hour % 12)
    elseif tok == '3' then v = raw_tostring((p.hour % 12 == 0) and 12 or p.hour % 12)
    elseif tok == '04' then v = sformat('%02d', p.min)
    elseif tok == '4' then v = raw_tostring(p.min)
    elseif tok == '05' then v = sformat('%02d', p.sec)
    elseif tok == '5' then v = raw_tostring(p.sec)
    elseif tok == 'PM' then v = p.hour >= 12 and 'PM' or 'AM'
    elseif tok == 'pm' then v = p.hour >= 12 and 'pm' or 'am'
    elseif tok == 'MST' then
      -- a nameless fixed zone prints its offset (Go: -0700 form)
      v = (p.abbr ~= nil and p.abbr ~= '') and p.abbr or zone_digits(p.off, true, false, '')
    elseif tok:sub(1, 1) == 'Z' and p.off == 0 then v = 'Z'
    elseif tok:sub(1, 1) == 'Z' or tok:sub(1, 1) == '-' then
      local f = ZONE_FIELDS[tok:sub(2)]
      v = zone_digits(p.off, f[1], f[2], f[3])
    else
      -- fractional seconds: .000 fixed, .999 trims trailing zeros
      local digits = #tok - 1
      local frac = sformat('%09d', p.nsec):sub(1, digits)
      if tok:sub(2, 2) == '9' then
        frac = frac:gsub('0+$', '')
        v = frac == '' and '' or (tok:sub(1, 1) .. frac)
      else v = tok:sub(1, 1) .. frac end
    end
    out[#out + 1] = v
    i = i + len
  end
  return concat(out)
end
function Time:format_rfc3339() return self:format('2006-01-02T15:04:05Z07:00') end
TimeMT.__tostring = function(t) return t:format('2006-01-02 15:04:05.999999999 -0700 MST') end
function Time:unix() return self.ns // S end
function Time:unix_milli() return self.ns // MS end
function Time:unix_micro() return self.ns // US end
function Time:unix_nano() return self.ns end
function Time:add(d)
  local ns, err = to_ns(d)
  if ns == nil then return nil, err end
  return new_time(self.ns + ns, self.loc)
end
function Time:sub(other)
  if raw_getmt(other) ~= TimeMT then return nil, invalid('time:sub expects a Time') end
  return duration(self.ns - other.ns)
end
function Time:add_date(years, months, days)
  local p = parts(self)
  return new_time(from_parts(p.year + (years or 0), p.month + (months or 0), p.day + (days or 0), p.hour, p.min, p.sec, p.nsec, self.loc), self.loc)
end
function Time:before(o) return self.ns < o.ns end
function Time:after(o) return self.ns > o.ns end
function Time:equal(o) return self.ns == o.ns end
function Time:compare(o) return self.ns < o.ns and -1 or (self.ns > o.ns and 1 or 0) end
function Time:is_zero() return self.ns == W.ZERO_NS end
function Time:year() return parts(self).year end
function Time:month() return parts(self).month end
function Time:day() return parts(self).day end
function Time:hour() return parts(self).hour end
function Time:minute() return parts(self).min end
function Time:second() return parts(self).sec end
function Time:nanosecond() return parts(self).nsec end
function Time:weekday() return parts(self).wday end
function Time:year_day() return parts(self).yday end
function Time:date() local p = parts(self) return p.year, p.month, p.day end
function Time:clock() local p = parts(self) return p.hour, p.min, p.sec end
function Time:utc() return new_time(self.ns, nil) end
function Time:in_local() return new_time(self.ns, W.modules.time.localtz) end
function Time:in_location(loc)
  if not Z.is(loc) then raw_error('time:in_location expects a Location', 2) end
  return new_time(self.ns, loc)
end
function Time:location() return self.loc or UTC end
function Time:zone() local p = parts(self) return p.abbr, p.off end
function Time:truncate(d)
  local ns = to_ns(d)
  if not ns or ns <= 0 then return self end
  return new_time(self.ns - self.ns % ns, self.loc)
end
function Time:round(d)
  local ns = to_ns(d)
  if not ns or ns <= 0 then return self end
  local r = self.ns % ns
  if r + r < ns then return new_time(self.ns - r, self.loc) end
  return new_time(self.ns + ns - r, self.loc)
end
TimeMT.__eq = function(a, b) return a.ns == b.ns end
TimeMT.__lt = function(a, b) return a.ns < b.ns end
TimeMT.__le = function(a, b) return a.ns <= b.ns end
W.ZERO_NS = from_parts(1, 1, 1, 0, 0, 0, 0)

-- time.parse lives in @wippy/time-parse.lua; it shares these helpers.
W.time_kit = {next_token = next_token, from_parts = from_parts, new_time = new_time, MONTHS = MONTHS}

-- timers --------------------------------------------------------------------------
local TimerMT = {__name = 'timer'}
local Timer = {}
TimerMT.__index = Timer
local function fire_value(v)
  if raw_type(v) == 'number' then return new_time(v) end
  return v == nil and true or v
end
local function arm(self, ns)
  self.fired = false
  self.tag = W.emit('time.timer', {ms_of(ns)}, nil, function(v)
    self.tag = nil
    if self.repeating then
      W.offer(self.ch, fire_value(v))
      if not self.stopped then arm(self, self.period) end
    else
      self.fired = true
      W.offer(self.ch, fire_value(v))
    end
  end)
end
function Timer:response() return self.ch end
function Timer:channel() return self.ch end
function Timer:stop()
  self.stopped = true
  if self.tag == nil then return false end
  local tag = self.tag
  self.tag = nil
  W.forget(tag)
  W.call('time.timer_stop', {tag})
  return true
end
function Timer:reset(d)
  local ns, err = to_ns(d)
  if ns == nil then return false, err end
  if ns <= 0 then return false, invalid('timer duration must be positive') end
  local was = self.tag ~= nil
  if was then self:stop() end
  self.stopped = false
  self.period = ns
  arm(self, ns)
  return was
end
local function make_timer(d, repeating)
  local ns, err = to_ns(d)
  if ns == nil then return nil, err end
  if ns <= 0 then return nil, invalid('timer duration must be positive') end
  local t = raw_setmt({ch = W.new_channel(1), repeating = repeating, period = ns, stopped = false}, TimerMT)
  arm(t, ns)
  return t, nil
end

local time = {
  NANOSECOND = NS, MICROSECOND = US, MILLISECOND = MS, SECOND = S, MINUTE = MIN, HOUR = HOUR,
  RFC3339 = '2006-01-02T15:04:05Z07:00', RFC3339NANO = '2006-01-02T15:04:05.999999999Z07:00',
  RFC822 = '02 Jan 06 15:04 MST', RFC822Z = '02 Jan 06 15:04 -0700', RFC850 = 'Monday, 02-Jan-06 15:04:05 MST',
  RFC1123 = 'Mon, 02 Jan 2006 15:04:05 MST', RFC1123Z = 'Mon, 02 Jan 2006 15:04:05 -0700',
  DATE_TIME = '2006-01-02 15:04:05', DATE_ONLY = '2006-01-02', TIME_ONLY = '15:04:05', KITCHEN = '3:04PM',
  STAMP = 'Jan _2 15:04:05', STAMP_MILLI = 'Jan _2 15:04:05.000', STAMP_MICRO = 'Jan _2 15:04:05.000000',
  STAMP_NANO = 'Jan _2 15:04:05.000000000',
  SUNDAY = 0, MONDAY = 1, TUESDAY = 2, WEDNESDAY = 3, THURSDAY = 4, FRIDAY = 5, SATURDAY = 6,
  utc = UTC,
}
for i, m in ipairs(MONTHS) do time[m:upper()] = i end
-- The platform's localtz is the server's zone; wippy pins it to UTC so a workflow replayed
-- on another machine (or in CI) formats and computes calendar fields identically.
time.localtz = time.utc
function time.now()
  local v, err = W.call('time.now', {})
  if err then return nil, err end
  return new_time(v)
end
function time.sleep(d)
  local ns, err = to_ns(d)
  if ns == nil then return nil, err end
  -- As Go's time.Sleep and Temporal's workflow.Sleep: a zero or negative duration returns at
  -- once. It still yields a 0 ms timer (what the host always recorded for it), so the
  -- command matches histories written before.
  if ns < 0 then ns = 0 end
  local _, e = W.call('time.sleep', {ms_of(ns)})
  return nil, e
end
function time.after(d)
  local t, err = make_timer(d, false)
  if not t then return nil, err end
  return t.ch, nil
end
function time.timer(d) local t, e = make_timer(d, false) return t, e end
function time.ticker(d) local t, e = make_timer(d, true) return t, e end
function time.parse_duration(v)
  local ns, err = to_ns(v)
  if ns == nil then return nil, err end
  return duration(ns), nil
end
function time.unix(sec, nsec) return new_time((tointeger(sec) or floor(sec)) * S + (nsec or 0)) end
function time.date(y, mo, d, h, mi, s, ns, loc)
  if loc ~= nil and not Z.is(loc) then return nil, invalid('time.date: the 8th argument must be a Location') end
  if loc == UTC then loc = nil end
  return new_time(from_parts(y, mo, d, h or 0, mi or 0, s or 0, ns or 0, loc), loc)
end
function time.since(t) local n = time.now() return n:sub(t) end
function time.until_(t) local n = time.now() return t:sub(n) end
time['until'] = time.until_
function time.fixed_zone(name, offset) return Z.fixed(raw_tostring(name == nil and '' or name), offset or 0) end
time.load_location = Z.load
W.modules.time = time
