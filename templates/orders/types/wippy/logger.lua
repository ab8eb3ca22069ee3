---@meta logger

-- Wippy API stubs for lua-language-server (completion and hover only; never executed).
-- Call the methods with a colon: `logger:info("charged", {order = id})`.
-- Not available in workflows (use `print`, which is always there).

---@class logger
local logger = {}

---@param message string
---@param fields? table
function logger:debug(message, fields) end

---@param message string
---@param fields? table
function logger:info(message, fields) end

---@param message string
---@param fields? table
function logger:warn(message, fields) end

---@param message string
---@param fields? table
function logger:error(message, fields) end

---A logger that adds `fields` to every line.
---@param fields table
---@return logger
function logger:with(fields) end

---A child logger named `<parent>.<name>`.
---@param name string
---@return logger
function logger:named(name) end

return logger
