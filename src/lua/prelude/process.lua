-- `@wippy/process.lua`: the `process` global (identity, spawning, messaging, inbox,
-- listen, events, monitor/link, registry, spawner builder) and Message objects.
-- Messages and events arrive as deliveries and feed external channels.
local W = ...
local raw_setmt, raw_type, raw_tostring, raw_rawget = setmetatable, type, tostring, rawget
local new_error, invalid, shallow, merge = W.new_error, W.invalid, W.shallow, W.merge

local MessageMT = {__name = 'message'}
local Message = {}
function Message:topic() return self._topic end
function Message:from() return self._from or '' end
function Message:payload()
  local p = self._payload
  if #p == 0 then return nil end
  if #p == 1 then return W.payload(p[1]) end
  local all = {}
  for i = 1, #p do all[i] = W.payload(p[i]) end
  return all
end
-- msg.approved-style access reads the (single) payload's data when it is a table.
MessageMT.__index = function(self, k)
  local m = Message[k]
  if m ~= nil then return m end
  local d = raw_rawget(self, '_payload')[1]
  if raw_type(d) == 'table' then return d[k] end
  return nil
end
local function new_message(topic, from, payload)
  return raw_setmt({_topic = topic, _from = from, _payload = payload or {}}, MessageMT)
end

local inbox_ch, events_ch
local listeners = {}   -- topic -> array of {ch, message}
local function inbox()
  inbox_ch = inbox_ch or W.new_channel(0, true)
  return inbox_ch
end
local function events()
  events_ch = events_ch or W.new_channel(0, true)
  return events_ch
end
-- What process.get_options() reports; set_options() updates it once the host agreed.
local options = {trap_links = false}
W.on_reset[#W.on_reset + 1] = function()
  inbox_ch, events_ch, listeners, options = nil, nil, {}, {trap_links = false}
end
local OPTION_KEYS = {trap_links = 'boolean'}
local function set_options(t)
  if raw_type(t) ~= 'table' then return nil, invalid('process.set_options expects a table of options') end
  for k, v in next, t do
    if OPTION_KEYS[k] == nil then return nil, invalid('unknown process option ' .. raw_tostring(k)) end
    if raw_type(v) ~= OPTION_KEYS[k] then return nil, invalid('process option ' .. k .. ' must be a ' .. OPTION_KEYS[k]) end
  end
  local _, err = W.call('process.set_options', W.pack(t))
  if err then return nil, err end
  for k, v in next, t do options[k] = v end
  return true, nil
end

function W.on_message(d)
  local topic = d.topic
  local ls = listeners[topic]
  local payload = d.payload or {}
  if ls and #ls > 0 then
    for i = 1, #ls do
      local l = ls[i]
      if l.message then W.feed(l.ch, new_message(topic, d.from, payload))
      else
        local v = payload[1]
        if #payload > 1 then v = payload end
        W.feed(l.ch, v)
      end
    end
    return
  end
  W.feed(inbox(), new_message(topic, d.from, payload))
end
function W.on_event(e)
  local ev = shallow(e)
  if e.result then
    ev.result = {value = e.result.value, error = W.error_in(e.result.error)}
  end
  W.feed(events(), ev)
end

local function check_topic(topic)
  if raw_type(topic) ~= 'string' or topic == '' then return invalid('topic must be a non-empty string') end
  if topic:sub(1, 1) == '@' then return invalid('topic ' .. topic .. ' is reserved (topics starting with @ are system topics)') end
  return nil
end

local function simple(op, nargs_check)
  return function(...)
    local v, err = W.call(op, W.pack(...))
    return v, err
  end
end

local function spawn_with(opts, flags, id, host, ...)
  if raw_type(id) ~= 'string' or id == '' then return nil, invalid('process.spawn expects an entry id') end
  local o = merge(opts, flags)
  if next(o) == nil then o = nil end
  local v, err = W.call('process.spawn', W.pack(id, host, ...), o)
  return v, err
end
local function exec_with(opts, id, host, ...)
  if raw_type(id) ~= 'string' or id == '' then return nil, invalid('process.exec expects an entry id') end
  local o = opts and next(opts) ~= nil and shallow(opts) or nil
  local v, err = W.call('process.exec', W.pack(id, host, ...), o)
  return v, err
end

-- the spawner builder (immutable) ------------------------------------------------
local SpawnerMT = {__name = 'process.spawner'}
local Spawner = {}
SpawnerMT.__index = Spawner
local function spawner(opts) return raw_setmt({opts = opts or {}}, SpawnerMT) end
local function with(self, k, v)
  local o = shallow(self.opts)
  o[k] = v
  return spawner(o)
end
function Spawner:with_context(t) return with(self, 'context', merge(self.opts.context, t)) end
function Spawner:with_options(t)
  local o = shallow(self.opts)
  for k, v in next, t or {} do o[k] = v end
  return spawner(o)
end
function Spawner:with_name(n) return with(self, 'name', n) end
-- Actor and scope travel in the child's context (see @wippy/security.lua).
function Spawner:with_actor(a) return with(self, 'context', merge(self.opts.context, W.security_context(a, nil))) end
function Spawner:with_scope(s) return with(self, 'context', merge(self.opts.context, W.security_context(nil, s))) end
function Spawner:with_message(topic, ...)
  local msgs = {}
  for i, m in ipairs(self.opts.messages or {}) do msgs[i] = m end
  msgs[#msgs + 1] = {topic = topic, payload = W.pack(...)}
  return with(self, 'messages', W.array(msgs))
end
function Spawner:spawn(id, host, ...) local v, e = spawn_with(self.opts, nil, id, host, ...) return v, e end
function Spawner:spawn_monitored(id, host, ...) local v, e = spawn_with(self.opts, {monitor = true}, id, host, ...) return v, e end
function Spawner:spawn_linked(id, host, ...) local v, e = spawn_with(self.opts, {link = true}, id, host, ...) return v, e end
function Spawner:spawn_linked_monitored(id, host, ...)
  local v, e = spawn_with(self.opts, {link = true, monitor = true}, id, host, ...)
  return v, e
end
function Spawner:exec(id, host, ...) local v, e = exec_with(self.opts, id, host, ...) return v, e end

process = {
  event = {EXIT = 'pid.exit', CANCEL = 'pid.cancel', LINK_DOWN = 'pid.link.down'},
  pid = function() return W.spec.pid end,
  -- the registry ID of the running entry (ns:name), not its PID
  id = function() return W.spec.source.entry, nil end,
  spawn = function(id, host, ...) local v, e = spawn_with(nil, nil, id, host, ...) return v, e end,
  spawn_monitored = function(id, host, ...) local v, e = spawn_with(nil, {monitor = true}, id, host, ...) return v, e end,
  spawn_linked = function(id, host, ...) local v, e = spawn_with(nil, {link = true}, id, host, ...) return v, e end,
  spawn_linked_monitored = function(id, host, ...)
    local v, e = spawn_with(nil, {link = true, monitor = true}, id, host, ...)
    return v, e
  end,
  exec = function(id, host, ...) local v, e = exec_with(nil, id, host, ...) return v, e end,
  send = function(dest, topic, ...)
    if raw_type(dest) ~= 'string' or dest == '' then return nil, invalid('process.send expects a destination pid or name') end
    local bad = check_topic(topic)
    if bad then return nil, bad end
    local v, err = W.call('process.send', W.pack(dest, topic, ...))
    if err then return nil, err end
    return true, nil
  end,
  inbox = inbox,
  events = events,
  listen = function(topic, opts)
    local bad = check_topic(topic)
    if bad then return nil, bad end
    -- The same topic (and mode) gives the same channel back, as on the platform.
    local message = opts and opts.message == true
    listeners[topic] = listeners[topic] or {}
    local ls = listeners[topic]
    for i = 1, #ls do if ls[i].message == message and not ls[i].ch.closed then return ls[i].ch, nil end end
    local ch = W.new_channel(0, true)
    ls[#ls + 1] = {ch = ch, message = message}
    return ch, nil
  end,
  unlisten = function(ch)
    for topic, ls in next, listeners do
      for i = #ls, 1, -1 do if ls[i].ch == ch then table.remove(ls, i) end end
    end
    if W.is_channel(ch) then ch:close() end
    return true, nil
  end,
  cancel = function(dest, reason) local v, e = W.call('process.cancel', W.pack(dest, reason)) return v, e end,
  terminate = function(dest) local v, e = W.call('process.terminate', W.pack(dest)) return v, e end,
  monitor = function(dest) local v, e = W.call('process.monitor', W.pack(dest)) return v, e end,
  unmonitor = function(dest) local v, e = W.call('process.unmonitor', W.pack(dest)) return v, e end,
  link = function(dest) local v, e = W.call('process.link', W.pack(dest)) return v, e end,
  unlink = function(dest) local v, e = W.call('process.unlink', W.pack(dest)) return v, e end,
  set_options = set_options,
  -- A workflow continues as new (the call never returns there); the id is kept only when a string.
  upgrade = function(id, ...)
    local v, e = W.call('process.upgrade', W.pack(raw_type(id) == 'string' and id or false, ...))
    return v, e
  end,
  get_options = function() return shallow(options) end,
  with_context = function(t) return spawner({context = shallow(t)}) end,
  with_options = function(t) return spawner(shallow(t)) end,
  registry = {
    register = function(name, pid, scope)
      local v, e = W.call('process.register', W.pack(name, pid, scope))
      return v, e
    end,
    lookup = function(name) local v, e = W.call('process.lookup', W.pack(name)) return v, e end,
    unregister = function(name) local v, e = W.call('process.unregister', W.pack(name)) return v, e end,
    LOCAL = 'local', EVENTUAL = 'eventual', CONSISTENT = 'consistent', STRONG = 'strong',
  },
}
subscribe = function(topic, opts) return process.listen(topic, opts) end
unsubscribe = function(ch) return process.unlisten(ch) end
