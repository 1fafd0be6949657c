#!/usr/bin/env bash
# README command 2: builds raftvip and runs the whole test suite, including the namespace tests
# on the real kernel (they need root). Extra arguments go to Maven, e.g. ./test.sh -pl netio.
set -euo pipefail
cd "$(dirname "$0")"
. scripts/os-deps.sh
raftvip_ensure_os_deps
raftvip_require_root "the test suite"
before=$(ip netns list 2>/dev/null | awk '{print $1}' | sort)
status=0
mvn -B -ntp verify "$@" || status=$?
after=$(ip netns list 2>/dev/null | awk '{print $1}' | sort)
if [ "$before" != "$after" ]; then
  echo "raftvip: network namespaces changed during the test run:" >&2
  diff <(echo "$before") <(echo "$after") >&2 || true
  status=1
fi
exit $status
