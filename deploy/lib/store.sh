# shellcheck shell=bash
# The lab's c8s-store members: names, ports, flags (etcd's), health and status checks.
# Member i (0-based) is "store-i" with client port STORE_PORT_BASE+10*i and peer port one above,
# so the default base 2379 gives etcd's 2379/2380, then 2389/2390 and 2399/2400.
# Needs proc.sh; reads STORE_* variables that deploy/lab sets:
#   STORE_BIN STORE_MEMBERS STORE_PORT_BASE STORE_DATA_DIR STORE_TLS (1 or 0) STORE_PKI_DIR

store_names() {
    local i
    for ((i = 0; i < STORE_MEMBERS; i++)); do
        printf 'store-%d\n' "$i"
    done
}

# store_index NAME: the member index of "store-N".
store_index() {
    printf '%s' "${1#store-}"
}

store_client_port() {
    printf '%d' $((STORE_PORT_BASE + 10 * $(store_index "$1")))
}

store_peer_port() {
    printf '%d' $((STORE_PORT_BASE + 10 * $(store_index "$1") + 1))
}

store_scheme() {
    if [ "$STORE_TLS" = 1 ]; then printf https; else printf http; fi
}

store_client_url() {
    printf '%s://127.0.0.1:%s' "$(store_scheme)" "$(store_client_port "$1")"
}

# Raft traffic is plain TCP (c8s-store has no peer TLS): the URL scheme is only etcd's syntax.
store_peer_url() {
    printf 'http://127.0.0.1:%s' "$(store_peer_port "$1")"
}

# store_join FUNCTION: FUNCTION NAME for every member, joined with commas.
store_join() {
    local name parts=()
    while read -r name; do
        parts+=("$("$1" "$name")")
    done < <(store_names)
    local IFS=,
    printf '%s' "${parts[*]}"
}

store_client_urls() {
    store_join store_client_url
}

store_initial_cluster_entry() {
    printf '%s=%s' "$1" "$(store_peer_url "$1")"
}

# etcd's --initial-cluster: name=peer-url for every member.
store_initial_cluster() {
    store_join store_initial_cluster_entry
}

# store_binary_has_tls BIN: true when BIN takes etcd's client TLS flags.
store_binary_has_tls() {
    local help # read whole: grep -q leaving a pipe early fails the writer under pipefail
    help=$("$1" --help 2>&1) || true
    grep -q -- '--cert-file' <<<"$help" && grep -q -- '--client-cert-auth' <<<"$help"
}

# store_curl_tls_args: the curl options for a client certificate the members trust (the
# health-check client, as kubeadm's etcd liveness probe uses).
store_curl_tls_args() {
    if [ "$STORE_TLS" = 1 ]; then
        printf '%s\n' --cacert "$STORE_PKI_DIR/etcd/ca.crt" \
            --cert "$STORE_PKI_DIR/etcd/healthcheck-client.crt" \
            --key "$STORE_PKI_DIR/etcd/healthcheck-client.key"
    fi
}

# store_call NAME PATH [BODY]: POSTs BODY (default {}) to member NAME and prints the answer.
store_call() {
    local body=${3:-'{}'}
    local -a tls=()
    mapfile -t tls < <(store_curl_tls_args)
    curl -sS --fail --max-time 3 "${tls[@]}" -X POST -d "$body" \
        "$(store_client_url "$1")$2" 2>/dev/null
}

# store_is_healthy NAME: member NAME answers GET /health with {"health":"true"}.
store_is_healthy() {
    local -a tls=()
    local out
    mapfile -t tls < <(store_curl_tls_args)
    out=$(curl -sS --max-time 3 "${tls[@]}" "$(store_client_url "$1")/health" 2>/dev/null) ||
        return 1
    [[ $out == *'"health":"true"'* ]]
}

# json_string_field JSON FIELD: the first "FIELD":"value" string value in JSON (etcd's gateway
# writes every 64-bit integer as a string).
json_string_field() {
    sed -n "s/.*\"$2\":\"\\([^\"]*\\)\".*/\\1/p" <<<"$1" | sed -n 1p
}

# store_status_fields NAME: prints "MEMBER_ID LEADER_ID" from member NAME's
# /v3/maintenance/status, or fails.
store_status_fields() {
    local out id leader
    out=$(store_call "$1" /v3/maintenance/status) || return 1
    id=$(json_string_field "$out" member_id)
    leader=$(json_string_field "$out" leader)
    [ -n "$id" ] || return 1
    printf '%s %s\n' "$id" "${leader:-0}"
}

# store_start NAME: starts member NAME on its ports; a member whose data dir holds state rejoins
# with --initial-cluster-state existing, as etcd members restart.
store_start() {
    local name=$1 data="$STORE_DATA_DIR/$1" state=new
    local -a tls=()
    if [ -d "$data" ] && [ -n "$(ls -A "$data" 2>/dev/null)" ]; then
        state=existing
    fi
    mkdir -p "$STORE_DATA_DIR"
    if [ "$STORE_TLS" = 1 ]; then
        tls=(--cert-file "$STORE_PKI_DIR/etcd/server-$name.crt"
            --key-file "$STORE_PKI_DIR/etcd/server-$name.key"
            --client-cert-auth
            --trusted-ca-file "$STORE_PKI_DIR/etcd/ca.crt")
    fi
    proc_start "$name" "$data" "$STORE_BIN" \
        --name "$name" \
        --data-dir "$data" \
        --listen-client-urls "$(store_client_url "$name")" \
        --advertise-client-urls "$(store_client_url "$name")" \
        --listen-peer-urls "$(store_peer_url "$name")" \
        --initial-advertise-peer-urls "$(store_peer_url "$name")" \
        --initial-cluster "$(store_initial_cluster)" \
        --initial-cluster-state "$state" \
        --initial-cluster-token c8s-lab \
        "${tls[@]}"
}
