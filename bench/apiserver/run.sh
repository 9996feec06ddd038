#!/usr/bin/env bash
# bench/apiserver/run.sh: c8s-apiserver's figures beside its store's own, in one run.
# Starts a one-member c8s-store and a c8s-apiserver on it (127.0.0.1, data on a real disk, fsync
# on) and measures: the store's put throughput with pod-sized values (the anchor), pod creates
# per second through the apiserver with the same wrk load, and their ratio (1.0 = the apiserver
# adds nothing); list latency with PODS pods (a consistent list from the store, a
# resourceVersion=0 list, a 500-item page); and event delivery latency (p50/p99) to WATCHERS
# concurrent watchers.
#
# Usage: bench/apiserver/run.sh [-d DURATION] [-c CONNS] [-t THREADS] [-p PODS] [-w WATCHERS]
#                               [-e EVENTS] [--quick] [--keep]
#   -d, --duration D   wrk duration of the put and create runs          (env DURATION, default 10s)
#   -c, --conns N      wrk connections                                         (env CONNS, default 32)
#   -t, --threads T    wrk threads                                           (env THREADS, default 2)
#   -p, --pods N       pods present for the list figures                    (env PODS, default 10000)
#   -w, --watchers N   concurrent watchers                               (env WATCHERS, default 1000)
#   -e, --events N     pods created while they watch                         (env EVENTS, default 20)
#   --quick            smoke run: DURATION=3s PODS=2000 WATCHERS=100 EVENTS=5
#   --keep             keep the temp dir (data, logs)                               (env KEEP=1)
# Env: C8S_BIN_DIR (default <repo>/build/bin), BENCH_TMPDIR (default /var/tmp), WRK (default wrk),
#      APISERVER_ARGS (extra c8s-apiserver flags, e.g. "--max-requests-inflight 64").
# Exit: 0 measured; 1 a component missing, unhealthy or failing under load; 2 usage error.

set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)

DURATION=${DURATION:-10s}
CONNS=${CONNS:-32}
THREADS=${THREADS:-2}
PODS=${PODS:-10000}
WATCHERS=${WATCHERS:-1000}
EVENTS=${EVENTS:-20}
KEEP=${KEEP:-0}
WRK=${WRK:-wrk}
BIN_DIR=${C8S_BIN_DIR:-$REPO/build/bin}
LIST_RUNS=5

usage() {
    sed -n '/^# Usage:/,/^# Exit:/p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2
    exit 2
}

while [ $# -gt 0 ]; do
    case "$1" in
    -d | --duration) DURATION=${2:?}; shift 2 ;;
    -c | --conns) CONNS=${2:?}; shift 2 ;;
    -t | --threads) THREADS=${2:?}; shift 2 ;;
    -p | --pods) PODS=${2:?}; shift 2 ;;
    -w | --watchers) WATCHERS=${2:?}; shift 2 ;;
    -e | --events) EVENTS=${2:?}; shift 2 ;;
    --quick) DURATION=3s; PODS=2000; WATCHERS=100; EVENTS=5; shift ;;
    --keep) KEEP=1; shift ;;
    -h | --help) usage ;;
    *) echo "run.sh: unknown argument $1" >&2; usage ;;
    esac
done
for v in CONNS THREADS PODS WATCHERS EVENTS; do
    [[ "${!v}" =~ ^[1-9][0-9]*$ ]] || { echo "run.sh: ${v,,} must be a positive integer" >&2; exit 2; }
done
command -v "$WRK" >/dev/null || { echo "run.sh: wrk is missing (apt-get install wrk)" >&2; exit 1; }
for b in c8s-store c8s-apiserver; do
    [ -x "$BIN_DIR/$b" ] || { echo "run.sh: no $BIN_DIR/$b (build first, or set C8S_BIN_DIR)" >&2; exit 1; }
done

# shellcheck source=../lib/local.sh
. "$HERE/../lib/local.sh"
# shellcheck disable=SC2086 # APISERVER_ARGS is a list of flags
bench_start apiserver ${APISERVER_ARGS:-}

# field LINE KEY: the value of KEY=... in a BENCH line.
field() { sed -n "s/.* $2=\([^ ]*\).*/\1/p" <<<" $1"; }

bench_wrk() { # bench_wrk SCRIPT URL ARGS...: the BENCH line
    local script=$1 url=$2
    shift 2
    "$WRK" -t"$THREADS" -c"$CONNS" -d"$DURATION" -s "$HERE/$script" "$url" -- "$@" | grep '^BENCH'
}

create_ns() {
    curl -fsS -o /dev/null -X POST -H 'Content-Type: application/json' "$API_URL/api/v1/namespaces" \
        -d "{\"apiVersion\":\"v1\",\"kind\":\"Namespace\",\"metadata\":{\"name\":\"$1\"}}"
    # A ServiceAccount admission that wants the default account finds it (no controller here).
    curl -sS -o /dev/null -X POST -H 'Content-Type: application/json' \
        "$API_URL/api/v1/namespaces/$1/serviceaccounts" \
        -d '{"apiVersion":"v1","kind":"ServiceAccount","metadata":{"name":"default"}}' || true
}

pod_count() {
    curl -fsS "$API_URL/api/v1/namespaces/bench/pods?limit=1" |
        python3 -c 'import json,sys; d=json.load(sys.stdin); print(len(d["items"]) + d["metadata"].get("remainingItemCount", 0))'
}

log "store put (pod-sized values), $CONNS connections, $DURATION"
PUT=$(bench_wrk store_put.lua "$STORE_URL")
create_ns bench
log "pod creates through the apiserver, $CONNS connections, $DURATION"
CREATE=$(bench_wrk create_pods.lua "$API_URL" bench run1)
if [ "$(field "$CREATE" non2xx)" != 0 ]; then
    log "run.sh: $(field "$CREATE" non2xx) creates failed; apiserver log tail:"
    tail -n 20 "$WORK/apiserver.log" >&2
    exit 1
fi

round=2
while [ "$(pod_count)" -lt "$PODS" ]; do
    [ $round -lt 50 ] || { log "run.sh: cannot reach $PODS pods"; exit 1; }
    log "filling to $PODS pods (now $(pod_count))"
    DURATION=5s bench_wrk create_pods.lua "$API_URL" bench "run$round" >/dev/null
    round=$((round + 1))
done
NPODS=$(pod_count)

median_ms() { # median_ms URL: median of LIST_RUNS GETs, in ms
    for _ in $(seq "$LIST_RUNS"); do
        curl -fsS -o /dev/null -w '%{time_total}\n' "$1"
    done | sort -n | sed -n "$(((LIST_RUNS + 1) / 2))p" | awk '{printf "%.1f", $1 * 1000}'
}
log "list latency with $NPODS pods"
LIST_FULL=$(median_ms "$API_URL/api/v1/namespaces/bench/pods")
LIST_RV0=$(median_ms "$API_URL/api/v1/namespaces/bench/pods?resourceVersion=0")
LIST_PAGE=$(median_ms "$API_URL/api/v1/namespaces/bench/pods?limit=500")

create_ns bench-watch
log "event delivery to $WATCHERS watchers, $EVENTS events"
WATCH=$(python3 "$HERE/watch_latency.py" "$API_URL" bench-watch "$WATCHERS" "$EVENTS" 120) || {
    log "run.sh: watch delivery incomplete: $WATCH"; exit 1; }

put_rps=$(field "$PUT" rps)
create_rps=$(field "$CREATE" rps)
ratio=$(awk -v a="$create_rps" -v b="$put_rps" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }')
cat <<OUT

c8s-apiserver benchmark ($(nproc) cores; wrk -t$THREADS -c$CONNS -d$DURATION; one c8s-store member)
  store put, pod-sized values (anchor)   $(printf '%8.0f' "$put_rps")/s   p50 $(field "$PUT" p50_us)us  p99 $(field "$PUT" p99_us)us
  pod create through c8s-apiserver       $(printf '%8.0f' "$create_rps")/s   p50 $(field "$CREATE" p50_us)us  p99 $(field "$CREATE" p99_us)us
  create / put ratio                     $ratio
  list $NPODS pods (consistent read)       ${LIST_FULL} ms
  list $NPODS pods (resourceVersion=0)     ${LIST_RV0} ms
  list first page (limit=500)            ${LIST_PAGE} ms
  event delivery, $WATCHERS watchers        p50 $(field "$WATCH" p50_ms) ms  p99 $(field "$WATCH" p99_ms) ms  max $(field "$WATCH" max_ms) ms  ($(field "$WATCH" delivered) deliveries; create p50 $(field "$WATCH" create_p50_ms) ms)
OUT
