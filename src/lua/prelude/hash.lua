-- `@wippy/hash.lua`: the `hash` module (MD5, SHA-1, SHA-256, SHA-512 and their HMACs), in pure
-- Lua: deterministic, no host call. Digests are lowercase hex unless the last argument is
-- `true` (raw bytes). SHA-512 relies on Lua 5.4's wrapping 64-bit integers and logical `>>`.
-- MD5 and SHA-1 also serve the name-based UUIDs (`W.md5`, `W.sha1`).
local W = ...
local raw_type = type
local sformat, sbyte, schar, srep, spack, sunpack = string.format, string.byte, string.char, string.rep, string.pack, string.unpack
local floor = math.floor
local invalid = W.invalid

-- MD5 and SHA-1 -------------------------------------------------------------------------
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

-- SHA-256 / SHA-512 ------------------------------------------------------------------------
local K256 = {}
-- Filled on the first sha256 (not in every VM: the trial division costs ~0.15 ms of a VM's start):
-- the first 32 bits of the fractional parts of the cube roots of the first 64 primes.
local function fill_k256()
  local primes, n = {}, 2
  while #primes < 64 do
    local p = true
    for _, q in ipairs(primes) do if q * q > n then break end if n % q == 0 then p = false; break end end
    if p then primes[#primes + 1] = n end
    n = n + 1
  end
  for i = 1, 64 do K256[i] = math.floor((primes[i] ^ (1 / 3) % 1) * 4294967296) & 0xffffffff end
end
local function rotr32(x, n) return ((x >> n) | (x << (32 - n))) & 0xffffffff end
local function sha256(msg)
  if K256[1] == nil then fill_k256() end
  local h = {0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19}
  local ml = #msg * 8
  msg = msg .. '\128' .. srep('\0', (55 - #msg) % 64) .. spack('>I8', ml)
  for chunk = 1, #msg, 64 do
    local w = {}
    for i = 0, 15 do w[i] = sunpack('>I4', msg, chunk + i * 4) end
    for i = 16, 63 do
      local s0 = rotr32(w[i - 15], 7) ~ rotr32(w[i - 15], 18) ~ (w[i - 15] >> 3)
      local s1 = rotr32(w[i - 2], 17) ~ rotr32(w[i - 2], 19) ~ (w[i - 2] >> 10)
      w[i] = (w[i - 16] + s0 + w[i - 7] + s1) & 0xffffffff
    end
    local a, b, c, d, e, f, g, hh = h[1], h[2], h[3], h[4], h[5], h[6], h[7], h[8]
    for i = 0, 63 do
      local S1 = rotr32(e, 6) ~ rotr32(e, 11) ~ rotr32(e, 25)
      local ch = (e & f) ~ ((~e) & g)
      local t1 = (hh + S1 + ch + K256[i + 1] + w[i]) & 0xffffffff
      local S0 = rotr32(a, 2) ~ rotr32(a, 13) ~ rotr32(a, 22)
      local maj = (a & b) ~ (a & c) ~ (b & c)
      local t2 = (S0 + maj) & 0xffffffff
      hh, g, f, e, d, c, b, a = g, f, e, (d + t1) & 0xffffffff, c, b, a, (t1 + t2) & 0xffffffff
    end
    h[1], h[2], h[3], h[4] = (h[1] + a) & 0xffffffff, (h[2] + b) & 0xffffffff, (h[3] + c) & 0xffffffff, (h[4] + d) & 0xffffffff
    h[5], h[6], h[7], h[8] = (h[5] + e) & 0xffffffff, (h[6] + f) & 0xffffffff, (h[7] + g) & 0xffffffff, (h[8] + hh) & 0xffffffff
  end
  return spack('>I4I4I4I4I4I4I4I4', h[1], h[2], h[3], h[4], h[5], h[6], h[7], h[8])
end

-- The 64-bit constants are written as hex (Lua wraps 0x8... literals to negative integers).
local K512 = {
  0x428a2f98d728ae22, 0x7137449123ef65cd, 0xb5c0fbcfec4d3b2f, 0xe9b5dba58189dbbc, 0x3956c25bf348b538, 0x59f111f1b605d019,
  0x923f82a4af194f9b, 0xab1c5ed5da6d8118, 0xd807aa98a3030242, 0x12835b0145706fbe, 0x243185be4ee4b28c, 0x550c7dc3d5ffb4e2,
  0x72be5d74f27b896f, 0x80deb1fe3b1696b1, 0x9bdc06a725c71235, 0xc19bf174cf692694, 0xe49b69c19ef14ad2, 0xefbe4786384f25e3,
  0x0fc19dc68b8cd5b5, 0x240ca1cc77ac9c65, 0x2de92c6f592b0275, 0x4a7484aa6ea6e483, 0x5cb0a9dcbd41fbd4, 0x76f988da831153b5,
  0x983e5152ee66dfab, 0xa831c66d2db43210, 0xb00327c898fb213f, 0xbf597fc7beef0ee4, 0xc6e00bf33da88fc2, 0xd5a79147930aa725,
  0x06ca6351e003826f, 0x142929670a0e6e70, 0x27b70a8546d22ffc, 0x2e1b21385c26c926, 0x4d2c6dfc5ac42aed, 0x53380d139d95b3df,
  0x650a73548baf63de, 0x766a0abb3c77b2a8, 0x81c2c92e47edaee6, 0x92722c851482353b, 0xa2bfe8a14cf10364, 0xa81a664bbc423001,
  0xc24b8b70d0f89791, 0xc76c51a30654be30, 0xd192e819d6ef5218, 0xd69906245565a910, 0xf40e35855771202a, 0x106aa07032bbd1b8,
  0x19a4c116b8d2d0c8, 0x1e376c085141ab53, 0x2748774cdf8eeb99, 0x34b0bcb5e19b48a8, 0x391c0cb3c5c95a63, 0x4ed8aa4ae3418acb,
  0x5b9cca4f7763e373, 0x682e6ff3d6b2b8a3, 0x748f82ee5defb2fc, 0x78a5636f43172f60, 0x84c87814a1f0ab72, 0x8cc702081a6439ec,
  0x90befffa23631e28, 0xa4506cebde82bde9, 0xbef9a3f7b2c67915, 0xc67178f2e372532b, 0xca273eceea26619c, 0xd186b8c721c0c207,
  0xeada7dd6cde0eb1e, 0xf57d4f7fee6ed178, 0x06f067aa72176fba, 0x0a637dc5a2c898a6, 0x113f9804bef90dae, 0x1b710b35131c471b,
  0x28db77f523047d84, 0x32caab7b40c72493, 0x3c9ebe0a15c9bebc, 0x431d67c49c100d4c, 0x4cc5d4becb3e42b6, 0x597f299cfc657e2a,
  0x5fcb6fab3ad6faec, 0x6c44198c4a475817,
}
local function rotr64(x, n) return (x >> n) | (x << (64 - n)) end
local function sha512(msg)
  local h = {0x6a09e667f3bcc908, 0xbb67ae8584caa73b, 0x3c6ef372fe94f82b, 0xa54ff53a5f1d36f1,
    0x510e527fade682d1, 0x9b05688c2b3e6c1f, 0x1f83d9abfb41bd6b, 0x5be0cd19137e2179}
  local ml = #msg * 8
  msg = msg .. '\128' .. srep('\0', (111 - #msg) % 128) .. spack('>I8I8', 0, ml)
  for chunk = 1, #msg, 128 do
    local w = {}
    for i = 0, 15 do w[i] = sunpack('>i8', msg, chunk + i * 8) end
    for i = 16, 79 do
      local s0 = rotr64(w[i - 15], 1) ~ rotr64(w[i - 15], 8) ~ (w[i - 15] >> 7)
      local s1 = rotr64(w[i - 2], 19) ~ rotr64(w[i - 2], 61) ~ (w[i - 2] >> 6)
      w[i] = w[i - 16] + s0 + w[i - 7] + s1
    end
    local a, b, c, d, e, f, g, hh = h[1], h[2], h[3], h[4], h[5], h[6], h[7], h[8]
    for i = 0, 79 do
      local S1 = rotr64(e, 14) ~ rotr64(e, 18) ~ rotr64(e, 41)
      local ch = (e & f) ~ ((~e) & g)
      local t1 = hh + S1 + ch + K512[i + 1] + w[i]
      local S0 = rotr64(a, 28) ~ rotr64(a, 34) ~ rotr64(a, 39)
      local maj = (a & b) ~ (a & c) ~ (b & c)
      hh, g, f, e, d, c, b, a = g, f, e, d + t1, c, b, a, t1 + S0 + maj
    end
    h[1], h[2], h[3], h[4] = h[1] + a, h[2] + b, h[3] + c, h[4] + d
    h[5], h[6], h[7], h[8] = h[5] + e, h[6] + f, h[7] + g, h[8] + hh
  end
  return spack('>i8i8i8i8i8i8i8i8', h[1], h[2], h[3], h[4], h[5], h[6], h[7], h[8])
end

local function hex(s) return (s:gsub('.', function(c) return sformat('%02x', sbyte(c)) end)) end
local function hmac(fn, block, key, msg)
  if #key > block then key = fn(key) end
  key = key .. srep('\0', block - #key)
  local ipad = key:gsub('.', function(c) return schar(sbyte(c) ~ 0x36) end)
  local opad = key:gsub('.', function(c) return schar(sbyte(c) ~ 0x5c) end)
  return fn(opad .. fn(ipad .. msg))
end
local function digest(name, fn)
  return function(s, raw)
    if raw_type(s) ~= 'string' then return nil, invalid('hash.' .. name .. ' expects a string') end
    local d = fn(s)
    return raw == true and d or hex(d), nil
  end
end
local function keyed(name, fn, block)
  return function(key, s, raw)
    if raw_type(key) ~= 'string' or raw_type(s) ~= 'string' then return nil, invalid('hash.' .. name .. ' expects a key and a string') end
    local d = hmac(fn, block, key, s)
    return raw == true and d or hex(d), nil
  end
end
W.sha256 = sha256
W.modules.hash = {
  md5 = digest('md5', md5), sha1 = digest('sha1', sha1),
  sha256 = digest('sha256', sha256), sha512 = digest('sha512', sha512),
  hmac_md5 = keyed('hmac_md5', md5, 64), hmac_sha1 = keyed('hmac_sha1', sha1, 64),
  hmac_sha256 = keyed('hmac_sha256', sha256, 64), hmac_sha512 = keyed('hmac_sha512', sha512, 128),
}
