#!/usr/bin/env bash
# Installs every Debian package c8s needs to build, test and run a lab cluster.
# Idempotent: when everything is present it does nothing (no apt-get update, no network).
set -euo pipefail

packages=(
    # build
    build-essential cmake pkg-config clang clang-format libclang-rt-14-dev
    # libraries
    libmicrohttpd-dev libjansson-dev libyaml-dev libraft-dev libuv1-dev libcurl4-openssl-dev libgnutls28-dev zlib1g-dev
    # tests and tools
    libcmocka-dev python3 etcd-server etcd-client openssl curl wrk iproute2 runc procps
)

missing=()
for pkg in "${packages[@]}"; do
    if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q '^install ok installed$'; then
        missing+=("$pkg")
    fi
done

if [ ${#missing[@]} -eq 0 ]; then
    exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
    echo "install-deps: missing packages: ${missing[*]}; run as root or: apt-get install ${missing[*]}" >&2
    exit 1
fi

echo "install-deps: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
