-- `@wippy/range-guard.lua`: the standard library functions whose work in C is set by a range
-- the caller picks, made stoppable by the VM's limits.
--
-- The count hook runs between Lua instructions, never inside one C call, so
-- `table.move({}, 1, 1e9, 1)` (one call, 10^9 element copies, 38 s) escaped both the
-- instruction budget and the wall-time limit (reliability-review finding 6). Here:
-- - `table.move` over more than a few thousand elements runs as a Lua loop: the budget
--   charges every element, and the hook checks the clock as it goes.
-- - `table.insert` / `table.remove` shift the elements above the position; the count comes
--   from `#t`, which a `__len` metamethod can make as large as it likes: then the same.
-- - `string.rep("", n)` loops n times copying nothing (its size check sees 0 bytes); it is
--   answered at once. Any other `rep` allocates its whole result first, so the memory cap
--   refuses a huge one before any work.
-- Short ranges, and calls with arguments the natives refuse, keep the native functions
-- (and their error messages). Other library calls are bounded by their input, which the
-- memory cap bounds: `table.concat`/`unpack` fail on the first missing element or at the
-- stack limit, and the pattern functions have their own guard.
local W = ...
local raw_type, raw_getmt, math_tointeger, raw_select = type, getmetatable, math.tointeger, select
local MAXINT = math.maxinteger
-- Up to this many elements a native call takes well under a millisecond.
local SMALL = 4096
-- The locals keep the natives' names, so their argument errors still say 'move', 'insert', ...
local move, insert, remove, rep = table.move, table.insert, table.remove, string.rep

table.move = function(a1, f, e, t, a2)
  local fi, ei, ti = math_tointeger(f), math_tointeger(e), math_tointeger(t)
  -- Short or empty ranges, and arguments the native refuses before it loops, go native.
  if fi == nil or ei == nil or ti == nil or ei < fi or ei - fi < SMALL
    or not (fi > 0 or ei < MAXINT + fi) or ti > MAXINT - (ei - fi) then
    local r = move(a1, f, e, t, a2)
    return r
  end
  local dst = a2
  if dst == nil then dst = a1 end
  move(a1, 1, 0, 1, dst) -- checks both tables as the native does, moves nothing
  local n = ei - fi
  if ti > ei or ti <= fi or dst ~= a1 then
    for i = 0, n do dst[ti + i] = a1[fi + i] end
  else
    for i = n, 0, -1 do dst[ti + i] = a1[fi + i] end
  end
  return dst
end

table.insert = function(t, ...)
  local nargs = raw_select('#', ...)
  if nargs ~= 2 or raw_type(t) ~= 'table' or raw_getmt(t) == nil then
    local r = insert(t, ...)
    return r
  end
  local pos, v = ...
  local e = #t + 1
  local p = math_tointeger(pos)
  if p == nil or p < 1 or p > e or e - p < SMALL then
    insert(t, pos, v)
    return
  end
  for i = e, p + 1, -1 do t[i] = t[i - 1] end
  t[p] = v
end

table.remove = function(t, ...)
  if raw_type(t) ~= 'table' or raw_getmt(t) == nil then
    local r = remove(t, ...)
    return r
  end
  local size = #t
  local pos = ...
  local p = math_tointeger(pos == nil and size or pos)
  if p == nil or p == size or p < 1 or p > size + 1 or size - p < SMALL then
    local r = remove(t, ...)
    return r
  end
  local value = t[p]
  for i = p, size - 1 do t[i] = t[i + 1] end
  t[size] = nil
  return value
end

string.rep = function(s, n, sep)
  if s == '' and (sep == nil or sep == '') and math_tointeger(n) ~= nil then return '' end
  local r = rep(s, n, sep)
  return r
end
