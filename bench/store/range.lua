-- wrk script: POST /v3/kv/range for one key at a time, rotating over /bench/range/%08d (run.sh writes
-- those keys first, 256-byte values). Linearizable by default, as kube-apiserver's Get; pass
-- "serializable" to read local state without the leader round (etcd's serializable range).
-- Usage: wrk -t2 -c32 -d10s -s range.lua URL [-- linearizable|serializable [<keys, default 100>]]

local dir = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
local common = dofile(dir .. "common.lua")

setup = common.setup
done = common.done

local reqs = {}
local nreqs = 0
local idx = 0

function init(args)
    local mode = args[1] or "linearizable"
    local nkeys = tonumber(args[2]) or 100
    local extra = ""
    if mode == "serializable" then
        extra = ',"serializable":true'
    elseif mode ~= "linearizable" then
        error("range.lua: mode must be linearizable or serializable, not " .. mode)
    end
    for i = 1, nkeys do
        local key = common.b64(string.format("/bench/range/%08d", i))
        reqs[i] = common.post("/v3/kv/range", '{"key":"' .. key .. '"' .. extra .. "}")
    end
    nreqs = nkeys
    -- Threads start at different offsets so they do not read the same key in lockstep.
    idx = ((thread_id or 1) - 1) * 37 % nkeys
end

function request()
    idx = idx % nreqs + 1
    return reqs[idx]
end
