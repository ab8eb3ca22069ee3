---@meta process

-- Wippy API stubs for lua-language-server (completion and hover only; never executed).

---A message value wrapper; call `:data()` for the Lua value.
---@class wippy.Payload
local Payload = {}

---The carried Lua value (decoded, for a JSON payload).
---@return any
function Payload:data() end

---Same as `data()`.
---@return any
function Payload:unmarshal() end

---The payload's format: one of `payload.format` (`lua/any` for Lua values, `golang/error` for errors).
---@return string
function Payload:get_format() end

---The same data in another format (`payload.format.JSON`, `.LUA`; `.STRING` for strings).
---@param format string
---@return wippy.Payload|nil
---@return wippy.Error|nil err
function Payload:transcode(format) end

---A message taken from `process.inbox()` or `process.listen(topic, {message = true})`.
---@class wippy.Message
local Message = {}

---The topic it was sent on.
---@return string
function Message:topic() end

---The sender PID, or "" when unknown (never nil).
---@return string
function Message:from() end

---The payload: one Payload, a table of Payloads when several values were sent, or nil.
---```lua
---local decision = msg:payload():data()
---```
---@return wippy.Payload|wippy.Payload[]|nil
function Message:payload() end

---An event from `process.events()`.
---@class wippy.ProcessEvent
---@field kind "pid.exit"|"pid.cancel"|"pid.link.down"
---@field from string the PID the event is about
---@field result? { value: any, error: any } the exit result (EXIT)
---@field reason? string why (CANCEL)
---@field at? integer when, in milliseconds

---Builds spawns with context, options, a name or first messages (immutable: each `with_*` returns a copy).
---@class wippy.Spawner
local Spawner = {}

---@param values table context values passed to the child (`ctx.get` there)
---@return wippy.Spawner
function Spawner:with_context(values) end

---@param options table e.g. `{["temporal.workflow.id"] = "order-1"}`
---@return wippy.Spawner
function Spawner:with_options(options) end

---Registers the child under a name; spawning a workflow again by name returns the same PID.
---@param name string
---@return wippy.Spawner
function Spawner:with_name(name) end

---Runs the child as `actor` (see `security.new_actor`); it reads it with `security.actor()`.
---@param actor wippy.Actor
---@return wippy.Spawner
function Spawner:with_actor(actor) end

---Runs the child with `scope` (see `security.new_scope`); it reads it with `security.scope()`.
---@param scope wippy.Scope
---@return wippy.Spawner
function Spawner:with_scope(scope) end

---Queues a message delivered right after the spawn.
---@param topic string
---@param ... any
---@return wippy.Spawner
function Spawner:with_message(topic, ...) end

---@param id string entry ID, e.g. "app.workflows:order_saga"
---@param host string a process.host or temporal.worker ID (inside a workflow: the task queue)
---@param ... any input
---@return string|nil pid
---@return wippy.Error|nil err
function Spawner:spawn(id, host, ...) end

---@param id string
---@param host string
---@param ... any
---@return string|nil pid
---@return wippy.Error|nil err
function Spawner:spawn_monitored(id, host, ...) end

---@param id string
---@param host string
---@param ... any
---@return string|nil pid
---@return wippy.Error|nil err
function Spawner:spawn_linked(id, host, ...) end

---@param id string
---@param host string
---@param ... any
---@return string|nil pid
---@return wippy.Error|nil err
function Spawner:spawn_linked_monitored(id, host, ...) end

---Spawns and waits for the result.
---@param id string
---@param host string
---@param ... any
---@return any result
---@return wippy.Error|nil err
function Spawner:exec(id, host, ...) end

---@class wippy.ProcessEventKinds
---@field EXIT "pid.exit"
---@field CANCEL "pid.cancel"
---@field LINK_DOWN "pid.link.down"

---@class wippy.NameRegistry
local NameRegistry = {}

---Registers `name` for `pid` (default: this process).
---@param name string
---@param pid? string
---@param scope? any
---@return boolean|nil ok
---@return wippy.Error|nil err
function NameRegistry.register(name, pid, scope) end

---@param name string
---@return string|nil pid
---@return wippy.Error|nil err
function NameRegistry.lookup(name) end

---@param name string
---@return boolean|nil ok
---@return wippy.Error|nil err
function NameRegistry.unregister(name) end

---Global: this process, spawning, messages and events.
---@class process
---@field event wippy.ProcessEventKinds
---@field registry wippy.NameRegistry
process = {}

---This process's PID string (there is no `process.self`).
---@return string
function process.pid() end

---This process's frame ID.
---@return string
function process.id() end

---Starts a process or workflow and returns its PID.
---```lua
---local pid, err = process.spawn("app.workflows:order_saga", "app:temporal_worker", order)
---```
---@param id string entry ID
---@param host string a process.host or temporal.worker ID (inside a workflow: the task queue)
---@param ... any input
---@return string|nil pid
---@return wippy.Error|nil err
function process.spawn(id, host, ...) end

---Like `spawn`; this process also gets the child's EXIT event on `process.events()`.
---@param id string
---@param host string
---@param ... any
---@return string|nil pid
---@return wippy.Error|nil err
function process.spawn_monitored(id, host, ...) end

---Like `spawn`; an abnormal exit of either side kills the other (unless trap_links is set).
---@param id string
---@param host string
---@param ... any
---@return string|nil pid
---@return wippy.Error|nil err
function process.spawn_linked(id, host, ...) end

---@param id string
---@param host string
---@param ... any
---@return string|nil pid
---@return wippy.Error|nil err
function process.spawn_linked_monitored(id, host, ...) end

---Spawns and waits for the result (a child workflow inside a workflow).
---@param id string
---@param host string
---@param ... any
---@return any result
---@return wippy.Error|nil err
function process.exec(id, host, ...) end

---Sends values on a topic to a PID or a registered name (fire-and-forget; to a workflow: a signal).
---Topics starting with "@" are reserved.
---@param dest string
---@param topic string
---@param ... any
---@return boolean|nil ok
---@return wippy.Error|nil err
function process.send(dest, topic, ...) end

---The channel of messages on topics nobody `listen`s to.
---```lua
---local msg = process.inbox():receive()
---```
---@return wippy.Channel
function process.inbox() end

---The channel of process events (EXIT of monitored children, CANCEL, LINK_DOWN).
---@return wippy.Channel
function process.events() end

---A channel of the values sent on `topic` (Message objects with `{message = true}`).
---@param topic string
---@param options? { message?: boolean }
---@return wippy.Channel
function process.listen(topic, options) end

---Stops a `listen`.
---@param ch wippy.Channel
function process.unlisten(ch) end

---Asks a process to stop: it receives a CANCEL event.
---@param dest string
---@param reason? string
---@return boolean|nil ok
---@return wippy.Error|nil err
function process.cancel(dest, reason) end

---Ends a process at once; it exits with the error "process terminated".
---@param dest string
---@return boolean|nil ok
---@return wippy.Error|nil err
function process.terminate(dest) end

---Receive an EXIT event when `dest` ends (not in workflows: children are monitored already).
---@param dest string
---@return boolean|nil ok
---@return wippy.Error|nil err
function process.monitor(dest) end

---@param dest string
---@return boolean|nil ok
---@return wippy.Error|nil err
function process.unmonitor(dest) end

---@param dest string
---@return boolean|nil ok
---@return wippy.Error|nil err
function process.link(dest) end

---@param dest string
---@return boolean|nil ok
---@return wippy.Error|nil err
function process.unlink(dest) end

---@param options { trap_links?: boolean }
---@return boolean|nil ok
---@return wippy.Error|nil err
function process.set_options(options) end

---In a workflow: continue as new (Temporal's ContinueAsNew). The run closes and a new run of the
---same workflow ID and PID starts on `id` (nil: this entry) with `...` as its input; the call
---does not return. An unknown `id` fails NotFound. Functions and processes get Invalid here.
---@param id string|nil
---@param ... any
---@return nil
---@return wippy.Error|nil err
function process.upgrade(id, ...) end

---The options set on this process (`trap_links`, false by default).
---@return { trap_links: boolean }
function process.get_options() end

---A spawner carrying context values.
---@param values table
---@return wippy.Spawner
function process.with_context(values) end

---A spawner carrying spawn options.
---@param options table
---@return wippy.Spawner
function process.with_options(options) end

---Global: make a Payload.
---@class payload
---@field format { JSON: string, YAML: string, STRING: string, BYTES: string, MSGPACK: string, LUA: string, GOLANG: string, ERROR: string }
payload = {}

---@param value any
---@return wippy.Payload
function payload.new(value) end

---Global alias of `process.listen`.
---@param topic string
---@param options? { message?: boolean }
---@return wippy.Channel
function subscribe(topic, options) end

---Global alias of `process.unlisten`.
---@param ch wippy.Channel
function unsubscribe(ch) end

return process
