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

---Checks data against a JSON Schema (a table or JSON text): true, or false and an Invalid error.
---@param schema table|string
---@param data any
---@return boolean ok
---@return wippy.Error|nil err
function json.validate(schema, data) end

---Like `json.validate`, for data given as JSON text.
---@param schema table|string
---@param text string
---@return boolean ok
---@return wippy.Error|nil err
function json.validate_string(schema, text) end

return json
