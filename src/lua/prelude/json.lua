-- `@wippy/json.lua`: the `json` module, encode/decode in pure Lua. Arrays and objects keep
-- their kind through the array/object marks; object keys encode in sorted order.
local W = ...
local raw_setmt, raw_type, raw_tostring, raw_getmt = setmetatable, type, tostring, getmetatable
local concat = table.concat
local sformat, sbyte = string.format, string.byte
local mtype, floor, huge = math.type, math.floor, math.huge
local invalid, ARRAY_MT, OBJECT_MT = W.invalid, W.array_mt, W.object_mt

local ESC = {['"'] = '\\"', ['\\'] = '\\\\', ['\b'] = '\\b', ['\f'] = '\\f', ['\n'] = '\\n', ['\r'] = '\\r', ['\t'] = '\\t'}
local function esc_str(s)
  return '"' .. s:gsub('[%c"\\]', function(c) return ESC[c] or sformat('\\u%04x', sbyte(c)) end) .. '"'
end
local function is_sequence(t)
  local n = 0
  for k in next, t do
    if mtype(k) ~= 'integer' or k < 1 then return false end
    n = n + 1
  end
  for i = 1, n do if t[i] == nil then return false end end
  return true, n
end
local encode_value
encode_value = function(v, out, depth)
  local tv = raw_type(v)
  if v == nil then out[#out + 1] = 'null'
  elseif tv == 'boolean' then out[#out + 1] = v and 'true' or 'false'
  elseif tv == 'number' then
    if v ~= v or v == huge or v == -huge then error('json: cannot encode ' .. raw_tostring(v), 0) end
    if mtype(v) == 'integer' then out[#out + 1] = sformat('%d', v)
    elseif v == floor(v) and v > -1e15 and v < 1e15 then out[#out + 1] = sformat('%d', floor(v))
    else
      local s = sformat('%.14g', v)
      if tonumber(s) ~= v then s = sformat('%.17g', v) end
      out[#out + 1] = s
    end
  elseif tv == 'string' then out[#out + 1] = esc_str(v)
  elseif tv == 'table' then
    if depth > 100 then error('json: nesting too deep (a cycle?)', 0) end
    local mt = raw_getmt(v)
    if W.is_error(v) then v = W.error_out(v); mt = nil end
    if mt == W.PayloadMT then return encode_value(v.value, out, depth + 1) end
    local seq, n = is_sequence(v)
    if mt == ARRAY_MT or (mt ~= OBJECT_MT and seq) then
      if mt == ARRAY_MT then n = 0; for k in next, v do if mtype(k) == 'integer' and k > n then n = k end end end
      out[#out + 1] = '['
      for i = 1, n do
        if i > 1 then out[#out + 1] = ',' end
        encode_value(v[i], out, depth + 1)
      end
      out[#out + 1] = ']'
    else
      -- Only positive integer keys, with holes: the platform refuses a sparse array.
      local ints = next(v) ~= nil
      for k in next, v do if mtype(k) ~= 'integer' or k < 1 then ints = false; break end end
      if ints and mt ~= OBJECT_MT then error({json_internal = true, message = 'json: cannot encode a sparse array'}, 0) end
      out[#out + 1] = '{'
      local first = true
      for _, k in ipairs((W.sorted_keys(v))) do
        local kt = raw_type(k)
        if kt == 'string' or kt == 'number' then
          if not first then out[#out + 1] = ',' end
          first = false
          out[#out + 1] = esc_str(raw_tostring(k))
          out[#out + 1] = ':'
          encode_value(v[k], out, depth + 1)
        end
      end
      out[#out + 1] = '}'
    end
  else
    error('json: cannot encode a ' .. tv, 0)
  end
end

local function decode(s)
  local pos = 1
  local function fail(msg) error({json = true, message = msg .. ' at position ' .. pos}, 0) end
  local function ws() pos = s:find('[^ \t\r\n]', pos) or #s + 1 end
  local value
  local function str()
    local buf = {}
    pos = pos + 1
    while true do
      local a, b = s:find('["\\]', pos)
      if not a then fail('unterminated string') end
      buf[#buf + 1] = s:sub(pos, a - 1)
      if s:sub(a, a) == '"' then pos = a + 1; break end
      local c = s:sub(a + 1, a + 1)
      local simple = ({['"'] = '"', ['\\'] = '\\', ['/'] = '/', b = '\b', f = '\f', n = '\n', r = '\r', t = '\t'})[c]
      if simple then buf[#buf + 1] = simple; pos = a + 2
      elseif c == 'u' then
        local hex = s:sub(a + 2, a + 5)
        if not hex:match('^%x%x%x%x$') then fail('bad unicode escape') end
        local cp = tonumber(hex, 16)
        pos = a + 6
        if cp >= 0xD800 and cp <= 0xDBFF and s:sub(pos, pos + 1) == '\\u' then
          local lo = tonumber(s:sub(pos + 2, pos + 5), 16)
          if lo and lo >= 0xDC00 and lo <= 0xDFFF then
            cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00)
            pos = pos + 6
          end
        end
        buf[#buf + 1] = utf8.char(cp)
      else fail('bad escape') end
    end
    return concat(buf)
  end
  value = function(depth)
    if depth > 200 then fail('nesting too deep') end
    ws()
    local c = s:sub(pos, pos)
    if c == '{' then
      pos = pos + 1
      local t = raw_setmt({}, OBJECT_MT)
      ws()
      if s:sub(pos, pos) == '}' then pos = pos + 1; return t end
      while true do
        ws()
        if s:sub(pos, pos) ~= '"' then fail('expected a string key') end
        local k = str()
        ws()
        if s:sub(pos, pos) ~= ':' then fail("expected ':'") end
        pos = pos + 1
        t[k] = value(depth + 1)
        ws()
        local d = s:sub(pos, pos)
        pos = pos + 1
        if d == '}' then return t end
        if d ~= ',' then fail("expected ',' or '}'") end
      end
    elseif c == '[' then
      pos = pos + 1
      local t = raw_setmt({}, ARRAY_MT)
      ws()
      if s:sub(pos, pos) == ']' then pos = pos + 1; return t end
      local i = 0
      while true do
        i = i + 1
        t[i] = value(depth + 1)
        ws()
        local d = s:sub(pos, pos)
        pos = pos + 1
        if d == ']' then return t end
        if d ~= ',' then fail("expected ',' or ']'") end
      end
    elseif c == '"' then return str()
    elseif s:sub(pos, pos + 3) == 'true' then pos = pos + 4; return true
    elseif s:sub(pos, pos + 4) == 'false' then pos = pos + 5; return false
    elseif s:sub(pos, pos + 3) == 'null' then pos = pos + 4; return nil
    else
      local num = s:match('^-?%d+%.?%d*[eE]?[+-]?%d*', pos)
      if not num or num == '' or num == '-' then fail('unexpected character') end
      pos = pos + #num
      local n = tonumber(num)
      if not n then fail('bad number') end
      return n
    end
  end
  local ok, v = pcall(function()
    local r = value(0)
    ws()
    if pos <= #s then fail('trailing characters') end
    return r
  end)
  if ok then return v, nil end
  -- The platform: empty input is Invalid, malformed JSON an Internal (parser) error.
  if raw_type(v) == 'table' and v.json then
    if s:match('^%s*$') then return nil, invalid('json: empty input') end
    return nil, W.new_error({message = 'json: ' .. v.message, kind = 'Internal', retryable = false})
  end
  error(v, 0)
end

W.modules.json = {
  encode = function(v)
    local out = {}
    local ok, err = pcall(encode_value, v, out, 0)
    if not ok and raw_type(err) == 'table' and err.json_internal then
      return nil, W.new_error({message = err.message, kind = 'Internal', retryable = false})
    end
    if not ok then return nil, invalid(raw_tostring(err)) end
    return concat(out), nil
  end,
  decode = function(s)
    if raw_type(s) ~= 'string' then return nil, invalid('json.decode expects a string') end
    local v, err = decode(s)
    return v, err
  end,
}
W.json_encode = W.modules.json.encode
