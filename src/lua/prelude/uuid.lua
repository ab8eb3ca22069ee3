-- `@wippy/uuid.lua`: the `uuid` module. v1/v4/v7 come from the host (`uuid.generate`,
-- recorded in workflows); the name-based v3/v5 are pure and deterministic (MD5/SHA-1 of
-- @wippy/hash.lua); parsing, validation and formatting are pure Lua.
local W = ...
local raw_type, raw_tostring = type, tostring
local concat = table.concat
local sformat, sbyte, schar = string.format, string.byte, string.char
local invalid = W.invalid

local function gen(version)
  local v, err = W.call('uuid.generate', {version})
  return v, err
end
-- A UUID in standard, simple, urn or braced form -> 32 lowercase hex digits.
local function parse_uuid(s)
  if raw_type(s) ~= 'string' then return nil, invalid('UUID must be a string') end
  local t = s:lower():gsub('^urn:uuid:', ''):gsub('^{(.*)}$', '%1')
  local hex
  if #t == 36 and t:match('^%x+%-%x+%-%x+%-%x+%-%x+$') and t:sub(9, 9) == '-' and t:sub(14, 14) == '-' and t:sub(19, 19) == '-' and t:sub(24, 24) == '-' then
    hex = t:gsub('-', '')
  elseif #t == 32 and t:match('^%x+$') then hex = t end
  if not hex then return nil, invalid('invalid UUID ' .. s) end
  return hex, nil
end
W.parse_uuid = parse_uuid
local function variant_of(hex)
  local b = tonumber(hex:sub(17, 18), 16)
  if b & 0x80 == 0 then return 'NCS' end
  if b & 0xc0 == 0x80 then return 'RFC4122' end
  if b & 0xe0 == 0xc0 then return 'Microsoft' end
  return 'Future'
end
W.modules.uuid = {
  v1 = function() local v, e = gen('v1') return v, e end,
  v4 = function() local v, e = gen('v4') return v, e end,
  v7 = function() local v, e = gen('v7') return v, e end,
  v3 = function(ns, name) local v, e = W.uuid_hashed(3, ns, name) return v, e end,
  v5 = function(ns, name) local v, e = W.uuid_hashed(5, ns, name) return v, e end,
  validate = function(s) return parse_uuid(s) ~= nil end,
  version = function(s)
    local hex, err = parse_uuid(s)
    if not hex then return nil, err end
    return tonumber(hex:sub(13, 13), 16), nil
  end,
  variant = function(s)
    local hex, err = parse_uuid(s)
    if not hex then return nil, err end
    return variant_of(hex), nil
  end,
  parse = function(s)
    local hex, err = parse_uuid(s)
    if not hex then return nil, err end
    local version = tonumber(hex:sub(13, 13), 16)
    local info = {version = version, variant = variant_of(hex)}
    if version == 1 then
      -- 100 ns intervals since 1582-10-15, as unix seconds
      local t = (tonumber(hex:sub(14, 16), 16) << 48) | (tonumber(hex:sub(9, 12), 16) << 32) | tonumber(hex:sub(1, 8), 16)
      info.timestamp = (t - 122192928000000000) / 1e7
      info.node = hex:sub(21, 32)
      info.clock_seq = tonumber(hex:sub(17, 20), 16) & 0x3fff
    elseif version == 7 then
      info.timestamp = tonumber(hex:sub(1, 12), 16) / 1e3
    end
    return info, nil
  end,
  format = function(s, how)
    local hex, err = parse_uuid(s)
    if not hex then return nil, err end
    local std = hex:sub(1, 8) .. '-' .. hex:sub(9, 12) .. '-' .. hex:sub(13, 16) .. '-' .. hex:sub(17, 20) .. '-' .. hex:sub(21, 32)
    if how == nil or how == 'standard' then return std, nil end
    if how == 'simple' then return hex, nil end
    if how == 'urn' then return 'urn:uuid:' .. std, nil end
    return nil, invalid('unknown UUID format ' .. raw_tostring(how) .. ' (use standard, simple or urn)')
  end,
  NAMESPACE_DNS = '6ba7b810-9dad-11d1-80b4-00c04fd430c8',
  NAMESPACE_URL = '6ba7b811-9dad-11d1-80b4-00c04fd430c8',
  NAMESPACE_OID = '6ba7b812-9dad-11d1-80b4-00c04fd430c8',
  NAMESPACE_X500 = '6ba7b814-9dad-11d1-80b4-00c04fd430c8',
}

function W.uuid_hashed(version, ns, name)
  if raw_type(ns) ~= 'string' or raw_type(name) ~= 'string' then return nil, invalid('uuid.v' .. version .. ' expects a namespace UUID and a name') end
  local hex = ns:gsub('-', '')
  if not hex:match('^%x+$') or #hex ~= 32 then return nil, invalid('invalid namespace UUID ' .. ns) end
  local nsbytes = hex:gsub('%x%x', function(h) return schar(tonumber(h, 16)) end)
  local digest = (version == 3 and W.md5 or W.sha1)(nsbytes .. name):sub(1, 16)
  local b = {sbyte(digest, 1, 16)}
  b[7] = (b[7] & 0x0f) | (version << 4)
  b[9] = (b[9] & 0x3f) | 0x80
  local h = {}
  for i = 1, 16 do h[i] = sformat('%02x', b[i]) end
  local s = concat(h)
  return s:sub(1, 8) .. '-' .. s:sub(9, 12) .. '-' .. s:sub(13, 16) .. '-' .. s:sub(17, 20) .. '-' .. s:sub(21, 32), nil
end
