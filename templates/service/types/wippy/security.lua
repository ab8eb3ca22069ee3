---@meta security

-- Wippy API stubs for lua-language-server (completion and hover only; never executed).
-- Actors and scopes travel with the context: a spawner's or executor's `with_actor` /
-- `with_scope` hands them to the child (and its children). wippy evaluates no policies.

---Who a call runs as.
---@class wippy.Actor
local Actor = {}

---@return string
function Actor:id() end

---A copy of the actor's metadata.
---@return table
function Actor:meta() end

---A set of policies (opaque values, usually policy IDs).
---@class wippy.Scope
local Scope = {}

---A copy of the scope's policies, as an array.
---@return any[]
function Scope:policies() end

---A new scope with `policy` added (this one is unchanged).
---@param policy any
---@return wippy.Scope
function Scope:with(policy) end

---@param policy any
---@return boolean
function Scope:contains(policy) end

---Actors and scopes.
---@class security
local security = {}

---```lua
---local actor = security.new_actor("user-1", {role = "admin"})
---process.with_context({}):with_actor(actor):spawn("app:worker", "app:processes")
---```
---@param id string not empty
---@param meta? table
---@return wippy.Actor|nil
---@return wippy.Error|nil err
function security.new_actor(id, meta) end

---@param policies? any[]
---@return wippy.Scope|nil
---@return wippy.Error|nil err
function security.new_scope(policies) end

---The actor this code runs as (set by the caller's `with_actor`), or nil.
---@return wippy.Actor|nil
function security.actor() end

---The scope this code runs with (set by the caller's `with_scope`), or nil.
---@return wippy.Scope|nil
function security.scope() end

return security
