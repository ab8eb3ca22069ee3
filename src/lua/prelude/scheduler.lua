-- `@wippy/scheduler.lua`: the FIFO scheduler of Lua threads. Host calls are commands emitted in
-- issue order; a blocking call parks its thread until the result delivery. `W.start`,
-- `W.step` and `W.reset` are what the host calls (see src/lua/vm/program.ts).
local W = ...
local raw_next, raw_type, raw_error, raw_setmt = W.raw.next, type, error, W.raw.setmetatable
local co_create, co_resume, co_yield, co_status = coroutine.create, coroutine.resume, coroutine.yield, coroutine.status
local dbg_getinfo, dbg_traceback = W.raw.getinfo, W.raw.traceback
local tconcat, tunpack, tpack = table.concat, table.unpack, table.pack
local sfind, ssub, smatch = W.raw.find, W.raw.sub, W.raw.match
local ARRAY_MT, is_error, main_body = W.array_mt, W.is_error, W.main_body

-- the scheduler ------------------------------------------------------------
local SIG = raw_setmt({}, {__name = 'wippy.park'})
local runq, rq_head, rq_tail = {}, 1, 0
local pending, pending_n = {}, 0
local out = {}
local next_tag, next_thread = 0, 0
local live = {}
local main_rec, final
W.current = nil

local function enqueue(rec, ...)
  rq_tail = rq_tail + 1
  runq[rq_tail] = {rec, tpack(...)}
end
W.enqueue = enqueue

--- The file:line of the innermost user frame of the running coroutine.
local function where(level)
  for l = level or 3, 40 do
    local info = dbg_getinfo(l, 'Sl')
    if not info then return nil end
    local src = info.source
    if ssub(src, 1, 1) == '@' and ssub(src, 1, 7) ~= '@wippy/' and info.currentline > 0 then
      return ssub(src, 2) .. ':' .. info.currentline
    end
  end
end
W.where = where

--- Emits a command now (in issue order) and returns its tag.
function W.emit(op, args, options, on_result)
  next_tag = next_tag + 1
  local cmd = {op = op, args = raw_setmt(args or {}, ARRAY_MT), tag = next_tag, options = options, where = where(3)}
  out[#out + 1] = cmd
  if on_result then pending[next_tag] = {handler = on_result}; pending_n = pending_n + 1 end
  return next_tag
end
function W.forget(tag)
  if pending[tag] then pending[tag] = nil; pending_n = pending_n - 1 end
end

--- Parks the running Lua thread; returns whatever it is woken with.
local function park(waiting_on)
  local rec = W.current
  rec.waiting_on = waiting_on
  return co_yield(SIG)
end
W.park = park

--- A blocking host call: emit, park until the result delivery, return value, err.
function W.call(op, args, options)
  local rec = W.current
  next_tag = next_tag + 1
  local tag = next_tag
  out[#out + 1] = {op = op, args = raw_setmt(args or {}, ARRAY_MT), tag = tag, options = options, where = where(3)}
  pending[tag] = {rec = rec}
  pending_n = pending_n + 1
  local v, e = park(nil)
  return v, e
end

-- User coroutines: forward our park signal through a user's resume so host calls inside
-- coroutine.create/wrap still reach the scheduler.
local function resume(co, ...)
  local r = tpack(co_resume(co, ...))
  while r[1] and r[2] == SIG and co_status(co) == 'suspended' do
    r = tpack(co_resume(co, co_yield(SIG)))
  end
  return tunpack(r, 1, r.n)
end
coroutine.resume = resume
coroutine.wrap = function(f)
  local co = co_create(f)
  return function(...)
    local r = tpack(resume(co, ...))
    if not r[1] then raw_error(r[2], 0) end
    return tunpack(r, 2, r.n)
  end
end
local function spawn_thread(fn, ...)
  next_thread = next_thread + 1
  local rec = {co = co_create(fn), id = next_thread}
  live[rec] = true
  enqueue(rec, ...)
  return rec
end
coroutine.spawn = function(fn, ...)
  if raw_type(fn) ~= 'function' then raw_error('coroutine.spawn expects a function', 2) end
  spawn_thread(fn, ...)
  return true
end

local function failure(err, co)
  local f = W.error_out(err)
  if co then
    local tb = dbg_traceback(co, nil, 0)
    local lines = {}
    for line in tb:gmatch('[^\n]+') do
      if not sfind(line, 'wippy/', 1, true) then lines[#lines + 1] = line end
    end
    f.traceback = tconcat(lines, '\n')
    for l = 0, 60 do
      local info = dbg_getinfo(co, l, 'Sl')
      if not info then break end
      if ssub(info.source, 1, 1) == '@' and ssub(info.source, 1, 7) ~= '@wippy/' and info.currentline > 0 then
        f.file = ssub(info.source, 2); f.line = info.currentline
        break
      end
    end
  end
  if not f.file and raw_type(f.message) == 'string' then
    local file, line = smatch(f.message, '^([^:\n]+%.lua):(%d+):')
    if file then f.file = file; f.line = math.tointeger(tonumber(line)) end
  end
  return f
end
W.failure = failure

local function outcome(status, extra)
  local o = extra or {}
  o.status = status
  o.commands = raw_setmt(out, ARRAY_MT)
  out = {}
  return o
end

local function finish_main(r)
  local res, err = r[2], r[3]
  local o = {result = res}
  if err ~= nil and (is_error(err) or raw_type(err) == 'string') then o.error = W.error_out(err) end
  return outcome('done', o)
end

-- Runs every runnable thread until all are parked. Returns an outcome table.
local function run()
  while rq_head <= rq_tail do
    local item = runq[rq_head]
    runq[rq_head] = nil
    rq_head = rq_head + 1
    local rec, args = item[1], item[2]
    if live[rec] then
      rec.waiting_on = nil
      W.current = rec
      local r = tpack(co_resume(rec.co, tunpack(args, 1, args.n)))
      W.current = nil
      if not r[1] then
        final = outcome('failed', {error = failure(r[2], rec.co)})
        return final
      elseif co_status(rec.co) == 'dead' then
        live[rec] = nil
        if rec == main_rec then
          final = finish_main(r)
          return final
        end
      elseif r[2] ~= SIG then
        enqueue(rec) -- a plain coroutine.yield at thread level: let others run
      end
    end
  end
  if pending_n > 0 then return outcome('waiting') end
  for rec in raw_next, live do
    local w = rec.waiting_on
    if w then for i = 1, #w do if w[i].external then return outcome('waiting') end end end
  end
  final = outcome('failed', {error = {kind = 'Deadlock',
    message = 'deadlock: every Lua thread is blocked on a channel and no host command is pending'}})
  return final
end

--- Makes a finished program startable again (function pools): the loaded chunk and its
--- module-level state are kept, like a warm VM on the platform; the scheduler starts clean.
function W.reset(context, pid)
  runq, rq_head, rq_tail = {}, 1, 0
  pending, pending_n = {}, 0
  out, live = {}, {}
  main_rec, final, W.current = nil, nil, nil
  if context ~= nil then W.spec.context = context end
  if pid ~= nil then W.spec.pid = pid end
  -- per-run state of other chunks (inbox, listeners, subscriptions) starts clean too
  for _, f in raw_next, W.on_reset do f() end
  return true
end

function W.start(args)
  main_rec = spawn_thread(main_body, args)
  return run()
end

local function deliver(d)
  local kind = d.kind
  if kind == 'result' then
    local p = pending[d.tag]
    if not p then return end
    pending[d.tag] = nil
    pending_n = pending_n - 1
    local err = W.error_in(d.error)
    if p.rec then
      if live[p.rec] then enqueue(p.rec, d.value, err) end
    else
      p.handler(d.value, err)
    end
  elseif kind == 'message' then
    W.on_message(d)
  elseif kind == 'event' then
    W.on_event(d.event)
  end
end

function W.step(deliveries)
  if final then return final end
  for i = 1, #deliveries do deliver(deliveries[i]) end
  return run()
end
function W.on_message() end
function W.on_event() end
