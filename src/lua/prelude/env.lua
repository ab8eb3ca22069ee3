-- `@wippy/env.lua`: the `env` module: `env.get(name)` is the host command `env.get`.
local W = ...
local raw_type = type
local invalid = W.invalid

W.modules.env = {
  get = function(k)
    if raw_type(k) ~= 'string' or k == '' then return nil, invalid('env.get expects a variable name') end
    local v, err = W.call('env.get', {k})
    return v, err
  end,
}
