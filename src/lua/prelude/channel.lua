-- `@wippy/channel.lua`: Go-style channels and `channel.select`, pure Lua under the
-- scheduler. Cases are tried in order (not at random as in Go) so runs are deterministic.
-- External channels (inbox, events, listen) are fed by deliveries and never count toward
-- a deadlock: a message can always still arrive.
local W = ...
local raw_setmt, raw_getmt, raw_error, raw_type = setmetatable, getmetatable, error, type

local ChanMT = {__name = 'channel'}
local Chan = {}
ChanMT.__index = Chan
local CaseMT = {__name = 'channel.case'}

local function queue() return {h = 1, t = 0} end
local function qpush(q, v) q.t = q.t + 1; q[q.t] = v end
local function qpop(q)
  if q.h > q.t then return nil end
  local v = q[q.h]; q[q.h] = nil; q.h = q.h + 1
  return v
end
local function qlen(q) return q.t - q.h + 1 end
-- first waiter whose select (if any) has not fired yet
local function qtake(q)
  while true do
    local w = qpop(q)
    if w == nil then return nil end
    if not (w.sel and w.sel.done) then return w end
  end
end
local function qpeek_active(q)
  for i = q.h, q.t do
    local w = q[i]
    if not (w.sel and w.sel.done) then return true end
  end
  return false
end

local function new_channel(size, external)
  size = math.tointeger(size) or 0
  return raw_setmt({cap = size, buf = queue(), recvq = queue(), sendq = queue(), closed = false,
    external = external or false}, ChanMT)
end
W.new_channel = new_channel
local function is_channel(v) return raw_getmt(v) == ChanMT end
W.is_channel = is_channel

local function wake_receiver(w, ch, v, ok)
  if w.sel then
    w.sel.done = true
    W.enqueue(w.rec, {channel = ch, value = v, ok = ok})
  else
    W.enqueue(w.rec, v, ok)
  end
end
local function wake_sender(w, ch, closed)
  if w.sel then
    w.sel.done = true
    if closed then W.enqueue(w.rec, nil, 'send on closed channel')
    else W.enqueue(w.rec, {channel = ch, value = w.value, ok = true}) end
  else
    W.enqueue(w.rec, not closed)
  end
end

local function can_recv(ch) return qlen(ch.buf) > 0 or qpeek_active(ch.sendq) or ch.closed end
local function can_send(ch) return ch.closed or qpeek_active(ch.recvq) or qlen(ch.buf) < ch.cap end

-- Completes a receive that can_recv said is ready.
local function do_recv(ch)
  if qlen(ch.buf) > 0 then
    local v = qpop(ch.buf)
    local s = qtake(ch.sendq)
    if s then qpush(ch.buf, s.value); wake_sender(s, ch, false) end
    return v, true
  end
  local s = qtake(ch.sendq)
  if s then wake_sender(s, ch, false); return s.value, true end
  return nil, false
end
-- Completes a send that can_send said is ready.
local function do_send(ch, v)
  if ch.closed then raw_error('send on closed channel', 3) end
  local r = qtake(ch.recvq)
  if r then wake_receiver(r, ch, v, true); return true end
  qpush(ch.buf, v)
  return true
end

function Chan:send(v)
  if not is_channel(self) then raw_error('channel:send called without a channel', 2) end
  if can_send(self) then return do_send(self, v) end
  qpush(self.sendq, {rec = W.current, value = v})
  local ok = W.park({self})
  if not ok then raw_error('send on closed channel', 2) end
  return true
end
function Chan:receive()
  if not is_channel(self) then raw_error('channel:receive called without a channel', 2) end
  if can_recv(self) then return do_recv(self) end
  qpush(self.recvq, {rec = W.current})
  local v, ok = W.park({self})
  return v, ok
end
function Chan:close()
  if self.closed then return end
  self.closed = true
  while true do
    local r = qtake(self.recvq)
    if not r then break end
    wake_receiver(r, self, nil, false)
  end
  while true do
    local s = qtake(self.sendq)
    if not s then break end
    wake_sender(s, self, true)
  end
end
function Chan:case_receive() return raw_setmt({channel = self, op = 'recv'}, CaseMT) end
function Chan:case_send(v) return raw_setmt({channel = self, op = 'send', value = v}, CaseMT) end
function Chan:len() return qlen(self.buf) end
function Chan:cap() return self.cap end
function Chan:is_closed() return self.closed end

--- Feeds an external channel without blocking (unbounded buffer).
function W.feed(ch, v)
  if ch.closed then return end
  local r = qtake(ch.recvq)
  if r then wake_receiver(r, ch, v, true) else qpush(ch.buf, v) end
end
--- Non-blocking offer: delivers only if a receiver waits or the buffer has room.
function W.offer(ch, v)
  if ch.closed then return false end
  local r = qtake(ch.recvq)
  if r then wake_receiver(r, ch, v, true); return true end
  if qlen(ch.buf) < ch.cap then qpush(ch.buf, v); return true end
  return false
end

local function select(cases)
  if raw_type(cases) ~= 'table' then raw_error('channel.select expects a table of cases', 2) end
  local n = #cases
  for i = 1, n do
    local c = cases[i]
    if raw_getmt(c) ~= CaseMT then raw_error('channel.select: case ' .. i .. ' is not a channel case', 2) end
  end
  for i = 1, n do
    local c = cases[i]
    local ch = c.channel
    if c.op == 'recv' then
      if can_recv(ch) then
        local v, ok = do_recv(ch)
        return {channel = ch, value = v, ok = ok}
      end
    elseif can_send(ch) then
      if ch.closed then raw_error('send on closed channel', 2) end
      do_send(ch, c.value)
      return {channel = ch, value = c.value, ok = true}
    end
  end
  if cases.default then return {default = true, ok = true} end
  if n == 0 then raw_error('channel.select with no cases blocks forever', 2) end
  local sel = {done = false}
  local waits = {}
  for i = 1, n do
    local c = cases[i]
    waits[i] = c.channel
    if c.op == 'recv' then qpush(c.channel.recvq, {rec = W.current, sel = sel})
    else qpush(c.channel.sendq, {rec = W.current, sel = sel, value = c.value}) end
  end
  local r, err = W.park(waits)
  if r == nil then raw_error(err or 'send on closed channel', 2) end
  return r
end

channel = {
  new = function(size) return new_channel(size, false) end,
  select = select,
  is_channel = is_channel,
}
