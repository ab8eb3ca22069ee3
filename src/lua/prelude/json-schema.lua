-- `@wippy/json-schema.lua`: `json.validate(schema, data)` and `json.validate_string(schema,
-- text)`. A subset of JSON Schema in pure Lua: type (and lists of types), properties,
-- required, additionalProperties, items, enum, const, minimum/maximum (and exclusive),
-- minLength/maxLength, minItems/maxItems, allOf/anyOf/oneOf/not. Failures are Invalid.
local W = ...
local raw_type, raw_getmt, raw_tostring = type, getmetatable, tostring
local mtype = math.type
local invalid = W.invalid
local json = W.modules.json

local function is_array(v)
  if raw_type(v) ~= 'table' then return false end
  local mt = raw_getmt(v)
  if mt == W.array_mt then return true end
  if mt == W.object_mt then return false end
  local n = 0
  for k in next, v do
    if mtype(k) ~= 'integer' or k < 1 then return false end
    n = n + 1
  end
  return n > 0 or next(v) == nil
end
local function type_ok(t, v)
  local tv = raw_type(v)
  if t == 'null' then return v == nil end
  if t == 'boolean' then return tv == 'boolean' end
  if t == 'string' then return tv == 'string' end
  if t == 'number' then return tv == 'number' end
  if t == 'integer' then return tv == 'number' and (mtype(v) == 'integer' or v == math.floor(v)) end
  if t == 'array' then return is_array(v) end
  if t == 'object' then return tv == 'table' and (not is_array(v) or next(v) == nil) end
  return true
end
local function same(a, b)
  if raw_type(a) ~= 'table' or raw_type(b) ~= 'table' then return a == b end
  for k, v in next, a do if not same(v, b[k]) then return false end end
  for k in next, b do if a[k] == nil then return false end end
  return true
end

local check
check = function(s, v, path)
  if s == true or s == nil then return nil end
  if s == false then return path .. ': no value is allowed here' end
  if raw_type(s.type) == 'string' and not type_ok(s.type, v) then return path .. ': expected ' .. s.type end
  if raw_type(s.type) == 'table' then
    local any = false
    for _, t in ipairs(s.type) do if type_ok(t, v) then any = true end end
    if not any then return path .. ': expected one of ' .. table.concat(s.type, ', ') end
  end
  if s.enum then
    local found = false
    for _, e in ipairs(s.enum) do if same(e, v) then found = true end end
    if not found then return path .. ': value is not one of the allowed values' end
  end
  if s.const ~= nil and not same(s.const, v) then return path .. ': value must equal the constant' end
  if raw_type(v) == 'number' then
    if s.minimum and v < s.minimum then return path .. ': must be >= ' .. raw_tostring(s.minimum) end
    if s.maximum and v > s.maximum then return path .. ': must be <= ' .. raw_tostring(s.maximum) end
    if raw_type(s.exclusiveMinimum) == 'number' and v <= s.exclusiveMinimum then return path .. ': must be > ' .. raw_tostring(s.exclusiveMinimum) end
    if raw_type(s.exclusiveMaximum) == 'number' and v >= s.exclusiveMaximum then return path .. ': must be < ' .. raw_tostring(s.exclusiveMaximum) end
  elseif raw_type(v) == 'string' then
    local n = utf8.len(v) or #v
    if s.minLength and n < s.minLength then return path .. ': shorter than ' .. raw_tostring(s.minLength) end
    if s.maxLength and n > s.maxLength then return path .. ': longer than ' .. raw_tostring(s.maxLength) end
  elseif raw_type(v) == 'table' then
    if is_array(v) and next(v) ~= nil or raw_getmt(v) == W.array_mt then
      if s.minItems and #v < s.minItems then return path .. ': fewer than ' .. raw_tostring(s.minItems) .. ' items' end
      if s.maxItems and #v > s.maxItems then return path .. ': more than ' .. raw_tostring(s.maxItems) .. ' items' end
      if s.items ~= nil then
        for i = 1, #v do
          local e = check(s.items, v[i], path .. '[' .. i .. ']')
          if e then return e end
        end
      end
    else
      for _, k in ipairs(s.required or {}) do
        if v[k] == nil then return path .. ': missing required property ' .. raw_tostring(k) end
      end
      for k, sub in next, s.properties or {} do
        if v[k] ~= nil then
          local e = check(sub, v[k], path .. '.' .. raw_tostring(k))
          if e then return e end
        end
      end
      if s.additionalProperties ~= nil and s.additionalProperties ~= true then
        for k, x in next, v do
          if not (s.properties and s.properties[k] ~= nil) then
            local e = check(s.additionalProperties, x, path .. '.' .. raw_tostring(k))
            if e then return path .. ': additional property ' .. raw_tostring(k) .. ' is not allowed' end
          end
        end
      end
    end
  end
  for _, sub in ipairs(s.allOf or {}) do
    local e = check(sub, v, path)
    if e then return e end
  end
  if s.anyOf then
    local ok = false
    for _, sub in ipairs(s.anyOf) do if not check(sub, v, path) then ok = true; break end end
    if not ok then return path .. ': matches none of anyOf' end
  end
  if s.oneOf then
    local n = 0
    for _, sub in ipairs(s.oneOf) do if not check(sub, v, path) then n = n + 1 end end
    if n ~= 1 then return path .. ': must match exactly one of oneOf' end
  end
  if s['not'] ~= nil and not check(s['not'], v, path) then return path .. ': must not match the schema under not' end
  return nil
end

local function schema_of(schema)
  if raw_type(schema) == 'string' then
    local s, err = json.decode(schema)
    if err then return nil, invalid('json.validate: the schema is not valid JSON: ' .. err:message()) end
    return s, nil
  end
  if raw_type(schema) ~= 'table' then return nil, invalid('json.validate: schema is required (a table or a JSON string)') end
  return schema, nil
end

function json.validate(schema, data)
  local s, err = schema_of(schema)
  if not s then return false, err end
  if data == nil then return false, invalid('json.validate: data is required') end
  local e = check(s, data, '$')
  if e then return false, invalid('json schema validation failed: ' .. e) end
  return true, nil
end
function json.validate_string(schema, text)
  if raw_type(text) ~= 'string' then return false, invalid('json.validate_string: data is required (a JSON string)') end
  local data, err = json.decode(text)
  if err then return false, invalid('json.validate_string: ' .. err:message()) end
  return json.validate(schema, data)
end
