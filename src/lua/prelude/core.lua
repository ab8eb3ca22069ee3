-- `@wippy/core.lua`: the sandbox, the `errors` global, the FIFO scheduler of Lua threads
-- and channels. Inlined as text so `src/lua/` needs no file system (portability).
--
-- The chunk returns `W`, the prelude's private table; later chunks receive it as `...`.
-- User code never sees `W`.
local W = {}
local raw_next, raw_type, raw_tostring, raw_error, raw_pcall = next, type, tostring, error, pcall
local raw_getmt, raw_setmt, raw_rawget = getmetatable, setmetatable, rawget
local co_create, co_resume, co_yield, co_status = coroutine.create, coroutine.resume, coroutine.yield, coroutine.status
local dbg_getinfo, dbg_traceback = debug.getinfo, debug.traceback
local raw_load = load
local tsort, tconcat, tunpack, tpack = table.sort, table.concat, table.unpack, table.pack
local sfind, ssub, sformat, smatch, sgsub = string.find, string.sub, string.format, string.match, string.gsub
local os_date, os_time = os.date, os.time
local math_randomseed = math.randomseed

W.array_mt = {}
W.object_mt = {}
local ARRAY_MT = W.array_mt
function W.array(t, n)
  t = t or {}
  return raw_setmt(t, ARRAY_MT)
end
function W.pack(...)
  local t = tpack(...)
  t.n = nil
  return raw_setmt(t, ARRAY_MT)
end

-- Deterministic iteration: Lua 5.4 seeds string hashes per state, so raw next() order
-- differs between VMs. Keys sort as numbers, then strings, then booleans; other key types
-- keep raw order (they have no stable order to sort by).
local RANK = {number = 1, string = 2, boolean = 3}
local function key_less(a, b)
  local ta, tb = raw_type(a), raw_type(b)
  local ra, rb = RANK[ta] or 4, RANK[tb] or 4
  if ra ~= rb then return ra < rb end
  if ra == 1 or ra == 2 then return a < b end
  if ra == 3 then return (not a) and b end
  return false
end
local function sorted_keys(t)
  local keys, n = {}, 0
  for k in raw_next, t do n = n + 1; keys[n] = k end
  tsort(keys, key_less)
  return keys, n
end
W.sorted_keys = sorted_keys
local next_cache = raw_setmt({}, {__mode = 'k'})
local function det_next(t, k)
  if raw_type(t) ~= 'table' then raw_error("bad argument #1 to 'next' (table expected, got " .. raw_type(t) .. ")", 2) end
  local c = next_cache[t]
  if k == nil or not c or not c.pos[k] then
    local keys, n = sorted_keys(t)
    local pos = {}
    for i = 1, n do pos[keys[i]] = i end
    c = {keys = keys, pos = pos}
    next_cache[t] = c
    if k ~= nil and not pos[k] then raw_error("invalid key to 'next'", 2) end
  end
  local i = k == nil and 0 or c.pos[k]
  while true do
    i = i + 1
    local key = c.keys[i]
    if key == nil then next_cache[t] = nil; return nil end
    local v = raw_rawget(t, key)
    if v ~= nil then return key, v end
  end
end
next = det_next
pairs = function(t)
  local mt = raw_getmt(t)
  if raw_type(mt) == 'table' and mt.__pairs then
    local f, s, c = mt.__pairs(t)
    return f, s, c
  end
  if raw_type(t) ~= 'table' then raw_error("bad argument #1 to 'pairs' (table expected, got " .. raw_type(t) .. ")", 2) end
  local keys = sorted_keys(t)
  local i = 0
  return function()
    while true do
      i = i + 1
      local k = keys[i]
      if k == nil then return nil end
      local v = raw_rawget(t, k)
      if v ~= nil then return k, v end
    end
  end, t, nil
end

local dbg_getmt = debug.getmetatable
-- The sandbox: nothing reaches the machine except through host commands.
io, debug, package, dofile, loadfile, load, loadstring, collectgarbage, warn = nil
string.dump = nil
raw_getmt('').__metatable = 'locked'
math.randomseed = nil

-- Code the VM runs with its hook off is not charged to the instruction budget, so user code
-- must never run there. Finalizers run inside the garbage collector, hook off: objects are
-- never marked for finalization (a metatable's __gc is hidden while it is set), as on the
-- platform's VM. And an error raised by a limit calls xpcall's handler from inside the hook:
-- the limit's own error skips the user's handler, which could otherwise loop forever.
local raw_rawset, raw_xpcall = rawset, xpcall
setmetatable = function(t, mt)
  -- The checks of the native function, made here so its errors name setmetatable and the caller's line.
  if raw_type(t) ~= 'table' then raw_error("bad argument #1 to 'setmetatable' (table expected, got " .. raw_type(t) .. ')', 2) end
  if mt ~= nil and raw_type(mt) ~= 'table' then raw_error("bad argument #2 to 'setmetatable' (nil or table expected)", 2) end
  local current = dbg_getmt(t)
  if current ~= nil and raw_rawget(current, '__metatable') ~= nil then raw_error('cannot change a protected metatable', 2) end
  local gc = nil
  if mt ~= nil then gc = raw_rawget(mt, '__gc') end
  if gc == nil then return (raw_setmt(t, mt)) end
  raw_rawset(mt, '__gc', nil)
  raw_setmt(t, mt)
  raw_rawset(mt, '__gc', gc)
  return t
end
local function is_limit_error(e)
  return raw_type(e) == 'string' and (sfind(e, '^instruction budget of %d+ exceeded') ~= nil or sfind(e, '^memory limit of %d+ bytes exceeded') ~= nil)
end
xpcall = function(f, handler, ...)
  if raw_type(handler) ~= 'function' then return raw_xpcall(f, handler, ...) end
  return raw_xpcall(f, function(e)
    if is_limit_error(e) then return e end
    return handler(e)
  end, ...)
end

-- errors -------------------------------------------------------------------
local KINDS = {
  NOT_FOUND = 'NotFound', INVALID = 'Invalid', ALREADY_EXISTS = 'AlreadyExists',
  PERMISSION_DENIED = 'PermissionDenied', UNAVAILABLE = 'Unavailable', INTERNAL = 'Internal',
  CANCELED = 'Canceled', CONFLICT = 'Conflict', TIMEOUT = 'Timeout', RATE_LIMITED = 'RateLimited',
  UNKNOWN = '',  -- the platform's Unknown kind is the empty string
}
local ErrorMT = {}
local ErrorMethods = {}
ErrorMT.__index = ErrorMethods
ErrorMT.__name = 'error'
ErrorMT.__tostring = function(e) return e._message end
ErrorMT.__concat = function(a, b)
  local function s(x) if raw_getmt(x) == ErrorMT then return x._message end return raw_tostring(x) end
  return s(a) .. s(b)
end
function ErrorMethods:kind() return self._kind or '' end
-- A wrapped error keeps the inner message; tostring() shows the context too.
function ErrorMethods:message() return self._text or self._message end
function ErrorMethods:stack() return self._stack or '' end
function ErrorMethods:retryable() return self._retryable end
function ErrorMethods:details() return self._details end
function ErrorMethods:unwrap() return self._cause end
function ErrorMethods:error() return self._message end
local function is_error(v) return raw_getmt(v) == ErrorMT end
W.is_error = is_error
-- Errors are userdata on the platform (see @wippy/userdata.lua).
W.userdata_mts = {[ErrorMT] = true}
local function kind_value(k)
  if k == nil or k == '' then return nil end
  return KINDS[k] or k
end
-- Empty details are no details (the platform drops them).
local function details_of(d)
  if raw_type(d) == 'table' and raw_next(d) == nil then return nil end
  return d
end
local function new_error(a, b)
  local e
  if raw_type(a) == 'table' and not is_error(a) then
    e = {_message = a.message ~= nil and raw_tostring(a.message) or '', _kind = kind_value(a.kind),
         _retryable = a.retryable, _details = details_of(a.details)}
  elseif is_error(a) then
    e = {_message = a._message, _text = a._text, _kind = a._kind, _retryable = a._retryable, _details = a._details}
  elseif raw_type(b) == 'string' then
    e = {_message = b, _kind = kind_value(a)}   -- errors.new(KIND, message)
  else
    e = {_message = a == nil and '' or raw_tostring(a)}
  end
  e._stack = dbg_traceback('', 2)
  return raw_setmt(e, ErrorMT)
end
W.new_error = new_error
errors = {}
for k, v in raw_next, KINDS do errors[k] = v end
errors.new = new_error
function errors.wrap(err, msg)
  if err == nil then return nil end
  local inner = is_error(err) and err or new_error(err)
  local e = {_message = msg and (raw_tostring(msg) .. ': ' .. inner._message) or inner._message,
             _text = inner._text or inner._message, _stack = dbg_traceback('', 2),
             _kind = inner._kind, _retryable = inner._retryable, _details = inner._details, _cause = inner}
  return raw_setmt(e, ErrorMT)
end
function errors.is(err, kind)
  kind = kind_value(kind)
  local e = err
  while is_error(e) do
    if e._kind == kind then return true end
    e = e._cause
  end
  return false
end
function errors.unwrap(err) if is_error(err) then return err._cause end return nil end
--- The frames of where an error was made: {frames = {{source, line, name}...}}.
function errors.call_stack(err)
  if not is_error(err) then return nil end
  local frames = {}
  for src, line, rest in (err._stack or ''):gmatch('\n%s*([^\n:]+):(%d+):([^\n]*)') do
    frames[#frames + 1] = {source = src, line = tonumber(line), name = rest:match("in %a* ?'?([^']*)'?") or ''}
  end
  return {frames = frames}
end
--- A Lua error value as it crosses to JS: {message, kind?, retryable?, details?}.
function W.error_out(e)
  if is_error(e) then return {message = e._message, kind = e._kind, retryable = e._retryable, details = e._details} end
  if raw_type(e) == 'table' then
    local m = e.message
    return {message = m ~= nil and raw_tostring(m) or 'error', kind = e.kind, retryable = e.retryable, details = e}
  end
  return {message = raw_tostring(e)}
end
function W.error_in(t)
  if t == nil then return nil end
  if raw_type(t) ~= 'table' then return new_error(t) end
  return new_error({message = t.message, kind = t.kind, retryable = t.retryable, details = t.details})
end

-- The native matchers, for @wippy/pattern-guard.lua (it bounds their work before calling them).
W.native_patterns = {find = string.find, match = string.match, gmatch = string.gmatch, gsub = string.gsub}
-- Errors are userdata with a string form on the platform: string functions accept them.
for _, name in raw_next, {'find', 'match', 'gmatch', 'gsub', 'sub', 'len', 'lower', 'upper', 'byte', 'rep', 'reverse'} do
  local f = string[name]
  string[name] = function(s, ...)
    if is_error(s) then s = s._message end
    return f(s, ...)
  end
end
-- Typed-Lua casts: string(v) and integer(v) convert or raise.
raw_setmt(string, {__call = function(_, v)
  local t = raw_type(v)
  if t == 'string' then return v end
  if t == 'number' or is_error(v) then return raw_tostring(v) end
  raw_error('cannot cast a ' .. t .. ' to string', 2)
end})
-- table.create(narray, nhash) preallocates on the platform; here it is just a new table.
table.create = function() return {} end
integer = function(v)
  local n = math.tointeger(v) or (raw_type(v) == 'string' and math.tointeger(tonumber(v)))
  if n == nil then raw_error('cannot cast ' .. raw_tostring(v) .. ' to integer', 2) end
  return n
end

-- payloads -----------------------------------------------------------------
-- A payload holds a Lua value (format lua/any) or an error (golang/error); transcoding to
-- JSON keeps the encoded text. data()/unmarshal() give back the Lua value.
local FORMATS = {JSON = 'json/plain', YAML = 'yaml/plain', STRING = 'text/plain',
  BYTES = 'application/octet-stream', MSGPACK = 'application/msgpack', LUA = 'lua/any',
  GOLANG = 'golang/any', ERROR = 'golang/error'}
local PayloadMT = {__name = 'payload'}
local Payload = {}
PayloadMT.__index = Payload
local function new_payload(v, format)
  return raw_setmt({value = v, format = format or (is_error(v) and FORMATS.ERROR or FORMATS.LUA)}, PayloadMT)
end
PayloadMT.__tostring = function(p) return 'payload(' .. p.format .. ')' end
function Payload:data()
  if self.format == FORMATS.JSON and raw_type(self.text) == 'string' then return W.modules.json.decode(self.text) end
  return self.value, nil
end
Payload.unmarshal = Payload.data
function Payload:get_format() return self.format end
function Payload:transcode(format)
  if format == FORMATS.LUA then return new_payload(self.value, FORMATS.LUA), nil end
  if format == FORMATS.JSON then
    local text, err = W.modules.json.encode(self.value)
    if err then return nil, new_error({message = 'payload: cannot transcode to json: ' .. err._message, kind = 'Internal', retryable = false}) end
    local p = new_payload(self.value, FORMATS.JSON)
    p.text = text
    return p, nil
  end
  if format == FORMATS.STRING and raw_type(self.value) == 'string' then return new_payload(self.value, FORMATS.STRING), nil end
  return nil, new_error({message = 'payload: no transcoder from ' .. self.format .. ' to ' .. raw_tostring(format), kind = 'Internal', retryable = false})
end
function W.payload(v) return new_payload(v) end
W.PayloadMT = PayloadMT
payload = {new = function(v) return new_payload(v) end, format = FORMATS}

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

W.spec = {}
W.on_reset = {}
W.modules = {}      -- name -> module table (built-ins register here)
W.loaded = {}
local allowed = {}
function W.init(spec)
  W.spec = spec
  for i = 1, #spec.modules do allowed[spec.modules[i]] = true end
  math_randomseed(math.tointeger(spec.seed) or 0)
  for _, f in raw_next, W.on_init or {} do f(spec) end
end

local ALWAYS = {errors = true, channel = true, process = true, coroutine = true, payload = true,
  table = true, string = true, math = true, utf8 = true}
-- what W.loaded holds for an import while its chunk runs: libraries may import each other
-- (a cycle in imports:); requiring one at load time while it loads has no value to return
local LOADING = {}
require = function(name)
  if raw_type(name) ~= 'string' then raw_error('require expects a module name', 2) end
  local m = W.loaded[name]
  if m == LOADING then
    raw_error("module '" .. name .. "' is required while it is still loading (an import cycle at load time," ..
      " or an earlier require of it failed): require it inside the function that uses it", 2)
  end
  if m ~= nil then return m end
  if ALWAYS[name] then return _G[name] end
  local imp = W.spec.imports and W.spec.imports[name]
  if imp then
    local fn, err = raw_load(imp.text, '@' .. imp.chunk, 't', _G)
    if not fn then raw_error(err, 0) end
    W.loaded[name] = LOADING
    local v = fn(name)
    if v == nil then v = true end
    W.loaded[name] = v
    return v
  end
  if allowed[name] then
    m = W.modules[name]
    if m == nil then raw_error("module '" .. name .. "' is not available in this runtime", 2) end
    W.loaded[name] = m
    return m
  end
  if W.modules[name] then
    raw_error("module '" .. name .. "' is not allowed here: add it to the entry's modules: list", 2)
  end
  raw_error("module '" .. name .. "' not found: only the entry's modules: and imports: (its own and its libraries') can be required", 2)
end

local function main_body(args)
  if W.entry then return W.entry(tunpack(args, 1, #args)) end
  local src = W.spec.source
  local fn, err = raw_load(src.text, '@' .. src.chunk, 't', _G)
  if not fn then raw_error(err, 0) end
  local ret = fn()
  local method = W.spec.method
  local entry
  if raw_type(ret) == 'function' then entry = ret
  elseif raw_type(ret) == 'table' then entry = ret[method or 'main'] or (method == nil and ret.handler) or nil
  end
  if entry == nil and raw_type(_G[method or 'main']) == 'function' then entry = _G[method or 'main'] end
  if entry == nil then
    raw_error(new_error({kind = 'MethodNotFound', message = 'method ' .. raw_tostring(method or 'main') ..
      ' not found: ' .. src.chunk .. ' must return a function or a table with it'}), 0)
  end
  W.entry = entry
  return entry(tunpack(args, 1, #args))
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

-- os: time/date/clock/difftime only; UTC only.
local clock_start
os = {
  time = function(t)
    if t == nil then
      local v = W.call('time.now', {})
      return (v or 0) // 1000000000
    end
    return os_time(t) -- a table: pure (the VM runs with TZ unset, so this is UTC)
  end,
  date = function(fmt, t)
    fmt = fmt or '%c'
    if ssub(fmt, 1, 1) ~= '!' then fmt = '!' .. fmt end
    if t == nil then
      local v = W.call('time.now', {})
      t = (v or 0) // 1000000000
    end
    return os_date(fmt, t)
  end,
  clock = function()
    local v = W.call('time.now', {}) or 0
    clock_start = clock_start or v
    return (v - clock_start) / 1e9
  end,
  difftime = function(a, b) return a - (b or 0) end,
}

return W
