#!/usr/bin/env bash
# bench/ctl/run.sh: c8sctl beside the real kubectl 1.32 (the anchor), in one run, against one
# c8s-apiserver on a one-member c8s-store (127.0.0.1, data on a real disk, fsync on).
# Each figure is the median wall time of RUNS runs of the same command line through both tools,
# and the ratio kubectl/c8sctl (above 1.0: c8sctl is faster). kubectl keeps its discovery cache
# warm in its HOME (its normal state after the first command); c8sctl has no cache and asks
# discovery every time.
#   start      `version --client` (process start, no request)
#   get        `get pods` with PODS pods (server Table, printed as columns)
#   get json   `get pods -o json` with PODS pods
#   get one    `get pod NAME -o yaml`
#   apply      `apply -f` of OBJECTS ConfigMaps in one file, unchanged (a GET per object)
#
# Usage: bench/ctl/run.sh [-r RUNS] [-p PODS] [-o OBJECTS] [--quick] [--keep]
#   -r, --runs N      runs per figure                                        (env RUNS, default 11)
#   -p, --pods N      pods present for the get figures                     (env PODS, default 1000)
#   -o, --objects N   ConfigMaps in the applied file                       (env OBJECTS, default 50)
#   --quick           smoke run: RUNS=3 PODS=200 OBJECTS=10
#   --keep            keep the temp dir (data, logs)                               (env KEEP=1)
# Env: C8S_BIN_DIR (default <repo>/build/bin), BENCH_TMPDIR (default /var/tmp), KUBECTL (default
#      kubectl).
# Exit: 0 measured; 1 a component missing or failing; 2 usage error.

set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)

RUNS=${RUNS:-11}
PODS=${PODS:-1000}
OBJECTS=${OBJECTS:-50}
KEEP=${KEEP:-0}
KUBECTL=${KUBECTL:-kubectl}
BIN_DIR=${C8S_BIN_DIR:-$REPO/build/bin}

usage() {
    sed -n '/^# Usage:/,/^# Exit:/p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2
    exit 2
}

while [ $# -gt 0 ]; do
    case "$1" in
    -r | --runs) RUNS=${2:?}; shift 2 ;;
    -p | --pods) PODS=${2:?}; shift 2 ;;
    -o | --objects) OBJECTS=${2:?}; shift 2 ;;
    --quick) RUNS=3; PODS=200; OBJECTS=10; shift ;;
    --keep) KEEP=1; shift ;;
    -h | --help) usage ;;
    *) echo "run.sh: unknown argument $1" >&2; usage ;;
    esac
done
for v in RUNS PODS OBJECTS; do
    [[ "${!v}" =~ ^[1-9][0-9]*$ ]] || { echo "run.sh: ${v,,} must be a positive integer" >&2; exit 2; }
done
command -v "$KUBECTL" >/dev/null || { echo "run.sh: $KUBECTL is missing (the anchor)" >&2; exit 1; }
for b in c8s-store c8s-apiserver c8sctl; do
    [ -x "$BIN_DIR/$b" ] || { echo "run.sh: no $BIN_DIR/$b (build first, or set C8S_BIN_DIR)" >&2; exit 1; }
done

# shellcheck source=../lib/local.sh
. "$HERE/../lib/local.sh"
bench_start ctl

# Both tools read the same kubeconfig; each has its own HOME (kubectl's discovery cache).
cat >"$WORK/kubeconfig" <<EOF
apiVersion: v1
kind: Config
clusters: [{name: bench, cluster: {server: "$API_URL"}}]
users: [{name: bench, user: {token: unchecked}}]
contexts: [{name: bench, context: {cluster: bench, user: bench, namespace: bench}}]
current-context: bench
EOF
mkdir -p "$WORK/home-kubectl" "$WORK/home-c8sctl"
tool() { # tool NAME ARGS...: runs one tool quietly, failing the bench if it fails
    local name=$1 exe
    shift
    if [ "$name" = kubectl ]; then exe=$KUBECTL; else exe=$BIN_DIR/c8sctl; fi
    HOME="$WORK/home-$name" KUBECONFIG="$WORK/kubeconfig" "$exe" "$@" >"$WORK/out" 2>"$WORK/err" || {
        log "run.sh: $name $* failed:"
        cat "$WORK/err" >&2
        exit 1
    }
}

log "filling: namespace bench, $PODS pods, a file of $OBJECTS ConfigMaps"
tool kubectl create namespace bench
python3 - "$PODS" >"$WORK/pods.yaml" <<'EOF'
import sys
for i in range(int(sys.argv[1])):
    print(f"""---
apiVersion: v1
kind: Pod
metadata: {{name: pod-{i:05d}, labels: {{app: bench, shard: s{i % 10}}}}}
spec:
  containers: [{{name: c, image: "nginx:1.27", ports: [{{containerPort: 80}}]}}]""")
EOF
python3 - "$OBJECTS" >"$WORK/configmaps.yaml" <<'EOF'
import sys
for i in range(int(sys.argv[1])):
    print(f"""---
apiVersion: v1
kind: ConfigMap
metadata: {{name: cm-{i:04d}, labels: {{app: bench}}}}
data: {{key: "value {i}", other: "{'x' * 200}"}}""")
EOF
tool c8sctl create -f "$WORK/pods.yaml"
tool c8sctl apply -f "$WORK/configmaps.yaml"
# warm kubectl's discovery cache
tool kubectl get pods --chunk-size=1 -l app=none

# median_ms NAME ARGS...: the median wall time of RUNS runs, in milliseconds
median_ms() {
    local name=$1 i t0 t1
    shift
    local -a times=()
    for ((i = 0; i < RUNS; i++)); do
        t0=$(date +%s%N)
        tool "$name" "$@"
        t1=$(date +%s%N)
        times+=($(((t1 - t0) / 1000)))
    done
    printf '%s\n' "${times[@]}" | sort -n | sed -n "$(((RUNS + 1) / 2))p" |
        awk '{ printf "%.1f", $1 / 1000 }'
}

printf '%-10s %12s %12s %8s   %s\n' figure "c8sctl ms" "kubectl ms" ratio "command"
figure() { # figure LABEL ARGS...
    local label=$1 c k
    shift
    c=$(median_ms c8sctl "$@")
    k=$(median_ms kubectl "$@")
    printf '%-10s %12s %12s %8s   %s\n' "$label" "$c" "$k" \
        "$(awk -v k="$k" -v c="$c" 'BEGIN { printf "%.2f", (c > 0 ? k / c : 0) }')" "$*"
}
figure start version --client
figure get get pods
figure "get json" get pods -o json
figure "get one" get pod pod-00000 -o yaml
figure apply apply -f "$WORK/configmaps.yaml"
log "ratio = kubectl time / c8sctl time (above 1.0: c8sctl is faster); $RUNS runs each, medians"
