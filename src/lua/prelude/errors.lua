-- `@wippy/errors.lua`: the `errors` global and its error values (userdata on the platform, a
-- table with a locked metatable here), how errors cross to JS and back (`W.error_out`,
-- `W.error_in`), and what the platform's string functions and casts accept of them.
local W = ...
local raw_next, raw_type, raw_tostring, raw_error = W.raw.next, type, tostring, error
local raw_getmt, raw_setmt = getmetatable, W.raw.setmetatable
local dbg_traceback = W.raw.traceback

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

local function invalid(msg) return new_error({message = msg, kind = 'Invalid', retryable = false}) end
W.invalid = invalid

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
