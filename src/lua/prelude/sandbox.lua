-- `@wippy/sandbox.lua`: what user code may reach of the standard library, made deterministic
-- and bounded (Temporal's global-overrides in Lua). Iteration order does not depend on the
-- VM's string hashes; nothing reaches the machine except through host commands; user code
-- never runs with the hook off (finalizers, xpcall handlers of limit errors).
local W = ...
local raw_next, raw_type, raw_error, raw_getmt, raw_setmt, raw_rawget = W.raw.next, type, error, getmetatable, W.raw.setmetatable, rawget
local tsort = table.sort
local sfind = W.raw.find

-- Deterministic iteration: Lua 5.4 seeds string hashes per state, so raw next() order
-- differs between VMs. Keys sort as numbers, then strings, then booleans; other key types
-- keep raw order (they have no stable order to sort by).
local RANK = {number = 1, string = 2, boolean = 3}
local function key_less(a, b)
  local ta, tb = raw_type(a), raw_type(b)
  local ra, rb = RANK[ta] or 4, RANK[tb] or 4
  if ra ~= rb then return ra < rb end
  if ra == 1 or ra == 2 then return a < b end
  if ra == 3 then return (not a) and b end
  return false
end
local function sorted_keys(t)
  local keys, n = {}, 0
  for k in raw_next, t do n = n + 1; keys[n] = k end
  tsort(keys, key_less)
  return keys, n
end
W.sorted_keys = sorted_keys
local next_cache = raw_setmt({}, {__mode = 'k'})
local function det_next(t, k)
  if raw_type(t) ~= 'table' then raw_error("bad argument #1 to 'next' (table expected, got " .. raw_type(t) .. ")", 2) end
  local c = next_cache[t]
  if k == nil or not c or not c.pos[k] then
    local keys, n = sorted_keys(t)
    local pos = {}
    for i = 1, n do pos[keys[i]] = i end
    c = {keys = keys, pos = pos}
    next_cache[t] = c
    if k ~= nil and not pos[k] then raw_error("invalid key to 'next'", 2) end
  end
  local i = k == nil and 0 or c.pos[k]
  while true do
    i = i + 1
    local key = c.keys[i]
    if key == nil then next_cache[t] = nil; return nil end
    local v = raw_rawget(t, key)
    if v ~= nil then return key, v end
  end
end
next = det_next
pairs = function(t)
  local mt = raw_getmt(t)
  if raw_type(mt) == 'table' and mt.__pairs then
    local f, s, c = mt.__pairs(t)
    return f, s, c
  end
  if raw_type(t) ~= 'table' then raw_error("bad argument #1 to 'pairs' (table expected, got " .. raw_type(t) .. ")", 2) end
  local keys = sorted_keys(t)
  local i = 0
  return function()
    while true do
      i = i + 1
      local k = keys[i]
      if k == nil then return nil end
      local v = raw_rawget(t, k)
      if v ~= nil then return k, v end
    end
  end, t, nil
end

local dbg_getmt = W.raw.getmetatable
-- The sandbox: nothing reaches the machine except through host commands.
io, debug, package, dofile, loadfile, load, loadstring, collectgarbage, warn = nil
string.dump = nil
raw_getmt('').__metatable = 'locked'
math.randomseed = nil

-- Code the VM runs with its hook off is not charged to the instruction budget, so user code
-- must never run there. Finalizers run inside the garbage collector, hook off: objects are
-- never marked for finalization (a metatable's __gc is hidden while it is set), as on the
-- platform's VM. And an error raised by a limit calls xpcall's handler from inside the hook:
-- the limit's own error skips the user's handler, which could otherwise loop forever.
local raw_rawset, raw_xpcall = rawset, xpcall
setmetatable = function(t, mt)
  -- The checks of the native function, made here so its errors name setmetatable and the caller's line.
  if raw_type(t) ~= 'table' then raw_error("bad argument #1 to 'setmetatable' (table expected, got " .. raw_type(t) .. ')', 2) end
  if mt ~= nil and raw_type(mt) ~= 'table' then raw_error("bad argument #2 to 'setmetatable' (nil or table expected)", 2) end
  local current = dbg_getmt(t)
  if current ~= nil and raw_rawget(current, '__metatable') ~= nil then raw_error('cannot change a protected metatable', 2) end
  local gc = nil
  if mt ~= nil then gc = raw_rawget(mt, '__gc') end
  if gc == nil then return (raw_setmt(t, mt)) end
  raw_rawset(mt, '__gc', nil)
  raw_setmt(t, mt)
  raw_rawset(mt, '__gc', gc)
  return t
end
local function is_limit_error(e)
  return raw_type(e) == 'string' and (sfind(e, '^instruction budget of %d+ exceeded') ~= nil or sfind(e, '^memory limit of %d+ bytes exceeded') ~= nil)
end
xpcall = function(f, handler, ...)
  if raw_type(handler) ~= 'function' then return raw_xpcall(f, handler, ...) end
  return raw_xpcall(f, function(e)
    if is_limit_error(e) then return e end
    return handler(e)
  end, ...)
end
