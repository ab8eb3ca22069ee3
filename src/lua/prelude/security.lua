-- `@wippy/security.lua`: actors and scopes as values that travel with the context.
-- `security.new_actor(id, meta)` and `security.new_scope(policies)` make them; a spawner's
-- or executor's `with_actor`/`with_scope` put their data in the child's context under
-- reserved keys (so children of children inherit them, like any context value), and
-- `security.actor()` / `security.scope()` read them back. No policy evaluation: wippy runs
-- one trusted project on one machine.
local W = ...
local raw_setmt, raw_type, raw_getmt = setmetatable, type, getmetatable
local invalid = W.invalid
local ACTOR_KEY, SCOPE_KEY = '__wippy_actor', '__wippy_scope'
W.SECURITY_KEYS = {[ACTOR_KEY] = true, [SCOPE_KEY] = true}

local ActorMT = {__name = 'security.actor'}
local Actor = {}
ActorMT.__index = Actor
ActorMT.__tostring = function(a) return 'actor(' .. a._id .. ')' end
function Actor:id() return self._id end
function Actor:meta() return W.shallow(self._meta) end
local function actor(id, meta) return raw_setmt({_id = id, _meta = meta or {}}, ActorMT) end

local ScopeMT = {__name = 'security.scope'}
local Scope = {}
ScopeMT.__index = Scope
function Scope:policies() return W.array(W.shallow(self._policies)) end
function Scope:with(policy)
  local p = W.shallow(self._policies)
  p[#p + 1] = policy
  return raw_setmt({_policies = p}, ScopeMT)
end
function Scope:contains(policy)
  for i = 1, #self._policies do if self._policies[i] == policy then return true end end
  return false
end
local function scope(policies) return raw_setmt({_policies = policies or {}}, ScopeMT) end

--- The context entries a with_actor/with_scope adds (plain data, so it crosses hosts).
function W.security_context(a, s)
  local c = {}
  if raw_getmt(a) == ActorMT then c[ACTOR_KEY] = {id = a._id, meta = a._meta} end
  if raw_getmt(s) == ScopeMT then c[SCOPE_KEY] = {policies = W.array(W.shallow(s._policies))} end
  return c
end

W.modules.security = {
  new_actor = function(id, meta)
    if raw_type(id) ~= 'string' or id == '' then return nil, invalid('security.new_actor needs an actor id') end
    if meta ~= nil and raw_type(meta) ~= 'table' then return nil, invalid('security.new_actor: meta must be a table') end
    return actor(id, W.shallow(meta)), nil
  end,
  new_scope = function(policies)
    if policies ~= nil and raw_type(policies) ~= 'table' then return nil, invalid('security.new_scope: policies must be a table') end
    return scope(W.shallow(policies)), nil
  end,
  actor = function()
    local a = W.spec.context and W.spec.context[ACTOR_KEY]
    if raw_type(a) ~= 'table' then return nil end
    return actor(a.id, a.meta)
  end,
  scope = function()
    local s = W.spec.context and W.spec.context[SCOPE_KEY]
    if raw_type(s) ~= 'table' then return nil end
    return scope(W.shallow(s.policies))
  end,
}
