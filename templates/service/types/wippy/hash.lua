---@meta hash

-- Wippy API stubs for lua-language-server (completion and hover only; never executed).

---Message digests and HMACs. Each returns lowercase hex, or the raw bytes when `raw` is true.
---@class hash
local hash = {}

---@param data string
---@param raw? boolean true: raw bytes instead of hex
---@return string|nil digest
---@return wippy.Error|nil err
function hash.md5(data, raw) end

---@param data string
---@param raw? boolean true: raw bytes instead of hex
---@return string|nil digest
---@return wippy.Error|nil err
function hash.sha1(data, raw) end

---```lua
---local hex = hash.sha256("hello")
---```
---@param data string
---@param raw? boolean true: raw bytes instead of hex
---@return string|nil digest
---@return wippy.Error|nil err
function hash.sha256(data, raw) end

---@param data string
---@param raw? boolean true: raw bytes instead of hex
---@return string|nil digest
---@return wippy.Error|nil err
function hash.sha512(data, raw) end

---@param key string
---@param data string
---@param raw? boolean true: raw bytes instead of hex
---@return string|nil mac
---@return wippy.Error|nil err
function hash.hmac_md5(key, data, raw) end

---@param key string
---@param data string
---@param raw? boolean true: raw bytes instead of hex
---@return string|nil mac
---@return wippy.Error|nil err
function hash.hmac_sha1(key, data, raw) end

---@param key string
---@param data string
---@param raw? boolean true: raw bytes instead of hex
---@return string|nil mac
---@return wippy.Error|nil err
function hash.hmac_sha256(key, data, raw) end

---@param key string
---@param data string
---@param raw? boolean true: raw bytes instead of hex
---@return string|nil mac
---@return wippy.Error|nil err
function hash.hmac_sha512(key, data, raw) end

return hash
