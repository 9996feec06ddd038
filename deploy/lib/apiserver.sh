# shellcheck shell=bash
# The lab's c8s-apiservers: names, ports, flags (kube-apiserver's, as kubeadm's static pod sets
# them), readiness and the kubeconfigs of kubeadm's kubeconfig phase (admin.conf,
# controller-manager.conf, scheduler.conf, kubelet.conf) plus kube-proxy's.
# Server i (0-based) is "apiserver-i", serving HTTPS on 127.0.0.1:APISERVER_SECURE_PORT_BASE+i
# (6443, 6444 by default) with the `apiserver` certificate, client certificates of the Kubernetes
# CA (CN = user, O = groups), service account tokens signed with sa.key (verified with sa.pub)
# and the Node and RBAC authorizers, each against every store member. With
# APISERVER_INSECURE=1 it also serves kube-apiserver's old plain-HTTP --insecure-port on
# 127.0.0.1:APISERVER_PORT_BASE+i (8080, 8081): no authentication, no authorization.
# Needs proc.sh and store.sh; reads variables that deploy/lab sets:
#   APISERVER_BIN APISERVER_COUNT APISERVER_SECURE_PORT_BASE APISERVER_PORT_BASE
#   APISERVER_INSECURE (1 or 0) APISERVER_KUBECONFIG APISERVER_KUBECONFIG_DIR LAB_NODE_NAME
#   PKI_DIR STORE_TLS STORE_PKI_DIR

# The issuer kubeadm gives service account tokens (the in-cluster name of the apiserver).
APISERVER_SA_ISSUER=https://kubernetes.default.svc.cluster.local

apiserver_names() {
    local i
    for ((i = 0; i < APISERVER_COUNT; i++)); do
        printf 'apiserver-%d\n' "$i"
    done
}

# apiserver_secure_port NAME: NAME's HTTPS port.
apiserver_secure_port() {
    printf '%d' $((APISERVER_SECURE_PORT_BASE + ${1#apiserver-}))
}

# apiserver_insecure_port NAME: NAME's plain-HTTP port (served only when APISERVER_INSECURE=1).
apiserver_insecure_port() {
    printf '%d' $((APISERVER_PORT_BASE + ${1#apiserver-}))
}

apiserver_url() {
    printf 'https://127.0.0.1:%s' "$(apiserver_secure_port "$1")"
}

apiserver_insecure_url() {
    printf 'http://127.0.0.1:%s' "$(apiserver_insecure_port "$1")"
}

# apiserver_join FUNCTION: FUNCTION NAME for every apiserver, joined with commas.
apiserver_join() {
    local name parts=()
    while read -r name; do
        parts+=("$("$1" "$name")")
    done < <(apiserver_names)
    local IFS=,
    printf '%s' "${parts[*]}"
}

# apiserver_urls, apiserver_insecure_urls: every apiserver's HTTPS (plain-HTTP) URL, joined with
# commas.
apiserver_urls() {
    apiserver_join apiserver_url
}

apiserver_insecure_urls() {
    apiserver_join apiserver_insecure_url
}

# apiserver_marker NAME: the argument word that identifies NAME's process (proc.sh checks it in
# /proc/PID/cmdline before any signal).
apiserver_marker() {
    printf -- '--secure-port=%s' "$(apiserver_secure_port "$1")"
}

# apiserver_is_ready NAME: NAME answers GET /readyz over HTTPS with 200 to the admin client
# certificate, its serving certificate verified against the Kubernetes CA.
apiserver_is_ready() {
    curl -sS --fail --max-time 3 -o /dev/null --cacert "$PKI_DIR/ca.crt" \
        --cert "$PKI_DIR/admin.crt" --key "$PKI_DIR/admin.key" \
        "$(apiserver_url "$1")/readyz" 2>/dev/null
}

# apiserver_start NAME: starts NAME against every store member, with the etcd client
# certificate when the store serves TLS (kubeadm's --etcd-* flags), serving HTTPS on 127.0.0.1
# with client-certificate and service account token authentication (kubeadm's sa.key/sa.pub and
# issuer), Node and RBAC authorization, and the plain port only when APISERVER_INSECURE=1.
apiserver_start() {
    local name=$1
    local -a etcd_tls=() insecure=()
    if [ "$STORE_TLS" = 1 ]; then
        etcd_tls=(--etcd-cafile "$STORE_PKI_DIR/etcd/ca.crt"
            --etcd-certfile "$STORE_PKI_DIR/apiserver-etcd-client.crt"
            --etcd-keyfile "$STORE_PKI_DIR/apiserver-etcd-client.key")
    fi
    if [ "${APISERVER_INSECURE:-0}" = 1 ]; then
        insecure=(--insecure-bind-address 127.0.0.1
            "--insecure-port=$(apiserver_insecure_port "$name")")
    fi
    proc_start "$name" "$(apiserver_marker "$name")" "$APISERVER_BIN" \
        --etcd-servers "$(store_client_urls)" \
        "${etcd_tls[@]}" \
        --bind-address 127.0.0.1 \
        "$(apiserver_marker "$name")" \
        --tls-cert-file "$PKI_DIR/apiserver.crt" \
        --tls-private-key-file "$PKI_DIR/apiserver.key" \
        --client-ca-file "$PKI_DIR/ca.crt" \
        --authorization-mode Node,RBAC \
        --service-account-key-file "$PKI_DIR/sa.pub" \
        --service-account-signing-key-file "$PKI_DIR/sa.key" \
        --service-account-issuer "$APISERVER_SA_ISSUER" \
        --service-cluster-ip-range 10.96.0.0/12 \
        --service-node-port-range 30000-32767 \
        "${insecure[@]}"
}

# apiserver_b64 FILE: FILE in base64 on one line (a kubeconfig's *-data fields).
apiserver_b64() {
    base64 -w0 <"$1"
}

# apiserver_write_kubeconfig_as FILE USER CERT: writes FILE (mode 0600) in the shape of kubeadm's
# kubeconfigs: cluster "c8s-lab" at apiserver-0's HTTPS URL with the Kubernetes CA, user USER
# with the client certificate and key $PKI_DIR/CERT.crt/.key, context "c8s-lab" (kubeadm names
# it USER@kubernetes; one name keeps `kubectl config use-context` the same in every file).
apiserver_write_kubeconfig_as() {
    local file=$1 user=$2 cert=$3 tmp="$1.tmp" first ca crt key
    first=$(apiserver_names | sed -n 1p)
    [ -n "$first" ] || return 1
    ca=$(apiserver_b64 "$PKI_DIR/ca.crt") || return 1
    crt=$(apiserver_b64 "$PKI_DIR/$cert.crt") || return 1
    key=$(apiserver_b64 "$PKI_DIR/$cert.key") || return 1
    mkdir -p "$(dirname "$file")" || return 1
    (
        umask 077
        rm -f "$tmp"
        cat >"$tmp" <<EOC
# Written by deploy/lab up: kubeadm's kubeconfig for $user (keep it private).
apiVersion: v1
kind: Config
clusters:
- name: c8s-lab
  cluster:
    certificate-authority-data: $ca
    server: $(apiserver_url "$first")
contexts:
- name: c8s-lab
  context:
    cluster: c8s-lab
    user: $user
current-context: c8s-lab
preferences: {}
users:
- name: $user
  user:
    client-certificate-data: $crt
    client-key-data: $key
EOC
    ) || return 1
    mv -f "$tmp" "$file"
}

# apiserver_write_kubeconfig: APISERVER_KUBECONFIG is kubeadm's admin.conf (kubernetes-admin,
# O system:masters: cluster-admin through RBAC); APISERVER_KUBECONFIG_DIR gets the components'
# files: controller-manager.conf (system:kube-controller-manager), scheduler.conf
# (system:kube-scheduler), kubelet.conf (system:node:LAB_NODE_NAME in system:nodes, for the Node
# authorizer) and kube-proxy.conf (system:kube-proxy).
apiserver_write_kubeconfig() {
    local dir=$APISERVER_KUBECONFIG_DIR
    apiserver_write_kubeconfig_as "$APISERVER_KUBECONFIG" kubernetes-admin admin &&
        apiserver_write_kubeconfig_as "$dir/controller-manager.conf" \
            system:kube-controller-manager controller-manager &&
        apiserver_write_kubeconfig_as "$dir/scheduler.conf" system:kube-scheduler scheduler &&
        apiserver_write_kubeconfig_as "$dir/kubelet.conf" "system:node:$LAB_NODE_NAME" \
            "kubelet-$LAB_NODE_NAME" &&
        apiserver_write_kubeconfig_as "$dir/kube-proxy.conf" system:kube-proxy kube-proxy
}
