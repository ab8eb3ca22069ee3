-- `@wippy/workflow.lua`: the `workflow` module: info, versioning (`workflow.version`),
-- `workflow.exec` of a child, search attributes and memo (`workflow.attrs`), and the history's
-- length and size (also in `info()`, as the platform's WorkflowInfo has them).
local W = ...
local raw_type = type
local invalid, shallow = W.invalid, W.shallow
local floor, ceil = math.floor, math.ceil

-- gopher-lua's CheckInt: a number (truncated toward zero), else a raised argument error.
local function int_arg(v, n)
  if raw_type(v) ~= 'number' then
    error('bad argument #' .. n .. ' to version (number expected, got ' .. raw_type(v) .. ')', 3)
  end
  return v >= 0 and floor(v) or ceil(v)
end

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
    -- The platform's checks (rt:runtime/lua/modules/workflow/module.go): min and max are integers.
    if change_id == '' then return nil, invalid('change ID required') end
    min, max = int_arg(min, 2), int_arg(max, 3)
    if min > max then return nil, invalid('min_supported cannot be greater than max_supported') end
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
