-- `@wippy/time-parse.lua`: `time.parse(layout, value [, loc])` with Go's zone rules:
-- `Z` is UTC; a numeric offset uses `loc` when `loc` has that offset then, else a nameless
-- fixed zone; an abbreviation uses `loc` when it names one of its periods, else a fixed
-- zone of that name (offset 0, or N hours for GMT+N); no zone means the wall clock in `loc`.
local W = ...
local raw_type = type
local sformat, tointeger = string.format, math.tointeger
local invalid = W.invalid
local K, Z = W.time_kit, W.zone
local next_token, from_parts, new_time, MONTHS = K.next_token, K.from_parts, K.new_time, K.MONTHS
local S = 1000000000

-- A period of loc named abbr, preferring one in effect at that wall clock (Go's lookupName).
local function offset_named(loc, abbr, wall_s)
  if loc.kind == 'utc' then return abbr == 'UTC' and 0 or nil end
  if loc.kind == 'fixed' then return loc.abbr == abbr and loc.off or nil end
  local first
  for i, a in ipairs(loc.abbr) do
    if a == abbr then
      local off = loc.off[i]
      if Z.offset(loc, wall_s - off) == off then return off end
      first = first or off
    end
  end
  return first
end

local function resolve_zone(wall, p, loc)
  local base = loc or Z.UTC
  if p.z then return new_time(wall, nil) end
  if p.off ~= nil then
    local t = wall - p.off * S
    local o, a = Z.offset(base, t // S)
    if o == p.off and (p.name == nil or p.name == a) then return new_time(t, loc) end
    return new_time(t, Z.fixed(p.name or '', p.off))
  end
  if p.name ~= nil then
    local off = offset_named(base, p.name, wall // S)
    if off ~= nil then return new_time(wall - off * S, loc) end
    off = 0
    local gmt = p.name:match('^GMT([+-]%d+)$')
    if gmt then off = tonumber(gmt) * 3600 end
    return new_time(wall - off * S, Z.fixed(p.name, off))
  end
  if loc == nil then return new_time(wall, nil) end
  return new_time(from_parts(p.year, p.month, p.day, p.hour, p.min, p.sec, p.nsec, loc), loc)
end

local MONTH_NUM = {}
for i, m in ipairs(MONTHS) do MONTH_NUM[m] = i; MONTH_NUM[m:sub(1, 3)] = i end
local function parse(layout, value, loc)
  if raw_type(layout) ~= 'string' or raw_type(value) ~= 'string' then return nil, invalid('time.parse expects a layout and a string') end
  if loc ~= nil and not Z.is(loc) then return nil, invalid('time.parse: the 3rd argument must be a Location') end
  local p = {year = 1, month = 1, day = 1, hour = 0, min = 0, sec = 0, nsec = 0}
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
        -- letters (EST), GMT+3, or tzdata's numeric names (+03, -0330)
        v = value:match('^GMT[+-]%d%d?', j) or value:match('^%u%u%u?%u?%u?', j) or value:match('^[+-]%d%d%d?%d?', j)
        if not v then return fail() end
        p.name = v; j = j + #v
      elseif tok == 'PM' or tok == 'pm' then
        v = value:sub(j, j + 1):upper(); pm = v == 'PM'; j = j + 2
      elseif tok:sub(1, 1) == 'Z' or tok:sub(1, 1) == '-' then
        if tok:sub(1, 1) == 'Z' and value:sub(j, j) == 'Z' then j = j + 1; p.z = true
        else
          local sg, hh, mm, nxt = value:match('^([+-])(%d%d):?(%d?%d?)()', j)
          if not sg then return fail() end
          local ss, nxt2 = value:match('^:?(%d%d)()', nxt)
          if ss and tok:match('07:?00:?00$') then nxt = nxt2 else ss = nil end
          p.off = (tonumber(hh) * 3600 + (tonumber(mm) or 0) * 60 + (tonumber(ss) or 0)) * (sg == '-' and -1 or 1)
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
  local wall = from_parts(p.year, p.month, p.day, p.hour, p.min, p.sec, p.nsec)
  return resolve_zone(wall, p, loc), nil
end


W.modules.time.parse = parse
W.modules.time.parse_in_location = function(layout, value, loc) return parse(layout, value, loc) end
