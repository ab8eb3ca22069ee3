-- `@wippy/core.lua`: the prelude's private table `W`, the first chunk. It keeps the standard
-- functions as the VM opened them (`W.raw`), before the chunks after it wrap or remove them
-- (the sandbox removes `load` and `debug`, errors.lua wraps the string functions), and the
-- array/object marks the codec reads.
--
-- The chunk returns `W`; later chunks receive it as `...`. User code never sees `W`.
local W = {}
W.raw = {
  next = next, setmetatable = setmetatable, load = load,
  getinfo = debug.getinfo, traceback = debug.traceback, getmetatable = debug.getmetatable,
  find = string.find, sub = string.sub, format = string.format, match = string.match, gsub = string.gsub,
  date = os.date, time = os.time, randomseed = math.randomseed,
}
local raw_setmt, tpack = setmetatable, table.pack

W.array_mt = {}
W.object_mt = {}
local ARRAY_MT = W.array_mt
function W.array(t, n)
  t = t or {}
  return raw_setmt(t, ARRAY_MT)
end
function W.pack(...)
  local t = tpack(...)
  t.n = nil
  return raw_setmt(t, ARRAY_MT)
end

-- Copies for options and contexts (later chunks merge call options with them).
local function shallow(t)
  local c = {}
  if t then for k, v in next, t do c[k] = v end end
  return c
end
W.shallow = shallow
local function merge(a, b)
  local c = shallow(a)
  if b then for k, v in next, b do c[k] = v end end
  return c
end
W.merge = merge

return W
