-- Paced load for wrk: every connection waits DELAY_MS between its requests (wrk's delay hook), so
-- the rate stays near connections x 1000 / DELAY_MS requests a second, well below saturation:
-- the latency measured is what a request costs, not time in a queue. (wrk is not a constant-rate
-- generator in the open-loop sense; at half the saturating rate the difference is small.)
local delay_ms = tonumber(os.getenv("DELAY_MS") or "5")

function delay()
  return delay_ms
end
