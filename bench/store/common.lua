-- Shared helpers for the store wrk scripts (put.lua, range.lua): base64, pre-built requests, and a
-- done() that prints one machine-readable BENCH line that run.sh parses.
-- Requests are formatted once in init() so wrk spends its CPU on the network, not on Lua.

local M = {}

local b64chars = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"

-- Standard base64 with padding, as the etcd JSON gateway expects for bytes fields.
function M.b64(data)
    local out = {}
    local len = #data
    for i = 1, len, 3 do
        local a, b, c = data:byte(i, i + 2)
        local n = a * 65536 + (b or 0) * 256 + (c or 0)
        local c1 = math.floor(n / 262144) % 64
        local c2 = math.floor(n / 4096) % 64
        local c3 = math.floor(n / 64) % 64
        local c4 = n % 64
        out[#out + 1] = b64chars:sub(c1 + 1, c1 + 1) .. b64chars:sub(c2 + 1, c2 + 1)
            .. (b and b64chars:sub(c3 + 1, c3 + 1) or "=")
            .. (c and b64chars:sub(c4 + 1, c4 + 1) or "=")
    end
    return table.concat(out)
end

-- A 256-byte printable value (fixed, so every run sends identical bytes).
function M.value256()
    local s = {}
    for i = 0, 255 do
        s[#s + 1] = string.char(97 + (i % 26))
    end
    return table.concat(s)
end

-- Builds a POST request for path with body, reusable on every call of request().
function M.post(path, body)
    return wrk.format("POST", path, { ["Content-Type"] = "application/json" }, body)
end

-- setup() numbers the threads 1..n so each can use its own key space.
local next_thread_id = 1
function M.setup(thread)
    thread:set("thread_id", next_thread_id)
    next_thread_id = next_thread_id + 1
end

-- done() prints one line: BENCH key=value ... (latencies in microseconds).
function M.done(summary, latency, requests)
    local e = summary.errors
    local secs = summary.duration / 1e6
    io.write(string.format(
        "BENCH requests=%d duration_us=%d rps=%.1f p50_us=%d p90_us=%d p99_us=%d p999_us=%d "
            .. "max_us=%d non2xx=%d connect_err=%d read_err=%d write_err=%d timeout_err=%d\n",
        summary.requests, summary.duration, summary.requests / secs,
        latency:percentile(50), latency:percentile(90), latency:percentile(99),
        latency:percentile(99.9), latency.max, e.status, e.connect, e.read, e.write, e.timeout))
end

return M
