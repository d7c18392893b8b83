-- wrk script: every request carries the next of many tenants' JWTs (one per line in TOKENS).
local tokens = {}
for line in io.lines(os.getenv("TOKENS")) do
  tokens[#tokens + 1] = "Bearer " .. line
end
local next_token = math.random(#tokens)

request = function()
  next_token = next_token % #tokens + 1
  return wrk.format(nil, nil, { ["Authorization"] = tokens[next_token] })
end
