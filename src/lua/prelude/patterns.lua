-- `@wippy/patterns.lua`: Lua 5.4's pattern matcher (lstrlib.c) ported to Lua, as
-- `W.lua_patterns = {find, match, gmatch, gsub}`.
--
-- Why: the native matcher runs in C, where the VM's instruction hook cannot stop it, so a
-- backtracking pattern on a long subject would hang the host. This port runs as ordinary
-- Lua, charged to the instruction budget; `@wippy/pattern-guard.lua` routes the calls whose
-- worst case is large here. It follows lstrlib.c step by step (same results, same error
-- messages, same 200-level "pattern too complex" depth and 32-capture limit) so the
-- routing is invisible to user code. Arguments arrive already checked and converted.
local W = ...
local raw_type, raw_error, raw_tostring, raw_pcall = type, error, tostring, pcall
local sbyte, ssub, sfind, sgsub, tconcat, tunpack = string.byte, string.sub, string.find, string.gsub, table.concat, table.unpack

local MAXCCALLS, MAXCAPTURES = 200, 32
local CAP_UNFINISHED, CAP_POSITION = -1, -2
-- Errors of the matcher travel as this table so the entry point can re-raise them at the
-- user's call site, as luaL_error does.
local ERR = {}
local function fail(msg) raw_error({[ERR] = msg}) end

-- ctype classes in the C locale as byte -> true sets (upper-case letters complement), the
-- sets of '.' and of single bytes: built on the first routed call, not in every VM.
local CLASS, ANY, LITERAL
local function build_sets()
  CLASS, ANY, LITERAL = {}, {}, {}
  local function upper(c) return c >= 65 and c <= 90 end
  local function lower(c) return c >= 97 and c <= 122 end
  local function digit(c) return c >= 48 and c <= 57 end
  local function alpha(c) return upper(c) or lower(c) end
  local function graph(c) return c >= 33 and c <= 126 end
  local preds = {
    a = alpha, d = digit, l = lower, u = upper, g = graph, z = function(c) return c == 0 end,
    c = function(c) return c < 32 or c == 127 end,
    p = function(c) return graph(c) and not alpha(c) and not digit(c) end,
    s = function(c) return c == 32 or (c >= 9 and c <= 13) end,
    w = function(c) return alpha(c) or digit(c) end,
    x = function(c) return digit(c) or (c >= 65 and c <= 70) or (c >= 97 and c <= 102) end,
  }
  for name, pred in next, preds do
    local yes, no = {}, {}
    for c = 0, 255 do if pred(c) then yes[c] = true else no[c] = true end end
    CLASS[sbyte(name)], CLASS[sbyte(name) - 32] = yes, no
  end
  for c = 0, 255 do ANY[c] = true; LITERAL[c] = {[c] = true} end
end

-- p is at '[', ec at its closing ']'.
local function match_bracket(c, P, p, ec)
  local sig = true
  if P[p + 1] == 94 then sig = false; p = p + 1 end
  p = p + 1
  while p < ec do
    local pc = P[p]
    if pc == 37 then
      p = p + 1
      local cl = P[p]
      local set = CLASS[cl]
      if set then
        if set[c] then return sig end
      elseif cl == c then
        return sig
      end
    elseif P[p + 1] == 45 and p + 2 < ec then
      p = p + 2
      if P[p - 2] <= c and c <= P[p] then return sig end
    elseif pc == c then
      return sig
    end
    p = p + 1
  end
  return not sig
end

-- Where the single-character class at p ends (memoised for sets once valid).
local function class_end(ms, p)
  local P, pend = ms.P, ms.pend
  local c = P[p]
  local ep = p + 1
  if c == 37 then
    if ep == pend then fail("malformed pattern (ends with '%')") end
    return ep + 1
  elseif c == 91 then
    local known = ms.E[p]
    if known then return known end
    if P[ep] == 94 then ep = ep + 1 end
    repeat
      if ep == pend then fail("malformed pattern (missing ']')") end
      local cc = P[ep]
      ep = ep + 1
      if cc == 37 and ep < pend then ep = ep + 1 end
    until P[ep] == 93
    ms.E[p] = ep + 1
    return ep + 1
  end
  return ep
end

-- The class at p as a byte -> true set (a '[...]' one is built once per call): single_match
-- of lstrlib.c becomes item(ms, p, ep)[byte], and a byte past the end (nil) matches nothing.
local function item(ms, p, ep)
  local P = ms.P
  local pc = P[p]
  if pc == 91 then
    local m = ms.M[p]
    if not m then
      m = {}
      for c = 0, 255 do if match_bracket(c, P, p, ep - 1) then m[c] = true end end
      ms.M[p] = m
    end
    return m
  elseif pc == 46 then return ANY
  elseif pc == 37 then return CLASS[P[p + 1]] or LITERAL[P[p + 1]]
  end
  return LITERAL[pc]
end

local function match_balance(ms, s, p)
  if p >= ms.pend - 1 then fail("malformed pattern (missing arguments to '%b')") end
  local src, n = ms.src, ms.n
  local b, e = ms.P[p], ms.P[p + 1]
  if s > n or sbyte(src, s) ~= b then return nil end
  local cont = 1
  s = s + 1
  while s <= n do
    local c = sbyte(src, s)
    if c == e then
      cont = cont - 1
      if cont == 0 then return s + 1 end
    elseif c == b then
      cont = cont + 1
    end
    s = s + 1
  end
  return nil
end

local match -- the recursive matcher, below

local function max_expand(ms, s, p, ep)
  local m, src, i = item(ms, p, ep), ms.src, 0
  while m[sbyte(src, s + i)] do i = i + 1 end
  while i >= 0 do
    local res = match(ms, s + i, ep + 1)
    if res then return res end
    i = i - 1
  end
  return nil
end

local function min_expand(ms, s, p, ep)
  local m, src = item(ms, p, ep), ms.src
  while true do
    local res = match(ms, s, ep + 1)
    if res then return res end
    if not m[sbyte(src, s)] then return nil end
    s = s + 1
  end
end

local function start_capture(ms, s, p, what)
  local level = ms.level
  if level >= MAXCAPTURES then fail('too many captures') end
  ms.cinit[level + 1], ms.clen[level + 1] = s, what
  ms.level = level + 1
  local res = match(ms, s, p)
  if res == nil then ms.level = ms.level - 1 end
  return res
end

local function end_capture(ms, s, p)
  local l = ms.level
  while l >= 1 and ms.clen[l] ~= CAP_UNFINISHED do l = l - 1 end
  if l < 1 then fail('invalid pattern capture') end
  ms.clen[l] = s - ms.cinit[l]
  local res = match(ms, s, p)
  if res == nil then ms.clen[l] = CAP_UNFINISHED end
  return res
end

-- Back-reference %1-%9 (c is the digit's byte). Compared in slices so that no single
-- native call does more than a bounded amount of work per charged instruction.
local function match_capture(ms, s, c)
  local l = c - 48
  if l < 1 or l > ms.level or ms.clen[l] == CAP_UNFINISHED then fail('invalid capture index %' .. l) end
  local len, init, src = ms.clen[l], ms.cinit[l], ms.src
  if len < 0 or ms.n + 1 - s < len then return nil end
  for off = 0, len - 1, 4096 do
    local last = off + 4095
    if last >= len then last = len - 1 end
    if ssub(src, init + off, init + last) ~= ssub(src, s + off, s + last) then return nil end
  end
  return s + len
end

match = function(ms, s, p)
  local depth = ms.depth
  if depth == 0 then fail('pattern too complex') end
  ms.depth = depth - 1
  local P, pend = ms.P, ms.pend
  while p ~= pend do
    local pc = P[p]
    if pc == 40 then -- '(': start capture, a position capture when '()'
      if P[p + 1] == 41 then s = start_capture(ms, s, p + 2, CAP_POSITION)
      else s = start_capture(ms, s, p + 1, CAP_UNFINISHED) end
      break
    elseif pc == 41 then -- ')'
      s = end_capture(ms, s, p + 1)
      break
    elseif pc == 36 and p + 1 == pend then -- '$' as the last character
      if s ~= ms.n + 1 then s = nil end
      break
    elseif pc == 37 and P[p + 1] == 98 then -- '%b'
      s = match_balance(ms, s, p + 2)
      if s == nil then break end
      p = p + 4
    elseif pc == 37 and P[p + 1] == 102 then -- '%f'
      p = p + 2
      if P[p] ~= 91 then fail("missing '[' after '%f' in pattern") end
      local ep = class_end(ms, p)
      local prev = s == 1 and 0 or sbyte(ms.src, s - 1)
      local cur = s <= ms.n and sbyte(ms.src, s) or 0
      if match_bracket(prev, P, p, ep - 1) or not match_bracket(cur, P, p, ep - 1) then s = nil; break end
      p = ep
    elseif pc == 37 and P[p + 1] >= 48 and P[p + 1] <= 57 then -- '%0'-'%9'
      s = match_capture(ms, s, P[p + 1])
      if s == nil then break end
      p = p + 2
    else -- a single-character class with an optional quantifier
      local ep = class_end(ms, p)
      local q = P[ep]
      if not item(ms, p, ep)[sbyte(ms.src, s)] then
        if q == 42 or q == 63 or q == 45 then p = ep + 1
        else s = nil; break end
      elseif q == 63 then -- '?'
        local res = match(ms, s + 1, ep + 1)
        if res then s = res; break end
        p = ep + 1
      elseif q == 43 then s = max_expand(ms, s + 1, p, ep); break -- '+'
      elseif q == 42 then s = max_expand(ms, s, p, ep); break -- '*'
      elseif q == 45 then s = min_expand(ms, s, p, ep); break -- '-'
      else s = s + 1; p = ep end
    end
  end
  ms.depth = ms.depth + 1
  return s
end

local function new_state(src, pat)
  if not CLASS then build_sets() end
  local lp = #pat
  local P = {}
  for i = 1, lp, 4096 do -- in slices: string.byte returns its bytes on the C stack
    local j = i + 4095
    if j > lp then j = lp end
    local bytes = {sbyte(pat, i, j)}
    for k = 1, j - i + 1 do P[i + k - 1] = bytes[k] end
  end
  P[lp + 1] = 0 -- C reads the terminating NUL in a few places
  return {src = src, n = #src, P = P, pend = lp + 1, depth = MAXCCALLS, level = 0, cinit = {}, clen = {}, E = {}, M = {}}
end

-- Capture i (1-based); the whole match [s, e) when there are none and i == 1.
local function get_capture(ms, i, s, e)
  if i > ms.level then
    if i ~= 1 then fail('invalid capture index %' .. i) end
    return ssub(ms.src, s, e - 1)
  end
  local l, init = ms.clen[i], ms.cinit[i]
  if l == CAP_UNFINISHED then fail('unfinished capture') end
  if l == CAP_POSITION then return init end
  return ssub(ms.src, init, init + l - 1)
end

local function captures(ms, s, e, whole)
  local nl = (ms.level == 0 and whole) and 1 or ms.level
  local t = {}
  for i = 1, nl do t[i] = get_capture(ms, i, s, e) end
  return t, nl
end

-- posrelatI of lstrlib.c: a 1-based start from a possibly negative init.
local function start_of(init, len)
  if init == nil or init > 0 then return init or 1 end
  return (init == 0 or init < -len) and 1 or len + init + 1
end

local function find_aux(find, s, p, init)
  local n, s1, anchor = #s, start_of(init, #s), sbyte(p, 1) == 94
  if s1 > n + 1 then return nil end
  local ms, pstart = new_state(s, p), anchor and 2 or 1
  repeat
    ms.level = 0
    local e = match(ms, s1, pstart)
    if e then
      local t, nl = captures(ms, s1, e, not find)
      if find then return s1, e - 1, tunpack(t, 1, nl) end
      return tunpack(t, 1, nl)
    end
    s1 = s1 + 1
  until s1 > n + 1 or anchor
  return nil
end

local function gmatch(s, p, init)
  local n = #s
  local src = start_of(init, n)
  if src > n + 1 then src = n + 2 end
  local ms = new_state(s, p)
  local lastmatch = nil
  return function()
    while src <= n + 1 do
      ms.level = 0
      local e = match(ms, src, 1)
      if e and e ~= lastmatch then
        local start = src
        src, lastmatch = e, e
        local t, nl = captures(ms, start, e, true)
        return tunpack(t, 1, nl)
      end
      src = src + 1
    end
    return nil
  end
end

-- add_s of lstrlib.c: the replacement string with %0-%9 and %%.
local function add_string(ms, out, k, repl, s, e)
  local i, lr = 1, #repl
  while true do
    local j = sfind(repl, '%', i, true)
    if j == nil then break end
    k = k + 1; out[k] = ssub(repl, i, j - 1)
    local d = sbyte(repl, j + 1)
    if d == 37 then k = k + 1; out[k] = '%'
    elseif d == 48 then k = k + 1; out[k] = ssub(ms.src, s, e - 1)
    elseif d and d >= 49 and d <= 57 then k = k + 1; out[k] = raw_tostring(get_capture(ms, d - 48, s, e))
    else fail("invalid use of '%' in replacement string") end
    i = j + 2
  end
  k = k + 1; out[k] = ssub(repl, i, lr)
  return k
end

local function gsub(s, p, repl, max_n)
  local n, tr, anchor = #s, raw_type(repl), sbyte(p, 1) == 94
  if tr == 'number' then repl = raw_tostring(repl); tr = 'string' end
  if max_n == nil then max_n = n + 1 end
  local ms, pstart = new_state(s, p), anchor and 2 or 1
  -- out holds the result's pieces; the unmatched text since 'copied' is flushed in one piece
  local src, lastmatch, count, changed, copied = 1, nil, 0, false, 1
  local out, k = {}, 0
  while count < max_n do
    ms.level = 0
    local e = match(ms, src, pstart)
    if e and e ~= lastmatch then
      count = count + 1
      local v = true
      if tr == 'function' then
        local t, nl = captures(ms, src, e, true)
        v = repl(tunpack(t, 1, nl))
      elseif tr == 'table' then
        v = repl[get_capture(ms, 1, src, e)]
      end
      if v then -- nil or false keeps the matched text
        local tv = raw_type(v)
        if tv ~= 'boolean' and tv ~= 'string' and tv ~= 'number' then fail('invalid replacement value (a ' .. tv .. ')') end
        if tv == 'boolean' and tr ~= 'string' then fail('invalid replacement value (a boolean)') end
        k = k + 1; out[k] = ssub(s, copied, src - 1)
        if tr == 'string' then k = add_string(ms, out, k, repl, src, e)
        else k = k + 1; out[k] = raw_tostring(v) end
        copied = e
        changed = true
      end
      src, lastmatch = e, e
    elseif src <= n then
      src = src + 1
    else
      break
    end
    if anchor then break end
  end
  if not changed then return s, count end
  k = k + 1; out[k] = ssub(s, copied, n)
  return tconcat(out, '', 1, k), count
end

-- Passes on pcall's results, or re-raises a matcher error at the user's call site (level 2:
-- the wrappers tail-call finish, so its caller is the user's function).
local function finish(ok, ...)
  if ok then return ... end
  local e = ...
  if raw_type(e) == 'table' and e[ERR] then raw_error(e[ERR], 2) end
  raw_error(e, 0)
end

-- A plain search (asked for, or a pattern without special characters, as lstrlib.c
-- decides) is the same search with every non-alphanumeric character escaped.
local SPECIALS = '[%^%$%*%+%?%.%(%[%%%-]'
W.lua_patterns = {
  find = function(s, p, init, plain)
    if plain or not sfind(p, SPECIALS) then p = sgsub(p, '[^%w]', '%%%0') end
    return finish(raw_pcall(find_aux, true, s, p, init))
  end,
  match = function(s, p, init) return finish(raw_pcall(find_aux, false, s, p, init)) end,
  gmatch = function(s, p, init)
    local it = gmatch(s, p, init)
    return function() return finish(raw_pcall(it)) end
  end,
  gsub = function(s, p, repl, max_n) return finish(raw_pcall(gsub, s, p, repl, max_n)) end,
}
