-- `@wippy/funcs.lua`: the `funcs` module: `funcs.call` / `funcs.async` of a registry function
-- (`ns:name`), and executors (`funcs.new()`) that carry context, options, actor and scope.
-- Every function returns `value, err`; a blocking call parks the calling Lua thread.
local W = ...
local raw_setmt, raw_type = setmetatable, type
local new_error, invalid, shallow, merge = W.new_error, W.invalid, W.shallow, W.merge

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
