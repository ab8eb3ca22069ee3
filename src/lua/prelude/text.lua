-- `@wippy/text.lua`: the `text` module's `regexp` part. `compile` asks the host to check
-- the RE2 pattern once; the compiled regexp keeps the source and flags the host hands
-- back, and each method is one deterministic host op `text.regexp` `[fn, source, flags, ...]`
-- (never recorded in workflows). Group counts and names live here, so they cost no call.
local W = ...
local raw_type, raw_setmt, raw_getmt, raw_error = type, setmetatable, getmetatable, error
local invalid = W.invalid

local Regexp = {}
Regexp.__index = Regexp
Regexp.__name = 'Regexp'
function Regexp.__tostring(self) return 'Regexp(' .. self._pattern .. ')' end

local function self_of(self, what)
  if raw_getmt(self) ~= Regexp then raw_error('text.regexp: ' .. what .. ' must be called with ":" on a compiled regexp', 3) end
  return self
end
local function str_arg(s, what)
  if raw_type(s) ~= 'string' then raw_error('text.regexp: ' .. what .. ' expects a string', 3) end
  return s
end
local function int_arg(n, what)
  if n == nil then return -1 end
  if raw_type(n) ~= 'number' then raw_error('text.regexp: ' .. what .. ' expects an integer count', 3) end
  return math.tointeger(n) or math.floor(n)
end

local function run(self, fn, ...)
  local v, err = W.call('text.regexp', W.pack(fn, self._source, self._flags, ...))
  if err then raw_error(err, 3) end
  return v
end

function Regexp:match_string(s)
  self_of(self, 'match_string')
  return run(self, 'match', str_arg(s, 'match_string'))
end
function Regexp:find_string(s)
  self_of(self, 'find_string')
  return run(self, 'find', str_arg(s, 'find_string'))
end
function Regexp:find_all_string(s, n)
  self_of(self, 'find_all_string')
  return run(self, 'find_all', str_arg(s, 'find_all_string'), int_arg(n, 'find_all_string'))
end
function Regexp:find_string_submatch(s)
  self_of(self, 'find_string_submatch')
  return run(self, 'find_submatch', str_arg(s, 'find_string_submatch'))
end
function Regexp:find_all_string_submatch(s, n)
  self_of(self, 'find_all_string_submatch')
  return run(self, 'find_all_submatch', str_arg(s, 'find_all_string_submatch'), int_arg(n, 'find_all_string_submatch'))
end
function Regexp:find_string_index(s)
  self_of(self, 'find_string_index')
  return run(self, 'find_index', str_arg(s, 'find_string_index'))
end
function Regexp:find_all_string_index(s, n)
  self_of(self, 'find_all_string_index')
  return run(self, 'find_all_index', str_arg(s, 'find_all_string_index'), int_arg(n, 'find_all_string_index'))
end
function Regexp:replace_all_string(s, repl)
  self_of(self, 'replace_all_string')
  return run(self, 'replace_all', str_arg(s, 'replace_all_string'), str_arg(repl, 'replace_all_string'))
end
function Regexp:replace_all_literal_string(s, repl)
  self_of(self, 'replace_all_literal_string')
  return run(self, 'replace_all_literal', str_arg(s, 'replace_all_literal_string'), str_arg(repl, 'replace_all_literal_string'))
end
function Regexp:split(s, n)
  self_of(self, 'split')
  return run(self, 'split', str_arg(s, 'split'), int_arg(n, 'split'))
end
function Regexp:num_subexp()
  self_of(self, 'num_subexp')
  return #self._names - 1
end
function Regexp:subexp_names()
  self_of(self, 'subexp_names')
  local t = W.array({})
  for i = 1, #self._names do t[i] = self._names[i] end
  return t
end
function Regexp:string()
  self_of(self, 'string')
  return self._pattern
end

local regexp = {}
function regexp.compile(pattern)
  if raw_type(pattern) ~= 'string' then return nil, invalid('text.regexp.compile expects a pattern string') end
  local c, err = W.call('text.regexp', W.pack('compile', pattern))
  if err then return nil, err end
  return raw_setmt({_pattern = pattern, _source = c.source, _flags = c.flags, _names = c.names}, Regexp), nil
end

W.modules.text = {regexp = regexp}
