-- wrk script: POST /v3/kv/put of a pod-sized value (the JSON a pod create stores) under rotating
-- keys, so the store's own put throughput is measured with the bytes an apiserver create writes.
-- Usage: wrk -t2 -c32 -d10s -s store_put.lua http://127.0.0.1:2379

local common = dofile((debug.getinfo(1, "S").source:match("^@(.*/)") or "./")
    .. "../store/common.lua")

setup = common.setup
done = common.done

local value
local n = 0
local tid

function init(args)
    tid = thread_id or 1
    local pod = string.rep("x", 900)
    value = common.b64(pod)
end

function request()
    n = n + 1
    local key = common.b64(string.format("/registry/benchpods/t%d/%08d", tid, n))
    local body = '{"key":"' .. key .. '","value":"' .. value .. '"}'
    return wrk.format("POST", "/v3/kv/put", { ["Content-Type"] = "application/json" }, body)
end
