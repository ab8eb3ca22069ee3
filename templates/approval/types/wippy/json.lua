---@meta json

-- Wippy API stubs for lua-language-server (completion and hover only; never executed).

---@class json
local json = {}

---Encodes a Lua value as JSON text (an empty table encodes as `[]`).
---@param value any
---@return string|nil text
---@return wippy.Error|nil err
function json.encode(value) end

---Decodes JSON text.
---@param text string
---@return any value
---@return wippy.Error|nil err
function json.decode(text) end

return json
