---@meta workflow

-- Wippy API stubs for lua-language-server (completion and hover only; never executed).
-- Only for workflow.lua entries.

---@class wippy.WorkflowInfo
---@field workflow_id string
---@field run_id string
---@field workflow_type string the entry ID
---@field task_queue string
---@field namespace string
---@field attempt integer
---@field history_length integer
---@field history_size integer

---@class workflow
local workflow = {}

---About the running workflow.
---@return wippy.WorkflowInfo info
---@return wippy.Error|nil err
function workflow.info() end

---Runs a child workflow and waits for its result.
---@param id string workflow entry ID
---@param ... any input
---@return any result
---@return wippy.Error|nil err
function workflow.exec(id, ...) end

---Upserts the run's search attributes and memo (either may be omitted); shown by `wippy ps`,
---filterable with `wippy ps --query 'customer="c-1"'`. A value of nil removes the key.
---```lua
---workflow.attrs{search = {customer = order.customer}, memo = {note = "priority"}}
---```
---@param attrs {search?: table<string, any>, memo?: table<string, any>}
---@return boolean|nil ok
---@return wippy.Error|nil err
function workflow.attrs(attrs) end

---Versioning for changed code (Temporal's GetVersion): the recorded version for `change_id`,
---`max` on a new run, -1 when replaying a run recorded before the change.
---```lua
---if workflow.version("add-fraud-check", 0, 1) == 1 then ... end
---```
---@param change_id string
---@param min_supported integer
---@param max_supported integer
---@return integer|nil version
---@return wippy.Error|nil err
function workflow.version(change_id, min_supported, max_supported) end

---Events recorded so far.
---@return integer
function workflow.history_length() end

---History size in bytes.
---@return integer
function workflow.history_size() end

return workflow
