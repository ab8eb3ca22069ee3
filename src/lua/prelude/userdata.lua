-- `@wippy/userdata.lua`, loaded last: `type()` reports `userdata` for the sandbox objects
-- that are userdata on the platform (errors, times, locations), so code that checks
-- `type(t) == "userdata"` behaves the same. The prelude chunks captured the raw `type`
-- before this runs, so their own checks still see tables.
local W = ...
local raw_type, raw_getmt = type, getmetatable
local mts = W.userdata_mts or {}
type = function(...)
  if select('#', ...) == 0 then error("bad argument #1 to 'type' (value expected)", 2) end
  local v = ...
  local t = raw_type(v)
  if t == 'table' and mts[raw_getmt(v)] then return 'userdata' end
  return t
end
