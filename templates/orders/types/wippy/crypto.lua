---@meta crypto

-- Wippy API stubs for lua-language-server (completion and hover only; never executed).
-- Byte strings are plain Lua strings. In a workflow, random bytes (and so random strings,
-- UUIDs and encryption nonces) are recorded, so a replay sees the same values.

---Random bytes, strings and UUIDs from a cryptographic source.
---@class crypto.random
local random = {}

---`n` random bytes (1 to 1048576).
---@param n integer
---@return string|nil bytes
---@return wippy.Error|nil err
function random.bytes(n) end

---A random string of `n` characters drawn from `charset` (default A-Z, a-z, 0-9).
---@param n integer
---@param charset? string
---@return string|nil
---@return wippy.Error|nil err
function random.string(n, charset) end

---A random (version 4) UUID.
---@return string|nil id
---@return wippy.Error|nil err
function random.uuid() end

---HMAC signatures, as lowercase hex.
---@class crypto.hmac
local hmac = {}

---HMAC-SHA256 of `data` under `key` (not empty), as hex.
---@param key string
---@param data string
---@return string|nil hex
---@return wippy.Error|nil err
function hmac.sha256(key, data) end

---HMAC-SHA512 of `data` under `key` (not empty), as hex.
---@param key string
---@param data string
---@return string|nil hex
---@return wippy.Error|nil err
function hmac.sha512(key, data) end

---Authenticated encryption with a fresh random 12-byte nonce. The result is
---nonce .. ciphertext .. 16-byte tag, the form `crypto.decrypt` takes.
---@class crypto.encrypt
local encrypt = {}

---AES-GCM; `key` is 16, 24 or 32 bytes (AES-128/192/256).
---```lua
---local key = crypto.random.bytes(32)
---local sealed, err = crypto.encrypt.aes("secret", key)
---```
---@param data string
---@param key string
---@param aad? string additional data that is authenticated but not encrypted
---@return string|nil sealed
---@return wippy.Error|nil err
function encrypt.aes(data, key, aad) end

---ChaCha20-Poly1305; `key` is 32 bytes.
---@param data string
---@param key string
---@param aad? string additional data that is authenticated but not encrypted
---@return string|nil sealed
---@return wippy.Error|nil err
function encrypt.chacha20(data, key, aad) end

---Opens what `crypto.encrypt` sealed; a wrong key, aad or a tampered message is an error.
---@class crypto.decrypt
local decrypt = {}

---@param sealed string nonce .. ciphertext .. tag, as `crypto.encrypt.aes` returns it
---@param key string the 16, 24 or 32 byte key it was sealed with
---@param aad? string the additional data it was sealed with
---@return string|nil data
---@return wippy.Error|nil err
function decrypt.aes(sealed, key, aad) end

---@param sealed string nonce .. ciphertext .. tag, as `crypto.encrypt.chacha20` returns it
---@param key string the 32 byte key it was sealed with
---@param aad? string the additional data it was sealed with
---@return string|nil data
---@return wippy.Error|nil err
function decrypt.chacha20(sealed, key, aad) end

---@alias wippy.JwtAlgorithm "HS256"|"HS384"|"HS512"|"RS256"

---JSON Web Tokens.
---@class crypto.jwt
local jwt = {}

---Signs `payload` (the claims; an optional `_header` table adds header fields).
---An unknown algorithm falls back to HS256, as the platform does.
---```lua
---local token, err = crypto.jwt.encode({sub = "user-1", exp = time.now():unix() + 3600}, secret)
---```
---@param payload table
---@param key string the HMAC secret, or a PEM private key for RS256
---@param alg? wippy.JwtAlgorithm default "HS256"
---@return string|nil token
---@return wippy.Error|nil err
function jwt.encode(payload, key, alg) end

---Checks the signature, `exp` and `nbf` of a token and returns its claims.
---@param token string
---@param key string the HMAC secret, or a PEM public key for RS256
---@param alg? wippy.JwtAlgorithm default "HS256"; the token's header must name the same algorithm
---@param require_exp? boolean default true: a token without `exp` is rejected
---@return table|nil claims
---@return wippy.Error|nil err
function jwt.verify(token, key, alg, require_exp) end

---Cryptographic randomness, HMAC, authenticated encryption, key derivation and JWT.
---@class crypto
---@field random crypto.random
---@field hmac crypto.hmac
---@field encrypt crypto.encrypt
---@field decrypt crypto.decrypt
---@field jwt crypto.jwt
local crypto = {}

---Derives a key of `key_length` bytes from a password (PBKDF2).
---```lua
---local key, err = crypto.pbkdf2(password, salt, 100000, 32)
---```
---@param password string not empty
---@param salt string not empty
---@param iterations integer 1 to 10000000
---@param key_length integer bytes
---@param hash? "sha256"|"sha512" default "sha256"
---@return string|nil key raw bytes
---@return wippy.Error|nil err
function crypto.pbkdf2(password, salt, iterations, key_length, hash) end

---Whether two strings are equal, in a time that does not depend on where they differ
---(compare secrets and signatures with this, not `==`). False when either is not a string.
---@param a string
---@param b string
---@return boolean
function crypto.constant_time_compare(a, b) end

return crypto
