-- `@wippy/base64.lua`: the `base64` module (standard alphabet, padded), in pure Lua.
local W = ...
local raw_type = type
local concat = table.concat
local sbyte, schar = string.byte, string.char
local invalid = W.invalid

local ALPHA = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/'
local DEC = {}
for i = 1, 64 do DEC[sbyte(ALPHA, i)] = i - 1 end
local function b64_encode(s)
  local out = {}
  for i = 1, #s, 3 do
    local a, b, c = sbyte(s, i, i + 2)
    local n = (a << 16) | ((b or 0) << 8) | (c or 0)
    local q = {(n >> 18) & 63, (n >> 12) & 63, (n >> 6) & 63, n & 63}
    out[#out + 1] = ALPHA:sub(q[1] + 1, q[1] + 1) .. ALPHA:sub(q[2] + 1, q[2] + 1) ..
      (b and ALPHA:sub(q[3] + 1, q[3] + 1) or '=') .. (c and ALPHA:sub(q[4] + 1, q[4] + 1) or '=')
  end
  return concat(out)
end
local function b64_decode(s)
  s = s:gsub('%s', '')
  if #s % 4 ~= 0 or not s:match('^[A-Za-z0-9+/]*=?=?$') then return nil end
  local out = {}
  for i = 1, #s, 4 do
    local c1, c2, c3, c4 = sbyte(s, i, i + 3)
    local n = (DEC[c1] << 18) | (DEC[c2] << 12) | ((DEC[c3] or 0) << 6) | (DEC[c4] or 0)
    out[#out + 1] = schar((n >> 16) & 255)
    if c3 ~= 61 then out[#out + 1] = schar((n >> 8) & 255) end
    if c4 ~= 61 then out[#out + 1] = schar(n & 255) end
  end
  return concat(out)
end
W.modules.base64 = {
  encode = function(s)
    if raw_type(s) ~= 'string' then return nil, invalid('base64.encode expects a string') end
    return b64_encode(s), nil
  end,
  decode = function(s)
    if raw_type(s) ~= 'string' then return nil, invalid('base64.decode expects a string') end
    local v = b64_decode(s)
    if not v then return nil, invalid('base64.decode: the input is not valid base64') end
    return v, nil
  end,
}
