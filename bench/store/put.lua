-- wrk script: POST /v3/kv/put with rotating keys /bench/t<thread>/%08d and 256-byte values, the shape
-- used for the etcd 3.4 JSON-gateway anchors (shared/ref/etcd-and-raft.md section 4.4).
-- Usage: wrk -t2 -c32 -d10s -s put.lua http://127.0.0.1:2379 [-- <keys per thread, default 10000>]

local dir = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
local common = dofile(dir .. "common.lua")

setup = common.setup
done = common.done

local reqs = {}
local nreqs = 0
local idx = 0

function init(args)
    local nkeys = tonumber(args[1]) or 10000
    local tid = thread_id or 1
    local value = common.b64(common.value256())
    for i = 1, nkeys do
        local key = common.b64(string.format("/bench/t%d/%08d", tid, i))
        reqs[i] = common.post("/v3/kv/put", '{"key":"' .. key .. '","value":"' .. value .. '"}')
    end
    nreqs = nkeys
end

function request()
    idx = idx % nreqs + 1
    return reqs[idx]
end
