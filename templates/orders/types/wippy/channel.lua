---@meta channel

-- Wippy API stubs for lua-language-server (completion and hover only; never executed).

---A Go-style channel. Receiving blocks the running coroutine, not the process.
---@class wippy.Channel
local Channel = {}

---Sends a value; blocks while the buffer is full. Raises on a closed channel.
---@param value any
---@return boolean
function Channel:send(value) end

---Receives a value; `ok` is false once the channel is closed and drained.
---@return any value
---@return boolean ok
function Channel:receive() end

---Closes the channel; waiting receivers get `nil, false`.
function Channel:close() end

---A receive case for `channel.select`.
---@return wippy.SelectCase
function Channel:case_receive() end

---A send case for `channel.select`.
---@param value any
---@return wippy.SelectCase
function Channel:case_send(value) end

---Number of buffered values.
---@return integer
function Channel:len() end

---Buffer capacity (0 for unbuffered).
---@return integer
function Channel:cap() end

---@return boolean
function Channel:is_closed() end

---@class wippy.SelectCase

---The outcome of `channel.select`: test `result.channel == ch` to see which case fired.
---@class wippy.SelectResult
---@field channel? wippy.Channel the channel whose case fired
---@field value any the received (or sent) value
---@field ok boolean false when a receive saw a closed channel
---@field default? boolean true when the `default` case was taken

---Global: make channels and wait on several at once.
---@class channel
channel = {}

---Makes a channel with a buffer of `size` values (0 or nil: unbuffered).
---@param size? integer
---@return wippy.Channel
function channel.new(size) end

---Waits until one case is ready (cases are tried in order) and runs it.
---```lua
---local r = channel.select{inbox:case_receive(), timeout:case_receive()}
---if r.channel == timeout then ... end
---```
---@param cases { [integer]: wippy.SelectCase, default?: boolean } cases in order; `default = true` returns at once when none is ready
---@return wippy.SelectResult
function channel.select(cases) end

---Whether `value` is a channel.
---@param value any
---@return boolean
function channel.is_channel(value) end

return channel
