-- `@wippy/time-zones.lua`: Location objects for `time` (UTC, fixed offsets, IANA zones).
-- An IANA zone arrives from the host once per `time.load_location` as a transition table
-- (see src/time/zones.ts); offsets are then looked up here without yielding, so
-- `t:format` works inside `tostring` too. Loaded before `@wippy/time.lua`, which uses W.zone.
local W = ...
local raw_setmt, raw_getmt, raw_type, raw_tostring = setmetatable, getmetatable, type, tostring
local floor, tointeger = math.floor, math.tointeger

-- kind: 'utc' | 'fixed' (off, abbr) | 'zone' (at, off, abbr, until: a transition table).
local LocationMT = {__name = 'location'}
LocationMT.__index = {string = function(self) return self.name end}
LocationMT.__tostring = function(self) return self.name end
W.userdata_mts = W.userdata_mts or {}
W.userdata_mts[LocationMT] = true
local function new_location(fields) return raw_setmt(fields, LocationMT) end
local UTC = new_location({name = 'UTC', kind = 'utc'})
-- 28 Gregorian years (same weekdays, exact 1901-2099): instants past a table's end reuse
-- its last cycle, like Go's extended tzdata rule does for recurring DST.
local CYCLE = 10227 * 86400

local zone = {UTC = UTC, LocationMT = LocationMT}
W.zone = zone

--- The UTC offset (seconds) and abbreviation of loc at unix second s.
function zone.offset(loc, s)
  if loc == nil or loc.kind == 'utc' then return 0, 'UTC' end
  if loc.kind == 'fixed' then return loc.off, loc.abbr end
  local until_ = loc['until']
  if s >= until_ then s = s - ((s - until_) // CYCLE + 1) * CYCLE end
  local at = loc.at
  local lo, hi = 1, #at
  while lo < hi do
    local mid = (lo + hi + 1) // 2
    if at[mid] <= s then lo = mid else hi = mid - 1 end
  end
  return loc.off[lo], loc.abbr[lo]
end
local offset = zone.offset

--- The unix second whose wall clock in loc reads wall (seconds as if UTC). Go's rule:
--- in a gap or an overlap, the offset in effect just before the change wins.
function zone.from_wall(loc, wall)
  local o = offset(loc, wall)
  if o == 0 then return wall end
  local utc = wall - o
  local o2 = offset(loc, utc)
  if o2 ~= o then utc = wall - o2 end
  return utc
end

--- A zone with a constant offset (Go's FixedZone): name printed by MST and location().
function zone.fixed(name, off)
  local o = tointeger(off) or floor(tonumber(off) or 0)
  if o == 0 and name == 'UTC' then return UTC end
  return new_location({name = name, kind = 'fixed', off = o, abbr = name})
end

function zone.is(v) return raw_getmt(v) == LocationMT end

--- Loads an IANA zone by name (the host reads ICU data once per zone and process).
function zone.load(name)
  if raw_type(name) ~= 'string' or name == '' then return nil, W.invalid('time.load_location needs a time zone name') end
  if name == 'UTC' then return UTC, nil end
  if name == 'Local' then return W.modules.time and W.modules.time.localtz or UTC, nil end
  local t, err = W.call('time.zone', {name})
  if err then return nil, err end
  if raw_type(t) ~= 'table' then
    return nil, W.new_error({message = 'unknown time zone ' .. raw_tostring(name), kind = 'NotFound', retryable = false})
  end
  return new_location({name = name, kind = 'zone', at = t.at, off = t.off, abbr = t.abbr, ['until'] = t['until']}), nil
end
