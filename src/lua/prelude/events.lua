-- `@wippy/events.lua`: the `events` module as an in-program bus. `events.subscribe(system
-- [, kind])` returns a subscription whose `channel()` receives `{system, kind, path, data}`
-- for every `events.send` whose system matches (`*` is a wildcard) and whose kind matches
-- when one was given. Events reach subscribers of the same program only (see
-- docs/conformance.md: a bus shared by every process needs host support).
local W = ...
local raw_setmt, raw_type = setmetatable, type
local invalid = W.invalid

local subs = {}
local SubMT = {__name = 'events.subscription'}
local Sub = {}
SubMT.__index = Sub
function Sub:channel() return self.ch end
function Sub:close()
  for i = #subs, 1, -1 do if subs[i] == self then table.remove(subs, i) end end
  self.ch:close()
  return true, nil
end

local function glob(p)
  return '^' .. p:gsub('[%^%$%(%)%%%.%[%]%+%-%?]', '%%%0'):gsub('%*', '.*') .. '$'
end
local function nonempty(v) return raw_type(v) == 'string' and v ~= '' end

W.modules.events = {
  subscribe = function(system, kind)
    if not nonempty(system) then return nil, invalid('events.subscribe needs a system (a name or a pattern with *)') end
    if kind ~= nil and raw_type(kind) ~= 'string' then return nil, invalid('events.subscribe: kind must be a string') end
    local s = raw_setmt({system = glob(system), kind = kind ~= '' and kind or nil, ch = W.new_channel(0)}, SubMT)
    subs[#subs + 1] = s
    return s, nil
  end,
  send = function(system, kind, path, data)
    if not nonempty(system) then return nil, invalid('events.send needs a system') end
    if not nonempty(kind) then return nil, invalid('events.send needs a kind') end
    if not nonempty(path) then return nil, invalid('events.send needs a path') end
    for i = 1, #subs do
      local s = subs[i]
      if system:match(s.system) and (s.kind == nil or s.kind == kind) then
        W.feed(s.ch, {system = system, kind = kind, path = path, data = data})
      end
    end
    return true, nil
  end,
}
