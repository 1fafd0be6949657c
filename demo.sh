#!/usr/bin/env bash
# README command 1: builds raftvip and runs the failover demo on a LAN of network namespaces.
# Extra arguments go to `raftvip demo` (try --help).
set -euo pipefail
cd "$(dirname "$0")"
. scripts/os-deps.sh
raftvip_ensure_os_deps
mvn -B -ntp -q -DskipTests install
exec java -jar cli/target/raftvip-cli.jar demo "$@"
