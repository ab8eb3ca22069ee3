-- `@wippy/os.lua`: the `os` global: time/date/clock/difftime only, UTC only. The clock is the
-- host's (`time.now`, recorded in workflows), so replay reads the same time.
local W = ...
local ssub = W.raw.sub
local os_date, os_time = W.raw.date, W.raw.time

local clock_start
os = {
  time = function(t)
    if t == nil then
      local v = W.call('time.now', {})
      return (v or 0) // 1000000000
    end
    return os_time(t) -- a table: pure (the VM runs with TZ unset, so this is UTC)
  end,
  date = function(fmt, t)
    fmt = fmt or '%c'
    if ssub(fmt, 1, 1) ~= '!' then fmt = '!' .. fmt end
    if t == nil then
      local v = W.call('time.now', {})
      t = (v or 0) // 1000000000
    end
    return os_date(fmt, t)
  end,
  clock = function()
    local v = W.call('time.now', {}) or 0
    clock_start = clock_start or v
    return (v - clock_start) / 1e9
  end,
  difftime = function(a, b) return a - (b or 0) end,
}
