-- `@wippy/pattern-guard.lua`: `string.find/match/gmatch/gsub` that the instruction budget
-- can always stop.
--
-- The native matcher runs in C, out of reach of the VM's count hook, so
-- `("a"):rep(1e6):find(".-b")` would hang the host. Each call here first bounds the
-- native matcher's worst case: (subject length + 1) to the power of the pattern's
-- variable-length items (`* + -` that can backtrack, `%b`, back-references), times the
-- start positions, times 2 per `?`, times the pattern length. Calls under the bound (all
-- short subjects with ordinary patterns, and any pattern on a few KB) keep the native
-- function; the rest run the pure-Lua port in `@wippy/patterns.lua`, which the budget
-- charges like any Lua code. A plain search (`plain` or no special characters) costs
-- memcmp work, (subject length + 1) times the needle length; over its bound it runs as
-- an escaped pattern in the port. User code sees only the four standard functions.
local W = ...
local raw_type, raw_tostring, raw_tonumber, math_type, math_tointeger = type, tostring, tonumber, math.type, math.tointeger
local sbyte = string.byte
-- core's wrappers (they accept error values) raise the natives' argument errors.
local cfind, cmatch, cgmatch, cgsub = string.find, string.match, string.gmatch, string.gsub
local native = W.native_patterns
local nfind, nmatch, ngmatch, ngsub = native.find, native.match, native.gmatch, native.gsub
local lua = W.lua_patterns
local is_error = W.is_error

-- Worst-case work the native matcher may do in one call (~0.5 s of wasm at the
-- measured ~100 M steps/s); memcmp work of a plain search is cheaper per step, hence its larger bound.
local MAX_STEPS = 5e7
local MAX_PLAIN_STEPS = 1e9
local SPECIALS = '[%^%$%*%+%?%.%(%[%%%-]'

-- Index just past a set starting at '[' (i); lenient: a malformed set ends the pattern.
local function skip_set(p, i, lp)
  i = i + 1
  if sbyte(p, i) == 94 then i = i + 1 end
  repeat
    if i > lp then return lp + 1 end
    local c = sbyte(p, i)
    i = i + 1
    if c == 37 then i = i + 1 end
  until sbyte(p, i) == 93
  return i + 1
end

-- True when only ')' follow position i: a quantifier there succeeds on its first try.
local function trailing(p, i, lp)
  while i <= lp do
    if sbyte(p, i) ~= 41 then return false end
    i = i + 1
  end
  return true
end

-- The exponent and factor of a pattern's worst case (start positions not included); a
-- negative factor marks a pattern without special characters.
local function analyse(p)
  local lp = #p
  if not cfind(p, SPECIALS) then return 0, -(lp + 1) end
  local i, k, q = 1, 0, 0
  if sbyte(p, 1) == 94 then i = 2 end
  while i <= lp do
    local c = sbyte(p, i)
    local item = true
    if c == 40 or c == 41 then
      i, item = i + 1, false
    elseif c == 37 then
      local d = sbyte(p, i + 1)
      if d == 98 then k, i, item = k + 1, i + 4, false
      elseif d == 102 then i, item = skip_set(p, i + 2, lp), false
      elseif d and d >= 48 and d <= 57 then k, i, item = k + 1, i + 2, false
      else i = i + 2 end
    elseif c == 91 then
      i = skip_set(p, i, lp)
    else
      i = i + 1
    end
    if item then
      local qc = sbyte(p, i)
      if qc == 42 or qc == 43 or qc == 45 then
        if not trailing(p, i + 1, lp) then k = k + 1 end
        i = i + 1
      elseif qc == 63 then
        q, i = q + 1, i + 1
      end
    end
  end
  return k, (2 ^ q) * (lp + 1)
end

-- A small memo of analyses: calls in loops reuse a handful of patterns. memo_e holds the
-- exponent with the start positions counted (a leading '^' anchors find/match/gsub).
local memo_e, memo_c, memo_n = {}, {}, 0
local function profile(p)
  local e, c = analyse(p)
  if sbyte(p, 1) ~= 94 then e = e + 1 end
  if #p <= 256 then
    if memo_n >= 512 then memo_e, memo_c, memo_n = {}, {}, 0 end
    memo_e[p], memo_c[p], memo_n = e, c, memo_n + 1
  end
  return e, c
end

-- luaL_optinteger's conversion; false when it would raise (the native call reports it).
local function opt_int(v)
  if v == nil or math_type(v) == 'integer' then return v end
  if raw_type(v) == 'string' then v = raw_tonumber(v) end
  if raw_type(v) ~= 'number' then return false end
  return math_tointeger(v) or false
end

-- Arguments other than two strings and an integer: converted as the native function
-- would, then guarded; or nil when they are wrong, and core's wrapper then raises the
-- native function's argument error before any matching.
local function convert(s, p, n)
  local ts, tp = raw_type(s), raw_type(p)
  if ts ~= 'string' then
    if is_error(s) then s = s._message
    elseif ts == 'number' then s = raw_tostring(s)
    else return nil end
  end
  if tp ~= 'string' then
    if tp == 'number' then p = raw_tostring(p) else return nil end
  end
  n = opt_int(n)
  if n == false then return nil end
  return s, p, n
end

-- The fast path of each function: three type tests, a memo lookup and one power.
local find, match, gmatch, gsub
find = function(s, p, init, plain)
  if raw_type(s) ~= 'string' or raw_type(p) ~= 'string' or (init ~= nil and math_type(init) ~= 'integer') then
    local s2, p2, i2 = convert(s, p, init)
    if s2 == nil then return cfind(s, p, init, plain) end
    return find(s2, p2, i2, plain)
  end
  local e = memo_e[p]
  local c
  if e then c = memo_c[p] else e, c = profile(p) end
  if plain or c < 0 then
    if (#s + 1) * #p <= MAX_PLAIN_STEPS then return nfind(s, p, init, true) end
    return lua.find(s, p, init, true)
  end
  if (#s + 1) ^ e * c <= MAX_STEPS then return nfind(s, p, init) end
  return lua.find(s, p, init)
end

match = function(s, p, init)
  if raw_type(s) ~= 'string' or raw_type(p) ~= 'string' or (init ~= nil and math_type(init) ~= 'integer') then
    local s2, p2, i2 = convert(s, p, init)
    if s2 == nil then return cmatch(s, p, init) end
    return match(s2, p2, i2)
  end
  local e = memo_e[p]
  local c
  if e then c = memo_c[p] else e, c = profile(p) end
  if c < 0 then c = -c end
  if (#s + 1) ^ e * c <= MAX_STEPS then return nmatch(s, p, init) end
  return lua.match(s, p, init)
end

gmatch = function(s, p, init)
  if raw_type(s) ~= 'string' or raw_type(p) ~= 'string' or (init ~= nil and math_type(init) ~= 'integer') then
    local s2, p2, i2 = convert(s, p, init)
    if s2 == nil then return cgmatch(s, p, init) end
    return gmatch(s2, p2, i2)
  end
  local e = memo_e[p]
  local c
  if e then c = memo_c[p] else e, c = profile(p) end
  if c < 0 then c = -c end
  -- gmatch takes a leading '^' literally: every position is a start.
  if sbyte(p, 1) == 94 then e = e + 1 end
  if (#s + 1) ^ e * c <= MAX_STEPS then return ngmatch(s, p, init) end
  return lua.gmatch(s, p, init)
end

local REPL = {string = true, number = true, table = true, ['function'] = true}
gsub = function(s, p, repl, max_n)
  if raw_type(s) ~= 'string' or raw_type(p) ~= 'string' or (max_n ~= nil and math_type(max_n) ~= 'integer') then
    local s2, p2, m2 = convert(s, p, max_n)
    if s2 == nil then return cgsub(s, p, repl, max_n) end
    return gsub(s2, p2, repl, m2)
  end
  if not REPL[raw_type(repl)] then return cgsub(s, p, repl, max_n) end
  local e = memo_e[p]
  local c
  if e then c = memo_c[p] else e, c = profile(p) end
  if c < 0 then c = -c end
  if (#s + 1) ^ e * c <= MAX_STEPS then return ngsub(s, p, repl, max_n) end
  return lua.gsub(s, p, repl, max_n)
end

string.find, string.match, string.gmatch, string.gsub = find, match, gmatch, gsub
