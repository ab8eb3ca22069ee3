---@meta funcs

-- Wippy API stubs for lua-language-server (completion and hover only; never executed).
-- Load with `local funcs = require("funcs")` and list `funcs` in the entry's `modules`.

---The result of `funcs.async`.
---@class wippy.Future
local Future = {}

---A channel that yields one Payload when the call finishes (`:data()` on it).
---@return wippy.Channel
function Future:response() end

---Same as `response()`.
---@return wippy.Channel
function Future:channel() end

---The result if finished, without blocking.
---@return any
function Future:result() end

---The error if the call failed.
---@return wippy.Error|nil
function Future:error() end

---@return boolean
function Future:is_complete() end

---@return boolean
function Future:is_canceled() end

---Cancels the call (in a workflow: requests the activity's cancellation).
---@return boolean|nil ok
---@return wippy.Error|nil err
function Future:cancel() end

---An immutable call builder from `funcs.new()`; each `with_*` returns a new executor.
---@class wippy.Executor
local Executor = {}

---@param values table context values the callee reads with `ctx.get`
---@return wippy.Executor
function Executor:with_context(values) end

---@param options table e.g. `{timeout = 5000}` (milliseconds) or activity options such as `{["activity.start_to_close_timeout"] = "30s"}`
---@return wippy.Executor
function Executor:with_options(options) end

---Runs the child as `actor` (see `security.new_actor`); it reads it with `security.actor()`.
---@param actor wippy.Actor
---@return wippy.Executor
function Executor:with_actor(actor) end

---Runs the child with `scope` (see `security.new_scope`); it reads it with `security.scope()`.
---@param scope wippy.Scope
---@return wippy.Executor
function Executor:with_scope(scope) end

---@param id string
---@param ... any
---@return any result
---@return wippy.Error|nil err
function Executor:call(id, ...) end

---@param id string
---@param ... any
---@return wippy.Future|nil future
---@return wippy.Error|nil err
function Executor:async(id, ...) end

---Calls other registry functions (in a workflow: as recorded activities).
---@class funcs
local funcs = {}

---Calls a function entry by its full ID and waits for the result.
---```lua
---local receipt, err = funcs.call("app.payments:charge", order)
---```
---@param id string full entry ID "namespace:name"
---@param ... any arguments
---@return any result
---@return wippy.Error|nil err
function funcs.call(id, ...) end

---Starts a call without waiting.
---@param id string full entry ID "namespace:name"
---@param ... any arguments
---@return wippy.Future|nil future
---@return wippy.Error|nil err
function funcs.async(id, ...) end

---An executor to call with context or options.
---@return wippy.Executor
function funcs.new() end

return funcs
