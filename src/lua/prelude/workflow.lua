-- `@wippy/workflow.lua`: the `workflow` module: info, versioning (`workflow.version`),
-- `workflow.exec` of a child, and the history's length and size.
local W = ...
local raw_type = type
local invalid, shallow = W.invalid, W.shallow

W.modules.workflow = {
  info = function() return shallow(W.spec.workflow), nil end,
  version = function(change_id, min, max)
    if raw_type(change_id) ~= 'string' then return nil, invalid('workflow.version expects a change id') end
    local v, err = W.call('workflow.version', {change_id, min, max})
    return v, err
  end,
  exec = function(id, ...)
    local v, err = W.call('process.exec', W.pack(id, nil, ...), {workflow = true})
    return v, err
  end,
  history_length = function()
    local h, err = W.call('workflow.history', {})
    if err then return nil, err end
    return h.length, nil
  end,
  history_size = function()
    local h, err = W.call('workflow.history', {})
    if err then return nil, err end
    return h.size, nil
  end,
}
