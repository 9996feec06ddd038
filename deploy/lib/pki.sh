# shellcheck shell=bash
# The cluster PKI made with Debian's openssl CLI, following kubeadm's certs phase
# (cmd/kubeadm/app/phases/certs/certlist.go): the same CAs, file names, CNs, Os, SANs and usages.
# Source this file, set PKI_DIR, then call the pki_* functions; every one is idempotent.
#
# Files: $PKI_DIR/NAME.crt and NAME.key (mode 0600); NAME may hold a folder ("etcd/ca").
# A certificate already on disk is kept when it is still valid: its key matches, it chains to its
# CA, it has the wanted subject, usages and SANs, and it does not expire within PKI_RENEW_DAYS.
# Otherwise it is made again (and a CA made again makes every leaf it signed be made again).
#
# Settings (environment): PKI_DIR (required), PKI_KEY_ALG rsa|ecdsa (default rsa: kubeadm's
# RSA-2048; ecdsa: P-256), PKI_CA_DAYS (3650, kubeadm's 10 years), PKI_CERT_DAYS (365),
# PKI_RENEW_DAYS (30). Functions return non-zero with a message on stderr when openssl fails.

PKI_KEY_ALG=${PKI_KEY_ALG:-rsa}
PKI_CA_DAYS=${PKI_CA_DAYS:-3650}
PKI_CERT_DAYS=${PKI_CERT_DAYS:-365}
PKI_RENEW_DAYS=${PKI_RENEW_DAYS:-30}

# kubeadm's names (cmd/kubeadm/app/constants/constants.go).
PKI_CN_APISERVER=kube-apiserver
PKI_CN_APISERVER_KUBELET_CLIENT=kube-apiserver-kubelet-client
PKI_CN_APISERVER_ETCD_CLIENT=kube-apiserver-etcd-client
PKI_CN_ETCD_HEALTHCHECK_CLIENT=kube-etcd-healthcheck-client
PKI_CN_FRONT_PROXY_CLIENT=front-proxy-client
PKI_GROUP_MASTERS=system:masters
# The apiserver's SANs besides the host's names: the in-cluster service names and the first IP
# of kubeadm's default service CIDR 10.96.0.0/12.
PKI_APISERVER_SERVICE_SANS="kubernetes,kubernetes.default,kubernetes.default.svc"
PKI_APISERVER_SERVICE_SANS+=",kubernetes.default.svc.cluster.local,10.96.0.1"

pki_die() {
    echo "pki: $*" >&2
    return 1
}

# pki_path NAME EXT: the path of NAME's file with extension EXT (crt, key, pub).
pki_path() {
    printf '%s/%s.%s' "${PKI_DIR:?PKI_DIR is not set}" "$1" "$2"
}

# pki_subject CN ORGS: the -subj string for a CN and a comma-separated list of Os (may be empty).
# Os come first, as Go's crypto/x509 writes them.
pki_subject() {
    local cn=$1 orgs=$2 subj="" org
    local -a list=()
    if [ -n "$orgs" ]; then
        IFS=, read -r -a list <<<"$orgs"
    fi
    for org in "${list[@]}"; do
        subj+="/O=$org"
    done
    printf '%s/CN=%s' "$subj" "$cn"
}

# pki_san_ext SANS: a subjectAltName value from a comma-separated list of host names and IPs.
pki_san_ext() {
    local -a list=() out=()
    local san
    IFS=, read -r -a list <<<"$1"
    for san in "${list[@]}"; do
        [ -n "$san" ] || continue
        if pki_is_ip "$san"; then
            out+=("IP:$san")
        else
            out+=("DNS:$san")
        fi
    done
    local IFS=,
    printf '%s' "${out[*]}"
}

# pki_is_ip TEXT: true when TEXT is an IPv4 or IPv6 address.
pki_is_ip() {
    [[ $1 =~ ^[0-9]+\.[0-9]+\.[0-9]+\.[0-9]+$ || $1 == *:* ]]
}

# pki_new_key PATH: writes a new private key (PKCS#8 PEM), mode 0600 from the start.
pki_new_key() {
    local path=$1 tmp
    tmp=$(mktemp "$path.XXXXXX") || return 1
    chmod 600 "$tmp"
    case $PKI_KEY_ALG in
    rsa) openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$tmp" 2>/dev/null ;;
    ecdsa) openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$tmp" 2>/dev/null ;;
    *) rm -f "$tmp"; pki_die "PKI_KEY_ALG must be rsa or ecdsa, not $PKI_KEY_ALG"; return 1 ;;
    esac || { rm -f "$tmp"; pki_die "openssl genpkey failed for $path"; return 1; }
    mv -f "$tmp" "$path"
}

# pki_serial: a random positive 128-bit serial number, as Go's crypto/rand serials in kubeadm.
pki_serial() {
    printf '0x%s' "$(openssl rand -hex 16)"
}

# ---------------------------------------------------------------------------------------------
# Validity checks: each returns 0 when the file on disk may be kept.

# pki_cert_is_current CRT KEY SUBJECT [SANS]: the pair exists and matches, CRT has SUBJECT and
# every host name and IP of the comma-separated SANS, and it will not expire within
# PKI_RENEW_DAYS. One openssl x509 call reads it all (each call costs a process start).
pki_cert_is_current() {
    local crt=$1 key=$2 subject=$3 sans=${4:-} info have_pub want_pub san
    local -a list=()
    [ -s "$crt" ] && [ -s "$key" ] || return 1
    info=$(openssl x509 -in "$crt" -noout -subject -nameopt compat -ext subjectAltName -pubkey \
        -checkend $((PKI_RENEW_DAYS * 86400)) 2>/dev/null) || return 1
    [[ $info == "subject=$subject"$'\n'* ]] || return 1
    have_pub=$(sed -n '/-----BEGIN PUBLIC KEY-----/,/-----END PUBLIC KEY-----/p' <<<"$info")
    want_pub=$(openssl pkey -in "$key" -pubout 2>/dev/null) || return 1
    [ -n "$have_pub" ] && [ "$have_pub" = "$want_pub" ] || return 1
    IFS=, read -r -a list <<<"$sans"
    for san in "${list[@]}"; do
        [ -n "$san" ] || continue
        if [[ $san == *:* ]]; then
            # openssl prints IPv6 SANs expanded (0:0:0:0:0:0:0:1): let it compare.
            [[ $(openssl x509 -in "$crt" -noout -checkip "$san" 2>/dev/null) == \
                *" does match certificate"* ]] || return 1
        elif pki_is_ip "$san"; then
            [[ $info =~ (^|[[:space:],])"IP Address:$san"(,|$'\n'|$) ]] || return 1
        else
            [[ $info =~ (^|[[:space:],])"DNS:$san"(,|$'\n'|$) ]] || return 1
        fi
    done
}

# pki_cert_chains CRT CA_CRT PURPOSES: CRT verifies against CA_CRT for each openssl purpose
# (sslserver, sslclient: these check the extended key usage too).
pki_cert_chains() {
    local crt=$1 ca=$2 purpose
    for purpose in $3; do
        openssl verify -CAfile "$ca" -purpose "$purpose" "$crt" >/dev/null 2>&1 || return 1
    done
}

# ---------------------------------------------------------------------------------------------
# Public functions.

# pki_ca NAME CN: a self-signed CA (kubeadm: "ca" CN kubernetes, "etcd/ca" CN etcd-ca,
# "front-proxy-ca" CN front-proxy-ca), valid PKI_CA_DAYS days. Kept when current.
pki_ca() {
    local name=$1 cn=$2 crt key subject
    crt=$(pki_path "$name" crt)
    key=$(pki_path "$name" key)
    subject=$(pki_subject "$cn" "")
    mkdir -p "$(dirname "$crt")"
    if pki_cert_is_current "$crt" "$key" "$subject" &&
        openssl verify -CAfile "$crt" -purpose any "$crt" >/dev/null 2>&1; then
        chmod 600 "$key"
        return 0
    fi
    pki_new_key "$key" || return 1
    openssl req -x509 -new -key "$key" -out "$crt.tmp" -subj "$subject" -days "$PKI_CA_DAYS" \
        -set_serial "$(pki_serial)" \
        -addext "basicConstraints=critical,CA:TRUE" \
        -addext "keyUsage=critical,digitalSignature,keyEncipherment,keyCertSign" \
        -addext "subjectKeyIdentifier=hash" 2>"$crt.err" ||
        {
            cat "$crt.err" >&2
            rm -f "$crt.err" "$crt.tmp"
            pki_die "cannot make CA $name"
            return 1
        }
    rm -f "$crt.err"
    mv -f "$crt.tmp" "$crt"
    echo "pki: made CA $name (CN=$cn)" >&2
}

# pki_sign NAME CN ORGS CA EKUS SANS: makes NAME's key and a certificate signed by CA (a name
# given to pki_ca) with the extended key usages EKUS ("serverAuth", "clientAuth" or both,
# comma-separated) and the subject alternative names SANS (may be empty). Always makes new ones.
pki_sign() {
    local name=$1 cn=$2 orgs=$3 ca=$4 ekus=$5 sans=$6 crt key ca_crt ca_key ext
    crt=$(pki_path "$name" crt)
    key=$(pki_path "$name" key)
    ca_crt=$(pki_path "$ca" crt)
    ca_key=$(pki_path "$ca" key)
    if [ ! -s "$ca_crt" ] || [ ! -s "$ca_key" ]; then
        pki_die "CA $ca does not exist (pki_ca first)"
        return 1
    fi
    mkdir -p "$(dirname "$crt")"
    pki_new_key "$key" || return 1
    ext=$(mktemp) || return 1
    {
        echo "basicConstraints=critical,CA:FALSE"
        echo "keyUsage=critical,digitalSignature,keyEncipherment"
        echo "extendedKeyUsage=$ekus"
        echo "authorityKeyIdentifier=keyid"
        if [ -n "$sans" ]; then
            echo "subjectAltName=$(pki_san_ext "$sans")"
        fi
    } >"$ext"
    if ! openssl req -new -key "$key" -subj "$(pki_subject "$cn" "$orgs")" 2>"$crt.err" |
        openssl x509 -req -CA "$ca_crt" -CAkey "$ca_key" -set_serial "$(pki_serial)" \
            -days "$PKI_CERT_DAYS" -extfile "$ext" -out "$crt.tmp" 2>>"$crt.err"; then
        cat "$crt.err" >&2
        rm -f "$ext" "$crt.err" "$crt.tmp"
        pki_die "cannot sign $name with CA $ca"
        return 1
    fi
    rm -f "$ext" "$crt.err"
    mv -f "$crt.tmp" "$crt"
    echo "pki: made $name (CN=$cn${orgs:+ O=$orgs}${sans:+ SANs=$sans}) signed by $ca" >&2
}

# pki_client_cert NAME CN ORGS [CA]: a client certificate (clientAuth) with common name CN and the
# comma-separated organizations ORGS (Kubernetes groups; may be empty), signed by CA (default
# "ca"). Kept when current. Examples, as kubeadm:
#   pki_client_cert apiserver-etcd-client kube-apiserver-etcd-client "" etcd/ca
#   pki_client_cert admin kubernetes-admin system:masters
pki_client_cert() {
    local name=$1 cn=$2 orgs=${3:-} ca=${4:-ca}
    local crt key
    crt=$(pki_path "$name" crt)
    key=$(pki_path "$name" key)
    if pki_cert_is_current "$crt" "$key" "$(pki_subject "$cn" "$orgs")" &&
        pki_cert_chains "$crt" "$(pki_path "$ca" crt)" "sslclient"; then
        chmod 600 "$key"
        return 0
    fi
    pki_sign "$name" "$cn" "$orgs" "$ca" clientAuth ""
}

# pki_server_cert NAME CN SANS [CA] [EKUS]: a serving certificate with common name CN for the
# comma-separated host names and IPs SANS, signed by CA (default "ca"), with the extended key
# usages EKUS (default serverAuth; etcd's server and peer certificates use
# "serverAuth,clientAuth", since a member also dials other members with it). Kept when current.
pki_server_cert() {
    local name=$1 cn=$2 sans=$3 ca=${4:-ca} ekus=${5:-serverAuth}
    local crt key purposes="sslserver"
    crt=$(pki_path "$name" crt)
    key=$(pki_path "$name" key)
    [[ $ekus == *clientAuth* ]] && purposes+=" sslclient"
    if pki_cert_is_current "$crt" "$key" "$(pki_subject "$cn" "")" "$sans" &&
        pki_cert_chains "$crt" "$(pki_path "$ca" crt)" "$purposes"; then
        chmod 600 "$key"
        return 0
    fi
    pki_sign "$name" "$cn" "" "$ca" "$ekus" "$sans"
}

# pki_key_pair NAME: a bare key pair NAME.key/NAME.pub (kubeadm's "sa" pair that signs service
# account tokens). Kept when both exist and match.
pki_key_pair() {
    local key pub
    key=$(pki_path "$1" key)
    pub=$(pki_path "$1" pub)
    mkdir -p "$(dirname "$key")"
    if [ -s "$key" ] && [ -s "$pub" ] &&
        [ "$(openssl pkey -in "$key" -pubout 2>/dev/null)" = "$(cat "$pub")" ]; then
        chmod 600 "$key"
        return 0
    fi
    pki_new_key "$key" || return 1
    if ! openssl pkey -in "$key" -pubout -out "$pub" 2>/dev/null; then
        pki_die "cannot write $pub"
        return 1
    fi
    echo "pki: made key pair $1" >&2
}

# pki_etcd_certs MEMBER...: kubeadm's etcd certificates, one serving certificate per member
# (etcd/server-MEMBER, CN MEMBER, SANs localhost,127.0.0.1,::1 and the host name;
# serverAuth+clientAuth), the apiserver's client (apiserver-etcd-client) and the health-check
# client (etcd/healthcheck-client), all signed by etcd/ca. Recent kubeadm gives these clients no
# O: etcd has no groups. No peer certificates: c8s-store's raft traffic is plain TCP.
pki_etcd_certs() {
    local member host sans
    host=$(hostname 2>/dev/null || echo localhost)
    sans="localhost,127.0.0.1,::1${host:+,$host}"
    pki_ca etcd/ca etcd-ca || return 1
    for member in "$@"; do
        pki_server_cert "etcd/server-$member" "$member" "$sans" etcd/ca "serverAuth,clientAuth" ||
            return 1
    done
    pki_client_cert etcd/healthcheck-client "$PKI_CN_ETCD_HEALTHCHECK_CLIENT" "" etcd/ca || return 1
    pki_client_cert apiserver-etcd-client "$PKI_CN_APISERVER_ETCD_CLIENT" "" etcd/ca
}

# pki_kubernetes_certs [EXTRA_SANS]: kubeadm's Kubernetes certificates: ca (CN kubernetes), the
# apiserver's serving certificate (CN kube-apiserver; SANs: the host name, the service names,
# 10.96.0.1, localhost, 127.0.0.1 and EXTRA_SANS), apiserver-kubelet-client (O system:masters),
# front-proxy-ca and front-proxy-client, and the service account key pair sa.key/sa.pub; then
# the kubeconfig identities of kubeadm's kubeconfig phase: admin (CN kubernetes-admin,
# O system:masters; kubeadm 1.29+ uses kubeadm:cluster-admins plus an RBAC binding, which c8s
# does not create), controller-manager (CN system:kube-controller-manager) and scheduler
# (CN system:kube-scheduler). Kubelets and kube-proxy take names: see pki_node_certs.
pki_kubernetes_certs() {
    local host sans
    host=$(hostname 2>/dev/null || echo localhost)
    sans="${host:+$host,}$PKI_APISERVER_SERVICE_SANS,localhost,127.0.0.1${1:+,$1}"
    pki_ca ca kubernetes || return 1
    pki_server_cert apiserver "$PKI_CN_APISERVER" "$sans" ca serverAuth || return 1
    pki_client_cert apiserver-kubelet-client "$PKI_CN_APISERVER_KUBELET_CLIENT" \
        "$PKI_GROUP_MASTERS" ca || return 1
    pki_ca front-proxy-ca front-proxy-ca || return 1
    pki_client_cert front-proxy-client "$PKI_CN_FRONT_PROXY_CLIENT" "" front-proxy-ca || return 1
    pki_key_pair sa || return 1
    pki_client_cert admin kubernetes-admin "$PKI_GROUP_MASTERS" ca || return 1
    pki_client_cert controller-manager system:kube-controller-manager "" ca || return 1
    pki_client_cert scheduler system:kube-scheduler "" ca
}

# pki_node_certs NODE [SANS]: a node's identities, signed by ca: the kubelet's client certificate
# (kubelet-NODE: CN system:node:NODE, O system:nodes, as the Node authorizer wants), its serving
# certificate (kubelet-NODE-serving: SANs NODE, localhost, 127.0.0.1 and SANS) and kube-proxy's
# client certificate (kube-proxy: CN system:kube-proxy, O system:node-proxier).
pki_node_certs() {
    local node=$1 extra=${2:-}
    pki_client_cert "kubelet-$node" "system:node:$node" system:nodes ca || return 1
    local sans="$node,localhost,127.0.0.1${extra:+,$extra}"
    pki_server_cert "kubelet-$node-serving" "$node" "$sans" ca || return 1
    pki_client_cert kube-proxy system:kube-proxy system:node-proxier ca
}
