-- `@wippy/logger.lua`: the `logger` module (levels, `with` fields, `named`) and `print`; both
-- are the host command `logger.log`.
local W = ...
local raw_setmt, raw_type, raw_tostring, raw_error = setmetatable, type, tostring, error
local tpack, tconcat = table.pack, table.concat
local merge = W.merge

local LoggerMT = {__name = 'logger'}
local Logger = {}
LoggerMT.__index = Logger
local function log(self, level, msg, fields)
  local f = merge(self.fields, fields)
  if self.name then f.logger = self.name end
  if next(f) == nil then f = nil end
  local _, err = W.call('logger.log', {level, raw_tostring(msg), f})
  return nil, err
end
for _, level in ipairs({'debug', 'info', 'warn', 'error'}) do
  Logger[level] = function(self, msg, fields)
    if raw_type(self) ~= 'table' or getmetatable(self) ~= LoggerMT then
      raw_error('logger.' .. level .. ' must be called with a colon: logger:' .. level .. '(msg, fields)', 2)
    end
    local v, e = log(self, level, msg, fields)
    return v, e
  end
end
function Logger:with(fields) return raw_setmt({fields = merge(self.fields, fields), name = self.name}, LoggerMT) end
function Logger:named(name)
  local n = self.name and (self.name .. '.' .. raw_tostring(name)) or raw_tostring(name)
  return raw_setmt({fields = self.fields, name = n}, LoggerMT)
end
W.modules.logger = raw_setmt({fields = nil}, LoggerMT)
print = function(...)
  local t = tpack(...)
  local parts = {}
  for i = 1, t.n do parts[i] = raw_tostring(t[i]) end
  W.call('logger.log', {'print', tconcat(parts, '\t')})
end
