-- `@wippy/services.lua`: the modules that talk to the host through commands:
-- `funcs`, `ctx`, `logger` (+ `print`), `env`, `uuid`, `workflow`.
-- Every function returns `value, err`; blocking calls park the calling Lua thread.
local W = ...
local raw_setmt, raw_type, raw_tostring, raw_error = setmetatable, type, tostring, error
local tpack, tconcat = table.pack, table.concat
local new_error = W.new_error

local function shallow(t)
  local c = {}
  if t then for k, v in next, t do c[k] = v end end
  return c
end
W.shallow = shallow
local function merge(a, b)
  local c = shallow(a)
  if b then for k, v in next, b do c[k] = v end end
  return c
end
W.merge = merge
local function invalid(msg) return new_error({message = msg, kind = 'Invalid', retryable = false}) end
W.invalid = invalid

-- funcs ----------------------------------------------------------------------
local function check_target(id)
  if raw_type(id) ~= 'string' or id == '' then return 'function target is empty' end
  local ns, name = id:match('^(.*):(.*)$')
  if not ns or ns == '' then return 'function target ' .. id .. ' has no namespace (use ns:name)' end
  if name == '' then return 'function target ' .. id .. ' has no name (use ns:name)' end
  return nil
end

local FutureMT = {__name = 'future'}
local Future = {}
FutureMT.__index = Future
function Future:response() return self.ch end
function Future:channel() return self.ch end
function Future:is_complete() return self.done end
function Future:is_canceled() return self.canceled end
function Future:result()
  if not self.done then return nil, nil end
  if self.err then return nil, self.err end
  return W.payload(self.value), nil
end
function Future:error()
  if self.err then return self.err, true end
  return nil, false
end
function Future:cancel()
  if self.done then return false, nil end
  W.forget(self.tag)
  local _, err = W.call('funcs.cancel', {self.tag})
  self.canceled = true
  self.done = true
  self.err = new_error({message = 'call canceled', kind = 'Canceled', retryable = false})
  self.ch:close()
  if err then return false, err end
  return true, nil
end

local function call_options(ex)
  if not ex then return nil end
  local o = shallow(ex.options)
  if ex.context then o.context = ex.context end
  if next(o) == nil then return nil end
  return o
end

local function do_call(ex, id, ...)
  local bad = check_target(id)
  if bad then return nil, invalid(bad) end
  local args = W.pack(id, ...)
  local v, err = W.call('funcs.call', args, call_options(ex))
  return v, err
end
local function do_async(ex, id, ...)
  local bad = check_target(id)
  if bad then return nil, invalid(bad) end
  local f = raw_setmt({ch = W.new_channel(1), done = false, canceled = false}, FutureMT)
  f.tag = W.emit('funcs.async', W.pack(id, ...), call_options(ex), function(v, err)
    f.done = true
    -- The platform delivers a failed call's error on the channel too (ok = true).
    if err then f.err = err; W.offer(f.ch, err); f.ch:close()
    else f.value = v; W.offer(f.ch, W.payload(v)); f.ch:close() end
  end)
  return f, nil
end

local ExecMT = {__name = 'funcs.executor'}
local Exec = {}
ExecMT.__index = Exec
local function with(ex, field, v)
  local c = shallow(ex)
  c[field] = v
  return raw_setmt(c, ExecMT)
end
function Exec:with_context(t) return with(self, 'context', merge(self.context, t)), nil end
function Exec:with_options(t) return with(self, 'options', merge(self.options, t)), nil end
-- Actor and scope travel in the callee's context (see @wippy/security.lua).
function Exec:with_actor(a) return with(self, 'context', merge(self.context, W.security_context(a, nil))), nil end
function Exec:with_scope(s) return with(self, 'context', merge(self.context, W.security_context(nil, s))), nil end
function Exec:call(id, ...) local v, e = do_call(self, id, ...) return v, e end
function Exec:async(id, ...) local v, e = do_async(self, id, ...) return v, e end

W.modules.funcs = {
  call = function(id, ...) local v, e = do_call(nil, id, ...) return v, e end,
  async = function(id, ...) local v, e = do_async(nil, id, ...) return v, e end,
  new = function() return raw_setmt({}, ExecMT) end,
}

-- ctx --------------------------------------------------------------------------
W.modules.ctx = {
  get = function(k)
    if k == nil or k == '' then return nil, invalid('context key must be a non-empty string') end
    local v = W.spec.context[k]
    if W.SECURITY_KEYS[k] then v = nil end
    if v == nil then return nil, new_error({message = 'context key ' .. raw_tostring(k) .. ' not found', kind = 'NotFound', retryable = false}) end
    return v, nil
  end,
  all = function()
    local c = shallow(W.spec.context)
    for k in next, W.SECURITY_KEYS do c[k] = nil end
    return c, nil
  end,
}

-- logger + print -----------------------------------------------------------------
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

-- env ------------------------------------------------------------------------------
W.modules.env = {
  get = function(k)
    if raw_type(k) ~= 'string' or k == '' then return nil, invalid('env.get expects a variable name') end
    local v, err = W.call('env.get', {k})
    return v, err
  end,
}

-- uuid (v1/v4/v7 from the host; v3/v5 are pure and deterministic) -------------------
local function gen(version)
  local v, err = W.call('uuid.generate', {version})
  return v, err
end
-- A UUID in standard, simple, urn or braced form -> 32 lowercase hex digits.
local function parse_uuid(s)
  if raw_type(s) ~= 'string' then return nil, invalid('UUID must be a string') end
  local t = s:lower():gsub('^urn:uuid:', ''):gsub('^{(.*)}$', '%1')
  local hex
  if #t == 36 and t:match('^%x+%-%x+%-%x+%-%x+%-%x+$') and t:sub(9, 9) == '-' and t:sub(14, 14) == '-' and t:sub(19, 19) == '-' and t:sub(24, 24) == '-' then
    hex = t:gsub('-', '')
  elseif #t == 32 and t:match('^%x+$') then hex = t end
  if not hex then return nil, invalid('invalid UUID ' .. s) end
  return hex, nil
end
W.parse_uuid = parse_uuid
local function variant_of(hex)
  local b = tonumber(hex:sub(17, 18), 16)
  if b & 0x80 == 0 then return 'NCS' end
  if b & 0xc0 == 0x80 then return 'RFC4122' end
  if b & 0xe0 == 0xc0 then return 'Microsoft' end
  return 'Future'
end
W.modules.uuid = {
  v1 = function() local v, e = gen('v1') return v, e end,
  v4 = function() local v, e = gen('v4') return v, e end,
  v7 = function() local v, e = gen('v7') return v, e end,
  v3 = function(ns, name) local v, e = W.uuid_hashed(3, ns, name) return v, e end,
  v5 = function(ns, name) local v, e = W.uuid_hashed(5, ns, name) return v, e end,
  validate = function(s) return parse_uuid(s) ~= nil end,
  version = function(s)
    local hex, err = parse_uuid(s)
    if not hex then return nil, err end
    return tonumber(hex:sub(13, 13), 16), nil
  end,
  variant = function(s)
    local hex, err = parse_uuid(s)
    if not hex then return nil, err end
    return variant_of(hex), nil
  end,
  parse = function(s)
    local hex, err = parse_uuid(s)
    if not hex then return nil, err end
    local version = tonumber(hex:sub(13, 13), 16)
    local info = {version = version, variant = variant_of(hex)}
    if version == 1 then
      -- 100 ns intervals since 1582-10-15, as unix seconds
      local t = (tonumber(hex:sub(14, 16), 16) << 48) | (tonumber(hex:sub(9, 12), 16) << 32) | tonumber(hex:sub(1, 8), 16)
      info.timestamp = (t - 122192928000000000) / 1e7
      info.node = hex:sub(21, 32)
      info.clock_seq = tonumber(hex:sub(17, 20), 16) & 0x3fff
    elseif version == 7 then
      info.timestamp = tonumber(hex:sub(1, 12), 16) / 1e3
    end
    return info, nil
  end,
  format = function(s, how)
    local hex, err = parse_uuid(s)
    if not hex then return nil, err end
    local std = hex:sub(1, 8) .. '-' .. hex:sub(9, 12) .. '-' .. hex:sub(13, 16) .. '-' .. hex:sub(17, 20) .. '-' .. hex:sub(21, 32)
    if how == nil or how == 'standard' then return std, nil end
    if how == 'simple' then return hex, nil end
    if how == 'urn' then return 'urn:uuid:' .. std, nil end
    return nil, invalid('unknown UUID format ' .. raw_tostring(how) .. ' (use standard, simple or urn)')
  end,
  NAMESPACE_DNS = '6ba7b810-9dad-11d1-80b4-00c04fd430c8',
  NAMESPACE_URL = '6ba7b811-9dad-11d1-80b4-00c04fd430c8',
  NAMESPACE_OID = '6ba7b812-9dad-11d1-80b4-00c04fd430c8',
  NAMESPACE_X500 = '6ba7b814-9dad-11d1-80b4-00c04fd430c8',
}

-- workflow ---------------------------------------------------------------------------
W.modules.workflow = {
  info = function() return shallow(W.spec.workflow), nil end,
  version = function(change_id, min, max)
    if raw_type(change_id) ~= 'string' then return nil, invalid('workflow.version expects a change id') end
    local v, err = W.call('workflow.version', {change_id, min, max})
    return v, err
  end,
  exec = function(id, ...)
    local v, err = W.call('process.exec', W.pack(id, nil, ...), {workflow = true})
    return v, err
  end,
  history_length = function()
    local h, err = W.call('workflow.history', {})
    if err then return nil, err end
    return h.length, nil
  end,
  history_size = function()
    local h, err = W.call('workflow.history', {})
    if err then return nil, err end
    return h.size, nil
  end,
}
