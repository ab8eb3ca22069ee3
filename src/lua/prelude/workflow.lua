-- `@wippy/workflow.lua`: the `workflow` module: info, versioning (`workflow.version`),
-- `workflow.exec` of a child, search attributes and memo (`workflow.attrs`), and the history's
-- length and size (also in `info()`, as the platform's WorkflowInfo has them).
local W = ...
local raw_type = type
local invalid, shallow = W.invalid, W.shallow

W.modules.workflow = {
  info = function()
    local info = shallow(W.spec.workflow)
    -- Outside a workflow there is no run (and no history to count).
    if info.workflow_id == nil then return info, nil end
    local h = W.call('workflow.history', {})
    if raw_type(h) == 'table' then info.history_length, info.history_size = h.length, h.size end
    return info, nil
  end,
  attrs = function(t)
    if raw_type(t) ~= 'table' then return nil, invalid('workflow.attrs expects a table') end
    local v, err = W.call('workflow.attrs', {{search = t.search, memo = t.memo}})
    return v, err
  end,
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
