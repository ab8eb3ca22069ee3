-- `@wippy/payload.lua`: the `payload` global. A payload holds a Lua value (format lua/any) or
-- an error (golang/error); transcoding to JSON keeps the encoded text.
local W = ...
local raw_type, raw_tostring, raw_setmt = type, tostring, W.raw.setmetatable
local is_error, new_error = W.is_error, W.new_error

local FORMATS = {JSON = 'json/plain', YAML = 'yaml/plain', STRING = 'text/plain',
  BYTES = 'application/octet-stream', MSGPACK = 'application/msgpack', LUA = 'lua/any',
  GOLANG = 'golang/any', ERROR = 'golang/error'}
local PayloadMT = {__name = 'payload'}
local Payload = {}
PayloadMT.__index = Payload
local function new_payload(v, format)
  return raw_setmt({value = v, format = format or (is_error(v) and FORMATS.ERROR or FORMATS.LUA)}, PayloadMT)
end
PayloadMT.__tostring = function(p) return 'payload(' .. p.format .. ')' end
function Payload:data()
  if self.format == FORMATS.JSON and raw_type(self.text) == 'string' then return W.modules.json.decode(self.text) end
  return self.value, nil
end
Payload.unmarshal = Payload.data
function Payload:get_format() return self.format end
function Payload:transcode(format)
  if format == FORMATS.LUA then return new_payload(self.value, FORMATS.LUA), nil end
  if format == FORMATS.JSON then
    local text, err = W.modules.json.encode(self.value)
    if err then return nil, new_error({message = 'payload: cannot transcode to json: ' .. err._message, kind = 'Internal', retryable = false}) end
    local p = new_payload(self.value, FORMATS.JSON)
    p.text = text
    return p, nil
  end
  if format == FORMATS.STRING and raw_type(self.value) == 'string' then return new_payload(self.value, FORMATS.STRING), nil end
  return nil, new_error({message = 'payload: no transcoder from ' .. self.format .. ' to ' .. raw_tostring(format), kind = 'Internal', retryable = false})
end
function W.payload(v) return new_payload(v) end
W.PayloadMT = PayloadMT
payload = {new = function(v) return new_payload(v) end, format = FORMATS}
