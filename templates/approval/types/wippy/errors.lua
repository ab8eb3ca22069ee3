---@meta errors

-- Wippy API stubs for lua-language-server (completion and hover only; never executed).

---@alias wippy.ErrorKind
---| "NotFound"
---| "Invalid"
---| "AlreadyExists"
---| "PermissionDenied"
---| "Unavailable"
---| "Internal"
---| "Canceled"
---| "Conflict"
---| "Timeout"
---| "RateLimited"
---| "Unknown"

---An error value. Wippy functions return `value, err`; `err` is nil on success.
---@class wippy.Error
local Error = {}

---The error kind, a CamelCase string such as "NotFound" (compare with `errors.NOT_FOUND`).
---@return wippy.ErrorKind|string|nil
function Error:kind() end

---The message text.
---@return string
function Error:message() end

---Whether retrying may succeed; a workflow activity with `retryable = false` is not retried.
---@return boolean|nil
function Error:retryable() end

---The message text (Go-style alias of `message()`).
---@return string
function Error:error() end

---Structured details attached when the error was made.
---@return table|nil
function Error:details() end

---The wrapped error, if this one came from `errors.wrap`.
---@return wippy.Error|nil
function Error:unwrap() end

--- The Lua call stack captured where the error was created.
---@return string
function Error:stack() end

---@class wippy.ErrorSpec
---@field message string
---@field kind? wippy.ErrorKind|string
---@field retryable? boolean
---@field details? table

---Global: make, wrap and inspect error values.
---@class errors
---@field NOT_FOUND "NotFound"
---@field INVALID "Invalid"
---@field ALREADY_EXISTS "AlreadyExists"
---@field PERMISSION_DENIED "PermissionDenied"
---@field UNAVAILABLE "Unavailable"
---@field INTERNAL "Internal"
---@field CANCELED "Canceled"
---@field CONFLICT "Conflict"
---@field TIMEOUT "Timeout"
---@field RATE_LIMITED "RateLimited"
---@field UNKNOWN "Unknown"
errors = {}

---Makes an error from a message, a spec table, or a kind and a message.
---```lua
---return nil, errors.new({message = "card declined", kind = errors.INVALID, retryable = false})
---```
---@param spec string|wippy.ErrorSpec|wippy.Error
---@param message? string used when `spec` is a kind
---@return wippy.Error
function errors.new(spec, message) end

---Wraps an error with context; the kind and retryable flag are kept. Returns nil for nil.
---@param err wippy.Error|string|nil
---@param message string
---@return wippy.Error|nil
function errors.wrap(err, message) end

---Whether `err` (or any error it wraps) has the given kind.
---@param err any
---@param kind wippy.ErrorKind|string
---@return boolean
function errors.is(err, kind) end

---The error wrapped by `err`, or nil.
---@param err any
---@return wippy.Error|nil
function errors.unwrap(err) end

--- The call stack captured in `err` (as `err:stack()`).
---@param err wippy.Error
---@return string|nil
function errors.call_stack(err) end

return errors
