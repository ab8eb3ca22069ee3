---@meta ctx

-- Wippy API stubs for lua-language-server (completion and hover only; never executed).

---Values passed down the call chain with `with_context` (funcs or process spawners).
---@class ctx
local ctx = {}

---One context value; a NotFound error when the key is absent.
---@param key string
---@return any value
---@return wippy.Error|nil err
function ctx.get(key) end

---All context values.
---@return table values
---@return wippy.Error|nil err
function ctx.all() end

return ctx
