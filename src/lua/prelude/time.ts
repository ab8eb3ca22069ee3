/**
 * `@wippy/time.lua`: Time and Duration objects (UTC only), Go-style durations and layouts,
 * and the host-backed calls `now`, `sleep`, `after`, `timer`, `ticker`.
 * Numbers are nanoseconds; commands carry milliseconds (`durationMs`).
 */
export const TIME_LUA = String.raw`
local W = ...
local raw_setmt, raw_getmt, raw_type, raw_tostring = setmetatable, getmetatable, type, tostring
local mtype, floor, tointeger = math.type, math.floor, math.tointeger
local sformat, concat = string.format, table.concat
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
local function new_time(ns) return raw_setmt({ns = ns}, TimeMT) end
W.new_time = new_time
-- Locations print as their name; the sandbox knows UTC only (and fixed zones by name).
local LocationMT = {__name = 'location'}
LocationMT.__index = {string = function(self) return self.name end}
LocationMT.__tostring = function(self) return self.name end
local function location(name) return raw_setmt({name = name}, LocationMT) end
local UTC = location('UTC')
-- Platform times and locations are userdata: type() says so (see @wippy/userdata.lua).
W.userdata_mts = W.userdata_mts or {}
W.userdata_mts[TimeMT], W.userdata_mts[LocationMT] = true, true

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
  local pos = 1
  while pos <= #s do
    local num, unit, nxt = s:match('^([%d%.]+)([a-zµ]+)()', pos)
    if not num then return nil end
    local mult = UNITS[unit]
    local n = tonumber(num)
    if not mult or not n then return nil end
    total = total + n * mult
    pos = nxt
  end
  return sign * (tointeger(floor(total + 0.5)) or floor(total))
end

--- Coerces number (ns) | Go duration string | Duration to integer nanoseconds.
local function to_ns(v)
  if raw_type(v) == 'number' then return tointeger(floor(v)) or floor(v) end
  if raw_type(v) == 'string' then
    local ns = parse_go_duration(v)
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
  local secs = t.ns // S
  local days = secs // 86400
  local rem = secs % 86400
  local y, m, d = civil_from_days(days)
  return {year = y, month = m, day = d, hour = rem // 3600, min = (rem % 3600) // 60, sec = rem % 60,
    nsec = t.ns % S, wday = (days + 4) % 7, yday = days - days_from_civil(y, 1, 1) + 1}
end
local function from_parts(y, mo, d, h, mi, s, ns)
  return ((days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + s) * S) + (ns or 0)
end

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
    elseif tok == 'MST' then v = 'UTC'
    elseif tok:sub(1, 1) == 'Z' then v = 'Z'
    elseif tok:sub(1, 1) == '-' then v = ({['-07:00:00'] = '+00:00:00', ['-07:00'] = '+00:00', ['-0700'] = '+0000', ['-07'] = '+00'})[tok]
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
  return new_time(self.ns + ns)
end
function Time:sub(other)
  if raw_getmt(other) ~= TimeMT then return nil, invalid('time:sub expects a Time') end
  return duration(self.ns - other.ns)
end
function Time:add_date(years, months, days)
  local p = parts(self)
  local m0 = p.month - 1 + (months or 0)
  local y = p.year + (years or 0) + m0 // 12
  local m = m0 % 12 + 1
  local base = from_parts(y, m, 1, p.hour, p.min, p.sec, p.nsec)
  return new_time(base + ((p.day - 1) + (days or 0)) * 86400 * S)
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
function Time:utc() return self end
function Time:in_local() return self end
function Time:in_location() return self end
function Time:location() return UTC end
function Time:truncate(d)
  local ns = to_ns(d)
  if not ns or ns <= 0 then return self end
  return new_time(self.ns - self.ns % ns)
end
function Time:round(d)
  local ns = to_ns(d)
  if not ns or ns <= 0 then return self end
  local r = self.ns % ns
  if r + r < ns then return new_time(self.ns - r) end
  return new_time(self.ns + ns - r)
end
TimeMT.__eq = function(a, b) return a.ns == b.ns end
TimeMT.__lt = function(a, b) return a.ns < b.ns end
TimeMT.__le = function(a, b) return a.ns <= b.ns end
W.ZERO_NS = from_parts(1, 1, 1, 0, 0, 0, 0)

local MONTH_NUM = {}
for i, m in ipairs(MONTHS) do MONTH_NUM[m] = i; MONTH_NUM[m:sub(1, 3)] = i end
local function parse(layout, value)
  if raw_type(layout) ~= 'string' or raw_type(value) ~= 'string' then return nil, invalid('time.parse expects a layout and a string') end
  local p = {year = 1, month = 1, day = 1, hour = 0, min = 0, sec = 0, nsec = 0, off = 0}
  local pm
  local i, j = 1, 1
  local function fail() return nil, invalid('cannot parse ' .. sformat('%q', value) .. ' as ' .. sformat('%q', layout)) end
  while i <= #layout do
    local tok, len = next_token(layout, i)
    if tok == nil then
      if value:sub(j, j) ~= layout:sub(i, i) then return fail() end
      j = j + 1
    else
      local v, n
      if tok == 'January' or tok == 'Jan' then
        v = value:match('^%a+', j)
        if not v or not MONTH_NUM[v] then return fail() end
        p.month = MONTH_NUM[v]; j = j + #v
      elseif tok == 'Monday' or tok == 'Mon' then
        v = value:match('^%a+', j); if not v then return fail() end; j = j + #v
      elseif tok == 'MST' then
        v = value:match('^%u+', j); if not v then return fail() end; j = j + #v
      elseif tok == 'PM' or tok == 'pm' then
        v = value:sub(j, j + 1):upper(); pm = v == 'PM'; j = j + 2
      elseif tok:sub(1, 1) == 'Z' or tok:sub(1, 1) == '-' then
        if tok:sub(1, 1) == 'Z' and value:sub(j, j) == 'Z' then j = j + 1
        else
          local sg, hh, mm, nxt = value:match('^([+-])(%d%d):?(%d?%d?)()', j)
          if not sg then return fail() end
          p.off = (tonumber(hh) * 3600 + (tonumber(mm) or 0) * 60) * (sg == '-' and -1 or 1)
          j = nxt
        end
      elseif tok:match('^[.,]') then
        v = value:match('^[.,](%d+)', j)
        if v then p.nsec = tointeger(tonumber((v .. '000000000'):sub(1, 9))); j = j + #v + 1 end
      else
        local fixed = ({['2006'] = 4, ['06'] = 2, ['01'] = 2, ['02'] = 2, ['15'] = 2, ['03'] = 2, ['04'] = 2, ['05'] = 2, ['002'] = 3})[tok]
        if tok == '_2' and value:sub(j, j) == ' ' then j = j + 1 end
        if fixed then v = value:sub(j, j + fixed - 1); if not v:match('^%d+$') or #v ~= fixed then return fail() end
        else v = value:match('^%d%d?', j); if not v then return fail() end end
        j = j + #v
        n = tonumber(v)
        if tok == '2006' then p.year = n elseif tok == '06' then p.year = n >= 69 and 1900 + n or 2000 + n
        elseif tok == '01' or tok == '1' then p.month = n
        elseif tok == '02' or tok == '2' or tok == '_2' then p.day = n
        elseif tok == '15' or tok == '03' or tok == '3' then p.hour = n
        elseif tok == '04' or tok == '4' then p.min = n
        elseif tok == '05' or tok == '5' then p.sec = n end
        -- fractional seconds after seconds even when the layout has none
        if (tok == '05' or tok == '5') and not layout:match('^[.,]', i + len) then
          local f = value:match('^[.,](%d+)', j)
          if f then p.nsec = tointeger(tonumber((f .. '000000000'):sub(1, 9))); j = j + #f + 1 end
        end
      end
    end
    i = i + len
  end
  if j <= #value then return fail() end
  if pm ~= nil then
    if pm and p.hour < 12 then p.hour = p.hour + 12 elseif not pm and p.hour == 12 then p.hour = 0 end
  end
  if p.month < 1 or p.month > 12 or p.day < 1 or p.day > 31 or p.hour > 23 or p.min > 59 or p.sec > 59 then return fail() end
  return new_time(from_parts(p.year, p.month, p.day, p.hour, p.min, p.sec, p.nsec) - p.off * S), nil
end

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
time.localtz = time.utc
function time.now()
  local v, err = W.call('time.now', {})
  if err then return nil, err end
  return new_time(v)
end
function time.sleep(d)
  local ns, err = to_ns(d)
  if ns == nil then return nil, err end
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
time.parse = parse
function time.unix(sec, nsec) return new_time((tointeger(sec) or floor(sec)) * S + (nsec or 0)) end
function time.date(y, mo, d, h, mi, s, ns) return new_time(from_parts(y, mo, d, h or 0, mi or 0, s or 0, ns or 0)) end
function time.since(t) local n = time.now() return n:sub(t) end
function time.until_(t) local n = time.now() return t:sub(n) end
time['until'] = time.until_
function time.fixed_zone(name) return location(raw_tostring(name)) end
function time.load_location(name)
  if raw_type(name) ~= 'string' or name == '' then return nil, W.invalid('time.load_location needs a time zone name') end
  if name == 'UTC' or name == 'Local' then return time.utc, nil end
  return nil, W.new_error({message = 'time zone ' .. raw_tostring(name) .. ' is not supported (the sandbox is UTC-only)', kind = 'NotFound', retryable = false})
end
W.modules.time = time
`
