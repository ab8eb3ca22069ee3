-- `@wippy/data.lua`: `json` (encode/decode, pure Lua) and the name-based UUIDs v3/v5
-- (MD5/SHA-1 in pure Lua, deterministic, no host call needed).
local W = ...
local raw_type, raw_getmt, raw_setmt, raw_tostring = type, getmetatable, setmetatable, tostring
local sformat, sbyte, schar, concat = string.format, string.byte, string.char, table.concat
local mtype, floor, huge = math.type, math.floor, math.huge
local invalid = W.invalid
local ARRAY_MT, OBJECT_MT = W.array_mt, W.object_mt

-- json -----------------------------------------------------------------------------
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

-- MD5 and SHA-1 for name-based UUIDs -------------------------------------------------
local function rol(x, n) return ((x << n) | (x >> (32 - n))) & 0xffffffff end
local function sha1(msg)
  local h0, h1, h2, h3, h4 = 0x67452301, 0xEFCDAB89, 0x98BADCFE, 0x10325476, 0xC3D2E1F0
  local ml = #msg * 8
  msg = msg .. '\128' .. string.rep('\0', (55 - #msg) % 64) .. string.pack('>I8', ml)
  for chunk = 1, #msg, 64 do
    local w = {}
    for i = 0, 15 do w[i] = string.unpack('>I4', msg, chunk + i * 4) end
    for i = 16, 79 do w[i] = rol(w[i - 3] ~ w[i - 8] ~ w[i - 14] ~ w[i - 16], 1) end
    local a, b, c, d, e = h0, h1, h2, h3, h4
    for i = 0, 79 do
      local f, k
      if i < 20 then f = (b & c) | ((~b) & d); k = 0x5A827999
      elseif i < 40 then f = b ~ c ~ d; k = 0x6ED9EBA1
      elseif i < 60 then f = (b & c) | (b & d) | (c & d); k = 0x8F1BBCDC
      else f = b ~ c ~ d; k = 0xCA62C1D6 end
      local temp = (rol(a, 5) + (f & 0xffffffff) + e + k + w[i]) & 0xffffffff
      e, d, c, b, a = d, c, rol(b, 30), a, temp
    end
    h0, h1, h2, h3, h4 = (h0 + a) & 0xffffffff, (h1 + b) & 0xffffffff, (h2 + c) & 0xffffffff, (h3 + d) & 0xffffffff, (h4 + e) & 0xffffffff
  end
  return string.pack('>I4I4I4I4I4', h0, h1, h2, h3, h4)
end
local MD5_S = {7, 12, 17, 22, 7, 12, 17, 22, 7, 12, 17, 22, 7, 12, 17, 22, 5, 9, 14, 20, 5, 9, 14, 20, 5, 9, 14, 20, 5, 9, 14, 20,
  4, 11, 16, 23, 4, 11, 16, 23, 4, 11, 16, 23, 4, 11, 16, 23, 6, 10, 15, 21, 6, 10, 15, 21, 6, 10, 15, 21, 6, 10, 15, 21}
local MD5_K = {}
for i = 0, 63 do MD5_K[i] = floor(math.abs(math.sin(i + 1)) * 4294967296) & 0xffffffff end
local function md5(msg)
  local a0, b0, c0, d0 = 0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476
  local ml = #msg * 8
  msg = msg .. '\128' .. string.rep('\0', (55 - #msg) % 64) .. string.pack('<I8', ml)
  for chunk = 1, #msg, 64 do
    local m = {}
    for i = 0, 15 do m[i] = string.unpack('<I4', msg, chunk + i * 4) end
    local a, b, c, d = a0, b0, c0, d0
    for i = 0, 63 do
      local f, g
      if i < 16 then f = (b & c) | ((~b) & d); g = i
      elseif i < 32 then f = (d & b) | ((~d) & c); g = (5 * i + 1) % 16
      elseif i < 48 then f = b ~ c ~ d; g = (3 * i + 5) % 16
      else f = c ~ (b | (~d)); g = (7 * i) % 16 end
      f = (f + a + MD5_K[i] + m[g]) & 0xffffffff
      a, d, c = d, c, b
      b = (b + rol(f, MD5_S[i + 1])) & 0xffffffff
    end
    a0, b0, c0, d0 = (a0 + a) & 0xffffffff, (b0 + b) & 0xffffffff, (c0 + c) & 0xffffffff, (d0 + d) & 0xffffffff
  end
  return string.pack('<I4I4I4I4', a0, b0, c0, d0)
end
W.md5, W.sha1 = md5, sha1
function W.uuid_hashed(version, ns, name)
  if raw_type(ns) ~= 'string' or raw_type(name) ~= 'string' then return nil, invalid('uuid.v' .. version .. ' expects a namespace UUID and a name') end
  local hex = ns:gsub('-', '')
  if not hex:match('^%x+$') or #hex ~= 32 then return nil, invalid('invalid namespace UUID ' .. ns) end
  local nsbytes = hex:gsub('%x%x', function(h) return schar(tonumber(h, 16)) end)
  local digest = (version == 3 and md5 or sha1)(nsbytes .. name):sub(1, 16)
  local b = {sbyte(digest, 1, 16)}
  b[7] = (b[7] & 0x0f) | (version << 4)
  b[9] = (b[9] & 0x3f) | 0x80
  local h = {}
  for i = 1, 16 do h[i] = sformat('%02x', b[i]) end
  local s = concat(h)
  return s:sub(1, 8) .. '-' .. s:sub(9, 12) .. '-' .. s:sub(13, 16) .. '-' .. s:sub(17, 20) .. '-' .. s:sub(21, 32), nil
end
