-- `@wippy/ctx.lua`: the `ctx` module: the values of the program's context (the security
-- keys excepted: they are read through `security`).
local W = ...
local raw_tostring = tostring
local new_error, invalid, shallow = W.new_error, W.invalid, W.shallow

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
