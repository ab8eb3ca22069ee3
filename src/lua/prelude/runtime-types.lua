-- `@wippy/runtime-types.lua`: type aliases as runtime values. The dialect turns
-- `type Name = T` into `local Name = __wippy_type("Name", [==[T]==])`; this chunk parses
-- T and gives the value `Name:is(v)` → `v, nil` or `nil, err` (Invalid). Covered: primitive
-- names, literals, unions/intersections, optional `?`, arrays `{T}` / `T[]`, maps
-- `{[K]: V}`, records (optional fields), `readonly`, function types, constraints
-- `@min_len @max_len @min @max @pattern`, and other aliases by name. Generic parameters and
-- unknown names accept anything.
local W = ...
local raw_type, raw_setmt, raw_tostring, raw_error = type, setmetatable, tostring, error
local mtype, sformat = math.type, string.format
local aliases = {}

local function lex(s)
  local toks, i = {}, 1
  while i <= #s do
    local c = s:sub(i, i)
    if c:match('%s') then i = i + 1
    elseif c == '-' and s:sub(i, i + 1) == '--' then i = (s:find('\n', i) or #s) + 1
    elseif c:match('[%a_]') then local w = s:match('^[%w_]+', i); toks[#toks + 1] = {k = 'name', v = w}; i = i + #w
    elseif c == '"' or c == "'" then
      local j = i + 1
      while j <= #s and s:sub(j, j) ~= c do if s:sub(j, j) == '\\' then j = j + 1 end j = j + 1 end
      toks[#toks + 1] = {k = 'lit', v = s:sub(i + 1, j - 1)}; i = j + 1
    elseif c:match('%d') or (c == '-' and s:sub(i + 1, i + 1):match('%d')) then
      local n = s:match('^-?[%d%.xXa-fA-F]+', i); toks[#toks + 1] = {k = 'lit', v = tonumber(n)}; i = i + #n
    elseif s:sub(i, i + 1) == '->' then toks[#toks + 1] = {k = 'op', v = '->'}; i = i + 2
    elseif s:sub(i, i + 2) == '...' then toks[#toks + 1] = {k = 'op', v = '...'}; i = i + 3
    else toks[#toks + 1] = {k = 'op', v = c}; i = i + 1 end
  end
  return toks
end

local PRIM = {string = true, number = true, integer = true, boolean = true, ['nil'] = true, any = true, unknown = true,
  table = true, ['function'] = true, thread = true, userdata = true, never = true}

local function parse(text)
  local toks, p = lex(text), 1
  local function peek(o) local t = toks[p + (o or 0)] return t and t.v end
  local function take() p = p + 1; return toks[p - 1] end
  local function skip_group(open, close)
    local depth = 0
    repeat
      local t = take()
      if not t then return end
      if t.v == open then depth = depth + 1 elseif t.v == close then depth = depth - 1 end
    until depth == 0
  end
  local union
  local function primary()
    local t = take()
    if not t then return {k = 'any'} end
    if t.k == 'lit' then return {k = 'lit', v = t.v} end
    if t.v == '{' then
      if peek() == '}' then take(); return {k = 'prim', v = 'table'} end
      if peek() == '[' then
        take(); local key = union(); take() -- ]
        take() -- :
        local val = union()
        if peek() == ',' or peek() == ';' then take() end
        take() -- }
        return {k = 'map', key = key, val = val}
      end
      local is_record = toks[p].k == 'name' and (peek(1) == ':' or (peek(1) == '?' and peek(2) == ':'))
        or (peek() == 'readonly' and toks[p + 1] and toks[p + 1].k == 'name' and peek(2) == ':')
      if not is_record then
        local el = union()
        take() -- }
        return {k = 'array', el = el}
      end
      local fields = {}
      while peek() and peek() ~= '}' do
        if peek() == 'readonly' and peek(1) ~= ':' then take() end
        local name = take().v
        local opt = false
        if peek() == '?' then take(); opt = true end
        take() -- :
        fields[#fields + 1] = {name = name, opt = opt, t = union()}
        if peek() == ',' or peek() == ';' then take() end
      end
      take()
      return {k = 'record', fields = fields}
    end
    if t.v == '(' then
      local inner = p
      p = p - 1; skip_group('(', ')')
      if peek() == '->' then take(); union(); return {k = 'prim', v = 'function'} end
      p = inner -- a parenthesized type
      local g = union()
      if peek() == ')' then take() end
      return g
    end
    if t.v == '<' then p = p - 1; skip_group('<', '>'); return primary() end
    if t.k == 'name' then
      if t.v == 'readonly' and peek() and peek() ~= '|' then return primary() end
      if t.v == 'true' or t.v == 'false' then return {k = 'lit', v = t.v == 'true'} end
      if t.v == 'typeof' and peek() == '(' then skip_group('(', ')'); return {k = 'any'} end
      local name = t.v
      while peek() == '.' do take(); name = name .. '.' .. take().v end
      if peek() == '<' then
        take()
        local args = {}
        while peek() and peek() ~= '>' do
          args[#args + 1] = union()
          if peek() == ',' then take() end
        end
        take()
        return {k = 'ref', v = name, args = args}
      end
      if PRIM[name] then return {k = 'prim', v = name} end
      return {k = 'ref', v = name}
    end
    return {k = 'any'}
  end
  local function postfix()
    local t = primary()
    while true do
      if peek() == '?' then take(); t = {k = 'opt', t = t}
      elseif peek() == '[' and peek(1) == ']' then take(); take(); t = {k = 'array', el = t}
      elseif peek() == '@' then
        take(); local name = take().v
        local args = {}
        if peek() == '(' then
          take()
          while peek() and peek() ~= ')' do local a = take(); if a.v ~= ',' then args[#args + 1] = a.v end end
          take()
        end
        t = {k = 'con', t = t, name = name, args = args}
      else return t end
    end
  end
  local function inter()
    local parts = {postfix()}
    while peek() == '&' do take(); parts[#parts + 1] = postfix() end
    return #parts == 1 and parts[1] or {k = 'all', parts = parts}
  end
  union = function()
    if peek() == '|' then take() end
    local parts = {inter()}
    while peek() == '|' do take(); parts[#parts + 1] = inter() end
    if peek() == '->' then take(); union(); return {k = 'prim', v = 'function'} end
    return #parts == 1 and parts[1] or {k = 'any_of', parts = parts}
  end
  return union()
end

local function show(t)
  if t.k == 'prim' then return t.v end
  if t.k == 'lit' then return raw_type(t.v) == 'string' and sformat('%q', t.v) or raw_tostring(t.v) end
  if t.k == 'ref' then return t.v end
  if t.k == 'array' then return '{' .. show(t.el) .. '}' end
  if t.k == 'any_of' then local s = {} for i, x in ipairs(t.parts) do s[i] = show(x) end return table.concat(s, ' | ') end
  if t.k == 'opt' then return show(t.t) .. '?' end
  if t.k == 'con' then return show(t.t) end
  return t.k
end
local function is_list(v)
  local n = 0
  for k in next, v do if mtype(k) ~= 'integer' or k < 1 then return false end n = n + 1 end
  return #v == n
end
local function len_of(v) if raw_type(v) == 'string' then return utf8.len(v) or #v end return #v end

-- A simple regular expression as a Lua pattern (escapes and classes; no alternation).
local function lua_pattern(re)
  re = re:gsub('\\\\', '\\')
  local CLASS = {d = '%d', D = '%D', w = '[%w_]', W = '[^%w_]', s = '%s', S = '%S'}
  return (re:gsub('\\(.)', function(c) return CLASS[c] or ('%' .. c) end))
end
local check
local env = {}  -- generic parameters bound while checking an instantiated alias
check = function(t, v, path)
  local at = path ~= '' and (path .. ': ') or ''
  local k = t.k
  if k == 'any' then return nil end
  if k == 'prim' then
    local want, got = t.v, raw_type(v)
    if want == 'any' or want == 'unknown' then return nil end
    if want == 'integer' then if mtype(v) == 'integer' or (got == 'number' and v == math.floor(v)) then return nil end
    elseif want == 'nil' then if v == nil then return nil end
    elseif want == 'never' then
    elseif got == want then return nil end
    return at .. 'expected ' .. want .. ', got ' .. got
  end
  if k == 'lit' then
    if v == t.v then return nil end
    return at .. 'expected ' .. show(t) .. ', got ' .. raw_tostring(v)
  end
  if k == 'ref' then
    if env[t.v] then return check(env[t.v], v, path) end
    local a = aliases[t.v]
    if not a then return nil end
    local saved = env
    if a.params then
      env = raw_setmt({}, {__index = saved})
      for i, name in ipairs(a.params) do env[name] = t.args and t.args[i] or {k = 'any'} end
    end
    local e = check(a.def, v, path)
    env = saved
    return e
  end
  if k == 'opt' then if v == nil then return nil end return check(t.t, v, path) end
  if k == 'any_of' then
    for _, x in ipairs(t.parts) do if not check(x, v, path) then return nil end end
    return at .. 'expected ' .. show(t) .. ', got ' .. (raw_type(v) == 'string' and sformat('%q', v) or raw_tostring(v))
  end
  if k == 'all' then
    for _, x in ipairs(t.parts) do local e = check(x, v, path) if e then return e end end
    return nil
  end
  if k == 'con' then
    local e = check(t.t, v, path)
    if e then return e end
    local n = tonumber(t.args[1])
    if t.name == 'min_len' and len_of(v) < n then return at .. 'length ' .. len_of(v) .. ' is less than min_len ' .. n end
    if t.name == 'max_len' and len_of(v) > n then return at .. 'length ' .. len_of(v) .. ' is greater than max_len ' .. n end
    if t.name == 'min' and v < n then return at .. 'value ' .. raw_tostring(v) .. ' is below the minimum ' .. raw_tostring(n) end
    if t.name == 'max' and v > n then return at .. 'value ' .. raw_tostring(v) .. ' is above the maximum ' .. raw_tostring(n) end
    if t.name == 'pattern' and raw_type(v) == 'string' and not v:find(lua_pattern(t.args[1])) then return at .. 'value does not match the pattern ' .. t.args[1] end
    return nil
  end
  if raw_type(v) ~= 'table' then return at .. 'expected ' .. show(t) .. ', got ' .. raw_type(v) end
  if k == 'array' then
    if not is_list(v) then return at .. 'expected an array ' .. show(t) end
    for i = 1, #v do local e = check(t.el, v[i], path .. '[' .. i .. ']') if e then return e end end
    return nil
  end
  if k == 'map' then
    for key, x in next, v do
      local e = check(t.key, key, path) or check(t.val, x, (path ~= '' and path .. '.' or '') .. raw_tostring(key))
      if e then return e end
    end
    return nil
  end
  if k == 'record' then
    for _, f in ipairs(t.fields) do
      local x = v[f.name]
      local fp = (path ~= '' and path .. '.' or '') .. f.name
      if x == nil and not f.opt and not (f.t.k == 'opt') then
        local c = f.t
        if not (c.k == 'prim' and (c.v == 'any' or c.v == 'nil')) then return fp .. ': missing required field ' .. f.name end
      end
      if x ~= nil then local e = check(f.t, x, fp) if e then return e end end
    end
    return nil
  end
  return nil
end

local TypeMT = {__name = 'type'}
local Type = {}
TypeMT.__index = Type
TypeMT.__tostring = function(self) return 'type ' .. self.name end
function Type:is(v)
  local e = check(self.def, v, '')
  if e then return nil, W.new_error({message = self.name .. ': ' .. e, kind = 'Invalid', retryable = false}) end
  return v, nil
end
__wippy_type = function(name, text, params)
  local ok, def = pcall(parse, text)
  local t = raw_setmt({name = name, def = ok and def or {k = 'any'}, params = params}, TypeMT)
  aliases[name] = t
  return t
end
