-- wrk script: POST pods to /api/v1/namespaces/<ns>/pods with unique names p<thread>-<n>, a small
-- pod of about 400 bytes of JSON (one container, labels, a port).
-- Usage: wrk -t2 -c32 -d10s -s create_pods.lua http://127.0.0.1:8080 -- <namespace> <run id>

local common = dofile((debug.getinfo(1, "S").source:match("^@(.*/)") or "./")
    .. "../store/common.lua")

setup = common.setup
done = common.done

local ns = "bench"
local run = "r"
local n = 0
local path

function init(args)
    ns = args[1] or ns
    run = args[2] or run
    path = "/api/v1/namespaces/" .. ns .. "/pods"
end

function request()
    n = n + 1
    local body = string.format(
        '{"apiVersion":"v1","kind":"Pod","metadata":{"name":"%s-t%d-%d","labels":'
            .. '{"app":"bench","tier":"load"}},"spec":{"containers":[{"name":"app",'
            .. '"image":"registry.local/bench:1.0","ports":[{"containerPort":8080}],'
            .. '"resources":{"requests":{"cpu":"10m","memory":"16Mi"}}}]}}',
        run, thread_id or 1, n)
    return wrk.format("POST", path, { ["Content-Type"] = "application/json" }, body)
end
