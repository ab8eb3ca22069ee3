-- `@wippy/loader.lua`: what a program may `require` (the entry's modules: and imports:, and the
-- always-present globals), and the entry: the source chunk and the method it returns.
-- `W.init(spec)` takes the program's spec and seeds `math.random`.
local W = ...
local raw_next, raw_type, raw_tostring, raw_error = W.raw.next, type, tostring, error
local raw_load, math_randomseed = W.raw.load, W.raw.randomseed
local tunpack = table.unpack
local new_error = W.new_error

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
W.main_body = main_body
