---@meta events

-- Wippy API stubs for lua-language-server (completion and hover only; never executed).
-- In wippy, events reach subscribers in the same program only (see docs/conformance.md).

---What a subscription's channel receives.
---@class wippy.Event
---@field system string
---@field kind string
---@field path string
---@field data any

---A subscription made by `events.subscribe`.
---@class wippy.Subscription
local Subscription = {}

---The channel that receives a `wippy.Event` per matching `events.send`.
---@return wippy.Channel
function Subscription:channel() end

---Stops the subscription and closes its channel.
---@return boolean ok
---@return wippy.Error|nil err
function Subscription:close() end

---Publish and subscribe to events by system and kind.
---@class events
local events = {}

---Subscribes to the events of `system` (a name, or a pattern where `*` matches anything),
---and only those of `kind` when one is given.
---```lua
---local sub = events.subscribe("orders", "created")
---local ev = sub:channel():receive()
---```
---@param system string
---@param kind? string
---@return wippy.Subscription|nil
---@return wippy.Error|nil err
function events.subscribe(system, kind) end

---Sends an event to every matching subscription.
---@param system string
---@param kind string
---@param path string
---@param data? any
---@return boolean|nil ok
---@return wippy.Error|nil err
function events.send(system, kind, path, data) end

return events
