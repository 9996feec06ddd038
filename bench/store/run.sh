#!/usr/bin/env bash
# bench/store/run.sh: throughput and latency of c8s-store against real etcd 3.4, side by side.
# Starts a 3-member etcd cluster and a 3-member c8s-store cluster on 127.0.0.1 (same flags, data on
# the same real disk, fsync on), drives each leader with the same wrk load through the etcd v3 JSON
# API (put, linearizable and serializable single-key range; the shapes of shared/ref/etcd-and-raft.md
# section 4.4) and prints the medians of N runs with the ratio c8s/etcd.
#
# Usage: bench/store/run.sh [-n RUNS] [-d DURATION] [-c "32 256"] [-t THREADS] [-w WORKLOADS] [--quick]
#                           [--keep]
#   -n, --runs N          runs per figure, the median is reported            (env RUNS, default 3)
#   -d, --duration D      wrk duration of one run                          (env DURATION, default 10s)
#   -c, --conns "A B"     connection counts                              (env CONNS, default "32 256")
#   -t, --threads T       wrk threads                                          (env THREADS, default 2)
#   -w, --workloads "..." any of put range range-serializable     (env WORKLOADS, default all three)
#   --quick               smoke run: DURATION=3s RUNS=1
#   --keep                keep the temp dir (data dirs, logs, raw wrk output)          (env KEEP=1)
# Env: C8S_BIN_DIR (default <repo>/build/bin), BENCH_TMPDIR (parent of the temp dir, default
#      /var/tmp; tmpfs is refused unless ALLOW_TMPFS=1), ETCD (default etcd), WRK (default wrk).
# Exit: 0 all measured without errors; 1 c8s-store missing, not healthy, crashed, or answered
#       errors under load (etcd's figures are still printed); 2 usage error or etcd itself failed.

set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)

RUNS=${RUNS:-3}
DURATION=${DURATION:-10s}
CONNS=${CONNS:-"32 256"}
THREADS=${THREADS:-2}
WORKLOADS=${WORKLOADS:-"put range range-serializable"}
KEEP=${KEEP:-0}
ETCD=${ETCD:-etcd}
WRK=${WRK:-wrk}
C8S_BIN="${C8S_BIN_DIR:-$REPO/build/bin}/c8s-store"
HEALTH_TIMEOUT=${HEALTH_TIMEOUT:-30}
RANGE_KEYS=100

usage() {
    sed -n '/^# Usage:/,/^# Exit:/p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2
    exit 2
}

while [ $# -gt 0 ]; do
    case "$1" in
    -n | --runs) RUNS=${2:?}; shift 2 ;;
    -d | --duration) DURATION=${2:?}; shift 2 ;;
    -c | --conns) CONNS=${2:?}; shift 2 ;;
    -t | --threads) THREADS=${2:?}; shift 2 ;;
    -w | --workloads) WORKLOADS=${2:?}; shift 2 ;;
    --quick) DURATION=3s; RUNS=1; shift ;;
    --keep) KEEP=1; shift ;;
    -h | --help) usage ;;
    *) echo "run.sh: unknown argument $1" >&2; usage ;;
    esac
done

[[ "$RUNS" =~ ^[1-9][0-9]*$ ]] || { echo "run.sh: --runs must be a positive integer" >&2; exit 2; }
[[ "$THREADS" =~ ^[1-9][0-9]*$ ]] || { echo "run.sh: --threads must be a positive integer" >&2; exit 2; }
for c in $CONNS; do
    [[ "$c" =~ ^[1-9][0-9]*$ ]] && [ "$c" -ge "$THREADS" ] ||
        { echo "run.sh: connection count $c must be an integer >= threads ($THREADS)" >&2; exit 2; }
done
for w in $WORKLOADS; do
    case "$w" in put | range | range-serializable) ;;
    *) echo "run.sh: unknown workload $w (put, range, range-serializable)" >&2; exit 2 ;;
    esac
done
for tool in "$ETCD" "$WRK" curl jq python3; do
    command -v "$tool" >/dev/null || { echo "run.sh: $tool not found" >&2; exit 2; }
done

log() { printf '%s\n' "$*" >&2; }

# ---- temp dir on a real disk, cleanup of everything we start ------------------------------------
PARENT=${BENCH_TMPDIR:-/var/tmp}
TMP=$(mktemp -d "$PARENT/c8s-bench-store.XXXXXX")
FSTYPE=$(findmnt -no FSTYPE -T "$TMP" 2>/dev/null || stat -f -c %T "$TMP")
if [[ "$FSTYPE" == tmpfs || "$FSTYPE" == ramfs ]] && [ "${ALLOW_TMPFS:-0}" != 1 ]; then
    rmdir "$TMP"
    echo "run.sh: $PARENT is $FSTYPE; fsync would be free there. Set BENCH_TMPDIR to a disk." >&2
    exit 2
fi

PIDS=()     # every server process we started
WRK_PID=""  # the wrk run in progress

cleanup() {
    local rc=$? pid deadline
    trap - EXIT INT TERM
    [ -n "$WRK_PID" ] && kill -TERM "$WRK_PID" 2>/dev/null || true
    for pid in "${PIDS[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
    deadline=$((SECONDS + 10))
    for pid in "${PIDS[@]}" $WRK_PID; do
        while kill -0 "$pid" 2>/dev/null && [ $SECONDS -lt $deadline ]; do sleep 0.1; done
        kill -KILL "$pid" 2>/dev/null || true
        wait "$pid" 2>/dev/null || true
    done
    if [ "$KEEP" = 1 ]; then
        log "run.sh: kept $TMP"
    else
        rm -rf "$TMP"
    fi
    exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# ---- free loopback ports ------------------------------------------------------------------------
# Binds all sockets at once so the ports are distinct, then releases them for the servers.
read -r -a PORTS <<<"$(python3 -c '
import socket
socks = []
for _ in range(12):
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    socks.append(s)
print(" ".join(str(s.getsockname()[1]) for s in socks))
')"

# ---- clusters -----------------------------------------------------------------------------------
declare -A CLUSTER_PIDS CLIENT_URLS LEADER_URL
FAIL_REASON=""

# start_cluster <sys> <binary> <first port index>: starts three members, logs in $TMP/<sys>/.
start_cluster() {
    local sys=$1 bin=$2 p=$3 i initial="" name
    mkdir -p "$TMP/$sys"
    for i in 1 2 3; do
        initial+="${initial:+,}$sys$i=http://127.0.0.1:${PORTS[p + 2 * (i - 1) + 1]}"
    done
    CLUSTER_PIDS[$sys]=""
    CLIENT_URLS[$sys]=""
    for i in 1 2 3; do
        name=$sys$i
        local cport=${PORTS[p + 2 * (i - 1)]} pport=${PORTS[p + 2 * (i - 1) + 1]}
        "$bin" --name "$name" --data-dir "$TMP/$sys/$name.data" \
            --listen-client-urls "http://127.0.0.1:$cport" \
            --advertise-client-urls "http://127.0.0.1:$cport" \
            --listen-peer-urls "http://127.0.0.1:$pport" \
            --initial-advertise-peer-urls "http://127.0.0.1:$pport" \
            --initial-cluster "$initial" --initial-cluster-state new \
            >"$TMP/$sys/$name.log" 2>&1 </dev/null &
        PIDS+=($!)
        CLUSTER_PIDS[$sys]+="$! "
        CLIENT_URLS[$sys]+="http://127.0.0.1:$cport "
    done
}

# cluster_alive <sys>: 0 when every member process still runs.
cluster_alive() {
    local pid
    for pid in ${CLUSTER_PIDS[$1]}; do kill -0 "$pid" 2>/dev/null || return 1; done
}

# cluster_dead_members <sys>: names and exit statuses of members that have exited.
cluster_dead_members() {
    local pid i=0 out="" st
    for pid in ${CLUSTER_PIDS[$1]}; do
        i=$((i + 1))
        if ! kill -0 "$pid" 2>/dev/null; then
            st=0
            wait "$pid" 2>/dev/null || st=$?
            out+="$1$i (pid $pid, exit status $st) "
        fi
    done
    printf '%s' "$out"
}

stop_cluster() {
    local pid
    for pid in ${CLUSTER_PIDS[$1]}; do kill -TERM "$pid" 2>/dev/null || true; done
    for pid in ${CLUSTER_PIDS[$1]}; do
        local deadline=$((SECONDS + 10))
        while kill -0 "$pid" 2>/dev/null && [ $SECONDS -lt $deadline ]; do sleep 0.1; done
        kill -KILL "$pid" 2>/dev/null || true
        wait "$pid" 2>/dev/null || true
    done
}

# wait_healthy <sys>: polls POST /v3/maintenance/status on every member until all three answer and
# agree on a leader; sets LEADER_URL[sys] to the client URL of the member that is that leader.
wait_healthy() {
    local sys=$1 deadline=$((SECONDS + HEALTH_TIMEOUT)) url st leader id ok lurl
    while [ $SECONDS -lt $deadline ]; do
        if ! cluster_alive "$sys"; then
            FAIL_REASON="member exited before the cluster was healthy: $(cluster_dead_members "$sys")"
            log "[$sys] $FAIL_REASON"
            return 1
        fi
        ok=0 leader="" lurl=""
        for url in ${CLIENT_URLS[$sys]}; do
            st=$(curl -sf --max-time 2 -X POST -d '{}' "$url/v3/maintenance/status" 2>/dev/null) || continue
            id=$(jq -r '.header.member_id // empty' <<<"$st" 2>/dev/null) || continue
            local l
            l=$(jq -r '.leader // empty' <<<"$st" 2>/dev/null) || continue
            [ -n "$l" ] && [ "$l" != 0 ] || continue
            [ -z "$leader" ] || [ "$leader" = "$l" ] || continue
            leader=$l
            ok=$((ok + 1))
            [ "$id" = "$l" ] && lurl=$url
        done
        if [ "$ok" = 3 ] && [ -n "$lurl" ]; then
            LEADER_URL[$sys]=$lurl
            return 0
        fi
        sleep 0.2
    done
    FAIL_REASON="no leader agreed by all three members within ${HEALTH_TIMEOUT}s"
    log "[$sys] $FAIL_REASON"
    return 1
}

# preload <sys>: writes /bench/range/00000001..100 (256-byte values) in one txn and reads one back.
preload() {
    local sys=$1 url=${LEADER_URL[$1]} value body out got
    value=$(head -c 256 /dev/zero | tr '\0' 'v' | base64 -w0)
    body=$(jq -cn --arg v "$value" --argjson n "$RANGE_KEYS" \
        '{success: [range(1; $n + 1) | {request_put: {key: ("/bench/range/" + ("0000000" + tostring | .[-8:]) | @base64), value: $v}}]}')
    out=$(curl -s --max-time 10 -X POST -d "$body" "$url/v3/kv/txn") ||
        { FAIL_REASON="preload txn: no HTTP answer from $url"; log "[$sys] $FAIL_REASON"; return 1; }
    if ! jq -e '.succeeded == true' <<<"$out" >/dev/null 2>&1; then
        FAIL_REASON="preload txn (100 puts) answered: ${out:0:300}"
        log "[$sys] $FAIL_REASON"
        return 1
    fi
    out=$(curl -s --max-time 10 -X POST -d "{\"key\":\"$(printf /bench/range/%08d 7 | base64 -w0)\"}" \
        "$url/v3/kv/range") || { FAIL_REASON="preload check: no HTTP answer"; log "[$sys] $FAIL_REASON"; return 1; }
    got=$(jq -r '.kvs[0].value // empty' <<<"$out" 2>/dev/null || true)
    if [ "$got" != "$value" ]; then
        FAIL_REASON="preload check: range /bench/range/00000007 answered: ${out:0:300}"
        log "[$sys] $FAIL_REASON"
        return 1
    fi
}

# log_tails <sys>: the last lines of every member's log, for a failure report.
log_tails() {
    local f
    for f in "$TMP/$1"/*.log; do
        log "----- $(basename "$f") (last 40 lines) -----"
        tail -n 40 "$f" >&2 || true
    done
    log "-----"
}

# ---- load ---------------------------------------------------------------------------------------
mkdir -p "$TMP/results"

# run_wrk <sys> <workload> <conns> <run>: one wrk run against the leader; appends the figures to
# $TMP/results/<sys>.<workload>.<conns>.{rps,p50,p99,err}. Fails when wrk produced no BENCH line.
run_wrk() {
    local sys=$1 wl=$2 c=$3 run=$4 script args=() out line
    case "$wl" in
    put) script=put.lua ;;
    range) script=range.lua; args=(-- linearizable "$RANGE_KEYS") ;;
    range-serializable) script=range.lua; args=(-- serializable "$RANGE_KEYS") ;;
    esac
    out="$TMP/results/$sys.$wl.c$c.run$run.txt"
    "$WRK" -t"$THREADS" -c"$c" -d"$DURATION" --latency -s "$HERE/$script" "${LEADER_URL[$sys]}" \
        "${args[@]}" >"$out" 2>&1 </dev/null &
    WRK_PID=$!
    wait "$WRK_PID" || true
    WRK_PID=""
    line=$(grep '^BENCH ' "$out" | tail -n 1) || { log "[$sys] wrk gave no result:"; cat "$out" >&2; return 1; }
    local rps p50 p99 err
    rps=$(sed -n 's/.* rps=\([0-9.]*\).*/\1/p' <<<"$line")
    p50=$(sed -n 's/.* p50_us=\([0-9]*\).*/\1/p' <<<"$line")
    p99=$(sed -n 's/.* p99_us=\([0-9]*\).*/\1/p' <<<"$line")
    err=$(awk '{ n = 0; for (i = 1; i <= NF; i++) if ($i ~ /^(non2xx|[a-z]+_err)=/) { split($i, kv, "="); n += kv[2] } print n }' <<<"$line")
    local base="$TMP/results/$sys.$wl.c$c"
    echo "$rps" >>"$base.rps"
    echo "$p50" >>"$base.p50"
    echo "$p99" >>"$base.p99"
    echo "$err" >>"$base.err"
    log "$(printf '[%-4s] %-18s c=%-4s run %d/%d: %9.0f req/s  p50 %7.2f ms  p99 %7.2f ms%s' "$sys" "$wl" "$c" \
        "$run" "$RUNS" "$rps" "$(awk -v v="$p50" 'BEGIN{print v/1000}')" \
        "$(awk -v v="$p99" 'BEGIN{print v/1000}')" "$([ "$err" = 0 ] || echo "  ERRORS: $err ($line)")")"
}

# median <file>: the median of the numbers in file (mean of the middle two for an even count).
median() {
    sort -g "$1" | awk '{ v[NR] = $1 } END { if (NR == 0) exit 1;
        if (NR % 2) printf "%.3f", v[(NR + 1) / 2]; else printf "%.3f", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

# ---- machine description ------------------------------------------------------------------------
DEV=$(df --output=source "$TMP" | tail -n 1)
ROTA=$(lsblk -dno ROTA "$DEV" 2>/dev/null | head -n 1 | tr -d ' ' || true)
SYNC=$(cd "$TMP" && dd if=/dev/zero of=ddtest bs=4k count=500 oflag=dsync 2>&1 | tail -n 1 |
    awk -F', ' '{ split($(NF - 1), t, " "); if (t[1] > 0) printf "%.0f/s", 500 / t[1] }' || true)
rm -f "$TMP/ddtest"
CPU=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | sed -n 1p)
MEM=$(awk '/^MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo)
ETCD_VERSION=$("$ETCD" --version 2>/dev/null | sed -n 's/^etcd Version: //p')
C8S_REV=$(git -C "$REPO" rev-parse --short HEAD 2>/dev/null || echo unknown)
log "machine: $(nproc) CPUs ($CPU), $MEM RAM; data on $DEV ($FSTYPE, rotational=${ROTA:-?}," \
    "4 KiB O_DSYNC writes: ${SYNC:-?}); kernel $(uname -r); load average before start:" \
    "$(cut -d' ' -f1-3 /proc/loadavg)"
log "etcd $ETCD_VERSION; c8s-store $C8S_BIN (git $C8S_REV); wrk -t$THREADS -d$DURATION; runs $RUNS;" \
    "conns $CONNS; workloads $WORKLOADS; temp dir $TMP"

# ---- main ---------------------------------------------------------------------------------------
C8S_OK=1
C8S_WHY=""
c8s_failed() {
    C8S_OK=0
    C8S_WHY=$1
    log "[c8s] c8s-store could not be measured: $1"
    log_tails c8s
    stop_cluster c8s
}

start_cluster etcd "$(command -v "$ETCD")" 0
if [ -x "$C8S_BIN" ]; then
    start_cluster c8s "$C8S_BIN" 6
else
    C8S_OK=0
    C8S_WHY="binary $C8S_BIN not found or not executable"
    log "[c8s] c8s-store could not be measured: $C8S_WHY"
fi

if ! wait_healthy etcd || ! preload etcd; then
    log "[etcd] etcd cluster did not come up; nothing to compare against"
    log_tails etcd
    exit 2
fi
log "[etcd] leader ${LEADER_URL[etcd]}"
if [ "$C8S_OK" = 1 ]; then
    if wait_healthy c8s && preload c8s; then
        log "[c8s] leader ${LEADER_URL[c8s]}"
    else
        c8s_failed "$FAIL_REASON"
    fi
fi

for ((run = 1; run <= RUNS; run++)); do
    for wl in $WORKLOADS; do
        for c in $CONNS; do
            run_wrk etcd "$wl" "$c" "$run" || exit 2
            if ! cluster_alive etcd; then
                log "[etcd] member exited under load: $(cluster_dead_members etcd)"
                log_tails etcd
                exit 2
            fi
            [ "$C8S_OK" = 1 ] || continue
            if ! run_wrk c8s "$wl" "$c" "$run"; then
                c8s_failed "wrk failed during $wl c=$c run $run"
            elif ! cluster_alive c8s; then
                c8s_failed "member exited during $wl c=$c run $run: $(cluster_dead_members c8s)"
            fi
        done
    done
done

# ---- table --------------------------------------------------------------------------------------
ERRORS=0
if cat "$TMP"/results/*.err 2>/dev/null | awk '$1 > 0 { bad = 1 } END { exit !bad }'; then ERRORS=1; fi
cell() { # cell <sys> <wl> <c> <metric>: median (ms for latencies), "!" when any run had errors
    local base="$TMP/results/$1.$2.c$3" v
    [ -s "$base.$4" ] || { echo "-"; return; }
    v=$(median "$base.$4")
    case "$4" in
    rps) v=$(awk -v v="$v" 'BEGIN { printf "%.0f", v }') ;;
    *) v=$(awk -v v="$v" 'BEGIN { printf "%.2f", v / 1000 }') ;;
    esac
    awk '$1 > 0 { bad = 1 } END { exit !bad }' "$base.err" && v+="!"
    echo "$v"
}

echo
echo "etcd $ETCD_VERSION vs c8s-store (git $C8S_REV), 3 members each on 127.0.0.1, load on the leader;"
echo "wrk -t$THREADS -d$DURATION, median of $RUNS run(s); $(nproc) CPUs, $MEM, data on $DEV ($FSTYPE)"
echo
printf '| %-18s | %5s | %-7s | %9s | %9s | %8s |\n' workload conns metric etcd c8s-store c8s/etcd
printf '|%s|%s|%s|%s|%s|%s|\n' "$(printf -- '-%.0s' {1..20})" "-------" "---------" "-----------" \
    "-----------" "----------"
for wl in $WORKLOADS; do
    for c in $CONNS; do
        for m in rps p50 p99; do
            e=$(cell etcd "$wl" "$c" "$m")
            s=$(cell c8s "$wl" "$c" "$m")
            r=$(awk -v a="${e%!}" -v b="${s%!}" 'BEGIN { if (a + 0 > 0 && b != "-") printf "%.2f", b / a; else print "-" }')
            case $m in rps) label="req/s" ;; p50) label="p50 ms" ;; p99) label="p99 ms" ;; esac
            printf '| %-18s | %5s | %-7s | %9s | %9s | %8s |\n' "$wl" "$c" "$label" "$e" "$s" "$r"
        done
    done
done
echo
echo "req/s: higher is better (ratio > 1 means c8s-store is faster); latency: lower is better."
[ "$ERRORS" = 0 ] || echo "!: some runs had non-2xx answers or socket errors (see the per-run lines above)."
if [ "$C8S_OK" != 1 ]; then
    echo
    echo "c8s-store COULD NOT BE MEASURED: $C8S_WHY"
    exit 1
fi
[ "$ERRORS" = 0 ] || exit 1
exit 0
