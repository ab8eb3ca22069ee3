---@meta base64

-- Wippy API stubs for lua-language-server (completion and hover only; never executed).

---Standard base64 (RFC 4648 alphabet, with `=` padding).
---@class base64
local base64 = {}

---Encodes a byte string.
---@param data string
---@return string|nil text
---@return wippy.Error|nil err
function base64.encode(data) end

---Decodes base64 text (whitespace is ignored); anything else is an Invalid error.
---@param text string
---@return string|nil data
---@return wippy.Error|nil err
function base64.decode(text) end

return base64
