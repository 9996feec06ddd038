# shellcheck shell=bash
# The lab's c8s-apiservers: names, ports, flags (kube-apiserver's), readiness and the kubeconfig.
# Server i (0-based) is "apiserver-i" on the plain-HTTP loopback port APISERVER_PORT_BASE+i
# (8080, 8081 by default: kube-apiserver's old --insecure-port), each against every store member.
# c8s-apiserver serves no TLS and authenticates no one yet: that port is loopback-only.
# Needs proc.sh and store.sh; reads APISERVER_* variables that deploy/lab sets:
#   APISERVER_BIN APISERVER_COUNT APISERVER_PORT_BASE APISERVER_KUBECONFIG

apiserver_names() {
    local i
    for ((i = 0; i < APISERVER_COUNT; i++)); do
        printf 'apiserver-%d\n' "$i"
    done
}

apiserver_port() {
    printf '%d' $((APISERVER_PORT_BASE + ${1#apiserver-}))
}

apiserver_url() {
    printf 'http://127.0.0.1:%s' "$(apiserver_port "$1")"
}

# apiserver_urls: every apiserver's URL, joined with commas.
apiserver_urls() {
    local name parts=()
    while read -r name; do
        parts+=("$(apiserver_url "$name")")
    done < <(apiserver_names)
    local IFS=,
    printf '%s' "${parts[*]}"
}

# apiserver_marker NAME: the argument word that identifies NAME's process (proc.sh checks it in
# /proc/PID/cmdline before any signal).
apiserver_marker() {
    printf -- '--insecure-port=%s' "$(apiserver_port "$1")"
}

# apiserver_is_ready NAME: NAME answers GET /readyz with 200 (its storage answers).
apiserver_is_ready() {
    curl -sS --fail --max-time 3 -o /dev/null "$(apiserver_url "$1")/readyz" 2>/dev/null
}

# apiserver_start NAME: starts NAME against every store member, with the etcd client
# certificate when the store serves TLS (kubeadm's --etcd-* flags).
apiserver_start() {
    local name=$1
    local -a tls=()
    if [ "$STORE_TLS" = 1 ]; then
        tls=(--etcd-cafile "$STORE_PKI_DIR/etcd/ca.crt"
            --etcd-certfile "$STORE_PKI_DIR/apiserver-etcd-client.crt"
            --etcd-keyfile "$STORE_PKI_DIR/apiserver-etcd-client.key")
    fi
    proc_start "$name" "$(apiserver_marker "$name")" "$APISERVER_BIN" \
        --etcd-servers "$(store_client_urls)" \
        "${tls[@]}" \
        --insecure-bind-address 127.0.0.1 \
        "$(apiserver_marker "$name")"
}

# apiserver_write_kubeconfig: writes APISERVER_KUBECONFIG (mode 0600): cluster, user and context
# "c8s-lab", the server apiserver-0's URL, current-context set. The user has no credentials while
# c8s-apiserver authenticates no one; it will carry the admin certificate when TLS lands.
apiserver_write_kubeconfig() {
    local tmp="$APISERVER_KUBECONFIG.tmp" first
    first=$(apiserver_names | head -n1)
    [ -n "$first" ] || return 1
    (
        umask 077
        cat >"$tmp" <<EOF
# Written by deploy/lab up. Plain HTTP on loopback: c8s-apiserver has no TLS or authentication yet.
apiVersion: v1
kind: Config
clusters:
- name: c8s-lab
  cluster:
    server: $(apiserver_url "$first")
users:
- name: c8s-lab
  user: {}
contexts:
- name: c8s-lab
  context:
    cluster: c8s-lab
    user: c8s-lab
current-context: c8s-lab
preferences: {}
EOF
    ) || return 1
    mv -f "$tmp" "$APISERVER_KUBECONFIG"
}
