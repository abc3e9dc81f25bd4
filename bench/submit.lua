-- wrk script: every request sends one complete response to the open benchmark wave, each
-- with the session of another invited teacher (tokens from $TOKENS, one per line), so no
-- response is sent twice. $ITEMS items are answered; the double-submit CSRF pair is fixed.
local tokens = {}
for line in io.lines(os.getenv("TOKENS")) do tokens[#tokens + 1] = line end
local csrf = "benchbenchbenchbenchbenchbenchbenchbench123"
local parts = {}
for i = 1, tonumber(os.getenv("ITEMS") or "60") do parts[#parts + 1] = "i" .. i .. "=" .. (i % 5 + 1) end
local body = table.concat(parts, "&") .. "&send=1&_csrf=" .. csrf
local threads = 0

function setup(thread)
  thread:set("first", threads)
  threads = threads + 1
end

function init(args)
  index = first + tonumber(os.getenv("START") or "0")
  stride = tonumber(os.getenv("THREADS") or "2")
end

function request()
  local token = tokens[index % #tokens + 1]
  index = index + stride
  return wrk.format("POST", os.getenv("SUBMIT_PATH"), {
    ["Content-Type"] = "application/x-www-form-urlencoded",
    ["Cookie"] = "samen_session=" .. token .. "; samen_csrf=" .. csrf,
  }, body)
end
