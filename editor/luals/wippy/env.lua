---@meta env

-- Wippy API stubs for lua-language-server (completion and hover only; never executed).
-- Not available in workflows: pass configuration in as input instead.

---@class env
local env = {}

---An environment variable, or nil when unset.
---@param name string
---@return string|nil value
---@return wippy.Error|nil err
function env.get(name) end

return env
