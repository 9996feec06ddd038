# shellcheck shell=bash
# What the benchmark scripts share: a work dir removed at exit (kept with KEEP=1), and one
# c8s-store member with one c8s-apiserver on it, on free loopback ports, their PIDs ended at exit.
# Source it after setting BIN_DIR and KEEP; call bench_start NAME [APISERVER_ARGS...]; then
# STORE_URL, API_URL and WORK are set.

log() { printf '%s\n' "$*" >&2; }

# free_port: a port nothing listens on now.
free_port() {
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

BENCH_PIDS=()
bench_cleanup() {
    local pid
    for pid in "${BENCH_PIDS[@]}"; do
        kill "$pid" 2>/dev/null || true
    done
    for pid in "${BENCH_PIDS[@]}"; do
        wait "$pid" 2>/dev/null || true
    done
    if [ "${KEEP:-0}" = 1 ]; then log "kept $WORK"; else rm -rf "$WORK"; fi
}

# bench_wait_ok URL WHAT [CURL_ARGS...]: polls until URL answers 2xx (30 s), else shows the logs.
bench_wait_ok() {
    local url=$1 what=$2 deadline=$((SECONDS + 30))
    shift 2
    until curl -fsS -o /dev/null "$@" "$url" 2>/dev/null; do
        if [ $SECONDS -ge $deadline ]; then
            log "run.sh: $what not answering; log tail:"
            tail -n 20 "$WORK"/*.log >&2
            exit 1
        fi
        sleep 0.2
    done
}

# bench_start NAME [APISERVER_ARGS...]: makes WORK, starts the store (data on a real disk, fsync
# on) and the apiserver on it, and waits until the apiserver is ready.
bench_start() {
    local name=$1
    shift
    WORK=$(mktemp -d "${BENCH_TMPDIR:-/var/tmp}/c8s-bench-$name.XXXXXX")
    trap bench_cleanup EXIT
    ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
    local client_port peer_port api_port
    client_port=$(free_port)
    peer_port=$(free_port)
    api_port=$(free_port)
    STORE_URL="http://127.0.0.1:$client_port"
    API_URL="http://127.0.0.1:$api_port"
    "$BIN_DIR/c8s-store" --name bench --data-dir "$WORK/store" \
        --listen-client-urls "$STORE_URL" --advertise-client-urls "$STORE_URL" \
        --listen-peer-urls "http://127.0.0.1:$peer_port" \
        --initial-advertise-peer-urls "http://127.0.0.1:$peer_port" \
        --initial-cluster "bench=http://127.0.0.1:$peer_port" >"$WORK/store.log" 2>&1 &
    BENCH_PIDS+=($!)
    # The apiserver exits when its storage does not answer at start: wait for the store first.
    bench_wait_ok "$STORE_URL/v3/kv/range" "c8s-store" -X POST -d '{"key":"AA=="}'
    "$BIN_DIR/c8s-apiserver" --etcd-servers "$STORE_URL" --insecure-port "$api_port" \
        --etcd-compaction-interval 0 "$@" >"$WORK/apiserver.log" 2>&1 &
    BENCH_PIDS+=($!)
    bench_wait_ok "$API_URL/readyz" "c8s-apiserver"
}
