---@meta uuid

-- Wippy API stubs for lua-language-server (completion and hover only; never executed).
-- In a workflow, v1/v4/v7 are recorded, so a replay sees the same values.

---@class uuid
---@field NAMESPACE_DNS string
---@field NAMESPACE_URL string
---@field NAMESPACE_OID string
---@field NAMESPACE_X500 string
local uuid = {}

---@return string|nil id
---@return wippy.Error|nil err
function uuid.v1() end

---A random UUID.
---@return string|nil id
---@return wippy.Error|nil err
function uuid.v4() end

---A time-ordered UUID.
---@return string|nil id
---@return wippy.Error|nil err
function uuid.v7() end

---A name-based UUID (MD5); the same inputs always give the same UUID.
---@param namespace string a UUID such as `uuid.NAMESPACE_URL`
---@param name string
---@return string|nil id
---@return wippy.Error|nil err
function uuid.v3(namespace, name) end

---A name-based UUID (SHA-1); the same inputs always give the same UUID.
---@param namespace string
---@param name string
---@return string|nil id
---@return wippy.Error|nil err
function uuid.v5(namespace, name) end

---Whether `s` is a UUID string.
---@param s any
---@return boolean
function uuid.validate(s) end

---The version digit of a UUID.
---@param s string
---@return integer|nil
---@return wippy.Error|nil err
function uuid.version(s) end

---The variant of a UUID (`RFC4122` for the usual ones).
---@param s string
---@return string|nil
---@return wippy.Error|nil err
function uuid.variant(s) end

---What a UUID says about itself: version, variant, and for v1/v7 the timestamp (unix seconds; v1 also node).
---@param s string
---@return { version: integer, variant: string, timestamp?: number, node?: string }|nil
---@return wippy.Error|nil err
function uuid.parse(s) end

---A UUID in another form: `standard` (default), `simple` (no dashes) or `urn`.
---@param s string
---@param form? "standard"|"simple"|"urn"
---@return string|nil
---@return wippy.Error|nil err
function uuid.format(s, form) end

return uuid
