#!/usr/bin/env bash
# Makes sure the OS has what raftvip's demo and tests need, installing Debian packages when missing.
# Sourced by ./demo.sh and ./test.sh. Needs root (or an explicit list of what is missing).
set -euo pipefail

# command -> Debian package that provides it
declare -A RAFTVIP_NEEDS=(
  [ip]=iproute2
  [nft]=nftables
  [tcpdump]=tcpdump
  [arping]=arping
  [ping]=iputils-ping
  [sysctl]=procps
  [keepalived]=keepalived
)
# shared libraries loaded through JNA -> Debian package
declare -A RAFTVIP_LIBS=(
  [libnftables.so.1]=libnftables1
  [libpcap.so.0.8]=libpcap0.8
)

raftvip_missing_packages() {
  local missing=()
  for cmd in "${!RAFTVIP_NEEDS[@]}"; do
    command -v "$cmd" >/dev/null 2>&1 || missing+=("${RAFTVIP_NEEDS[$cmd]}")
  done
  for lib in "${!RAFTVIP_LIBS[@]}"; do
    ldconfig -p 2>/dev/null | grep -qE "^[[:space:]]+$lib[[:space:]]" || missing+=("${RAFTVIP_LIBS[$lib]}")
  done
  printf '%s\n' "${missing[@]}" | sort -u | sed '/^$/d'
}

raftvip_ensure_os_deps() {
  if ! command -v java >/dev/null 2>&1; then
    echo "raftvip: java not found; install a JDK 17 (Debian: apt-get install openjdk-17-jdk-headless)" >&2
    return 1
  fi
  local major
  major=$(java -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p')
  if [ "${major%%.*}" -lt 17 ] 2>/dev/null; then
    echo "raftvip: java $major found, JDK 17 or newer needed (apt-get install openjdk-17-jdk-headless)" >&2
    return 1
  fi
  if ! command -v mvn >/dev/null 2>&1; then
    echo "raftvip: mvn not found; install Maven (apt-get install maven)" >&2
    return 1
  fi
  local missing
  missing=$(raftvip_missing_packages)
  [ -z "$missing" ] && return 0
  if [ "$(id -u)" -ne 0 ]; then
    echo "raftvip: missing Debian packages: $(echo $missing). Install them as root:" >&2
    echo "  apt-get install -y $(echo $missing)" >&2
    return 1
  fi
  echo "raftvip: installing Debian packages: $(echo $missing)"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >/dev/null
  # keepalived is installed only as a benchmark comparison; its service must never run on the host.
  # shellcheck disable=SC2086
  apt-get install -y -qq --no-install-recommends $missing >/dev/null
  if systemctl is-active --quiet keepalived 2>/dev/null; then systemctl stop keepalived || true; fi
  if systemctl is-enabled --quiet keepalived 2>/dev/null; then systemctl disable keepalived >/dev/null 2>&1 || true; fi
  missing=$(raftvip_missing_packages)
  if [ -n "$missing" ]; then
    echo "raftvip: still missing after apt-get: $(echo $missing)" >&2
    return 1
  fi
}

raftvip_require_root() {
  if [ "$(id -u)" -ne 0 ]; then
    echo "raftvip: $1 builds network namespaces and needs root (or CAP_NET_ADMIN+CAP_NET_RAW)." >&2
    echo "  Run it as root, e.g. sudo $0" >&2
    return 1
  fi
}
