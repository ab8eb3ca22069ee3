-- Tests of the functions the approval workflow calls. (The workflow itself waits for a
-- signal; try it with `npx wippy spawn` and `npx wippy signal`, see README.md.)
local funcs = require("funcs")

local function submit_validates(): (boolean?, string?)
    local _, err = funcs.call("app.reviews:submit", {amount = 5})
    if not err then
        return false, "submit accepted a request without order_id"
    end
    local status, submit_err = funcs.call("app.reviews:submit", {order_id = "T-1", amount = 5})
    if submit_err then
        return false, "submit refused a complete request: " .. tostring(submit_err)
    end
    if status ~= "submitted" then
        return false, "submit returned " .. tostring(status) .. ", expected submitted"
    end
    return true
end

return {submit_validates = submit_validates}
