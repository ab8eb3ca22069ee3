-- `@wippy/crypto.lua`: the `crypto` module. Randomness comes from one host op,
-- `crypto.random` (recorded in workflows, so replay returns the same bytes); random
-- strings, UUIDs and encryption nonces are derived from it here. Everything else (HMAC,
-- AEAD with a given nonce, decryption, PBKDF2, JWT) is the deterministic host op
-- `crypto.compute`. Byte strings cross to the host hex encoded: the codec carries UTF-8.
local W = ...
local raw_type, raw_tostring = type, tostring
local sbyte, schar, sformat, srep, ssub = string.byte, string.char, string.format, string.rep, string.sub
local concat, tunpack = table.concat, table.unpack
local mtype = math.type
local invalid = W.invalid

local MAX_RANDOM = 1048576
local ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789'

-- Chunked so string.format never sees more arguments than the stack allows.
local function hex(s)
  local out = {}
  for i = 1, #s, 2048 do
    local chunk = {sbyte(s, i, i + 2047)}
    out[#out + 1] = sformat(srep('%02x', #chunk), tunpack(chunk))
  end
  return concat(out)
end
local function unhex(h)
  return (h:gsub('%x%x', function(x) return schar(tonumber(x, 16)) end))
end
local function is_str(v) return raw_type(v) == 'string' end
local function opt_str(v) return v == nil or raw_type(v) == 'string' end

local function compute(...)
  local v, err = W.call('crypto.compute', W.pack(...))
  return v, err
end

local function random_raw(n, what)
  if mtype(n) ~= 'integer' then
    if raw_type(n) == 'number' and n == math.floor(n) then n = math.tointeger(n) else return nil, invalid(what .. ' expects an integer length') end
  end
  if n < 1 or n > MAX_RANDOM then return nil, invalid(what .. ': length must be between 1 and ' .. MAX_RANDOM) end
  local h, err = W.call('crypto.random', {n})
  if err then return nil, err end
  return unhex(h), nil
end

local random = {}
function random.bytes(n)
  local v, err = random_raw(n, 'crypto.random.bytes')
  return v, err
end
function random.string(n, charset)
  if charset == nil then charset = ALNUM end
  if not is_str(charset) then return nil, invalid('crypto.random.string expects a string charset') end
  if charset == '' then return nil, invalid('crypto.random.string: charset must not be empty') end
  local b, err = random_raw(n, 'crypto.random.string')
  if err then return nil, err end
  local m, out = #charset, {}
  for i = 1, #b do
    local k = sbyte(b, i) % m + 1
    out[i] = ssub(charset, k, k)
  end
  return concat(out), nil
end
function random.uuid()
  local b, err = random_raw(16, 'crypto.random.uuid')
  if err then return nil, err end
  local t = {sbyte(b, 1, 16)}
  t[7] = (t[7] & 0x0f) | 0x40   -- version 4
  t[9] = (t[9] & 0x3f) | 0x80   -- RFC 4122 variant
  local h = sformat(srep('%02x', 16), tunpack(t))
  return h:sub(1, 8) .. '-' .. h:sub(9, 12) .. '-' .. h:sub(13, 16) .. '-' .. h:sub(17, 20) .. '-' .. h:sub(21, 32), nil
end

local function hmac(alg)
  return function(key, data)
    if not is_str(key) or not is_str(data) then return nil, invalid('crypto.hmac.' .. alg .. ' expects a key and data (strings)') end
    if key == '' then return nil, invalid('crypto.hmac.' .. alg .. ': key must not be empty') end
    local v, err = compute('hmac', alg, hex(key), hex(data))
    return v, err
  end
end

local KEY_SIZES = {aes = {[16] = true, [24] = true, [32] = true}, chacha20 = {[32] = true}}
local function encrypt(cipher)
  return function(data, key, aad)
    if not is_str(data) or not is_str(key) or not opt_str(aad) then
      return nil, invalid('crypto.encrypt.' .. cipher .. ' expects data, key and optional aad (strings)')
    end
    -- Check the key before drawing a nonce: a bad call records nothing in a workflow.
    if not KEY_SIZES[cipher][#key] then
      local want = cipher == 'aes' and '16, 24 or 32' or '32'
      return nil, invalid('crypto.encrypt.' .. cipher .. ': key must be ' .. want .. ' bytes, got ' .. #key)
    end
    local nonce, err = random_raw(12, 'crypto.encrypt.' .. cipher)
    if err then return nil, err end
    local h, err2 = compute('seal', cipher, hex(key), hex(nonce), hex(data), hex(aad or ''))
    if err2 then return nil, err2 end
    return unhex(h), nil
  end
end
local function decrypt(cipher)
  return function(data, key, aad)
    if not is_str(data) or not is_str(key) or not opt_str(aad) then
      return nil, invalid('crypto.decrypt.' .. cipher .. ' expects data, key and optional aad (strings)')
    end
    local h, err = compute('open', cipher, hex(key), hex(data), hex(aad or ''))
    if err then return nil, err end
    return unhex(h), nil
  end
end

local jwt = {}
function jwt.encode(payload, key, alg)
  if raw_type(payload) ~= 'table' then return nil, invalid('crypto.jwt.encode expects a payload table') end
  if not is_str(key) or not opt_str(alg) then return nil, invalid('crypto.jwt.encode expects a key (string) and an optional algorithm') end
  local v, err = compute('jwt.encode', payload, hex(key), alg)
  return v, err
end
function jwt.verify(token, key, alg, require_exp)
  if not is_str(token) or not is_str(key) or not opt_str(alg) then
    return nil, invalid('crypto.jwt.verify expects a token and a key (strings) and an optional algorithm')
  end
  local v, err = compute('jwt.verify', token, hex(key), alg, require_exp ~= false)
  return v, err
end

local function pbkdf2(password, salt, iterations, key_length, hash)
  if not is_str(password) or not is_str(salt) or not opt_str(hash) then
    return nil, invalid('crypto.pbkdf2 expects password, salt (strings), iterations, key length and an optional hash name')
  end
  if raw_type(iterations) ~= 'number' or raw_type(key_length) ~= 'number' then
    return nil, invalid('crypto.pbkdf2 expects numeric iterations and key length')
  end
  local h, err = compute('pbkdf2', hex(password), hex(salt), iterations, key_length, hash)
  if err then return nil, err end
  return unhex(h), nil
end

-- Touches every byte whatever the first difference, so timing does not reveal where it is.
local function constant_time_compare(a, b)
  if not is_str(a) or not is_str(b) then return false end
  if #a ~= #b then return false end
  local diff = 0
  for i = 1, #a do diff = diff | (sbyte(a, i) ~ sbyte(b, i)) end
  return diff == 0
end

W.modules.crypto = {
  random = random,
  hmac = {sha256 = hmac('sha256'), sha512 = hmac('sha512')},
  encrypt = {aes = encrypt('aes'), chacha20 = encrypt('chacha20')},
  decrypt = {aes = decrypt('aes'), chacha20 = decrypt('chacha20')},
  jwt = jwt,
  pbkdf2 = pbkdf2,
  constant_time_compare = constant_time_compare,
}
