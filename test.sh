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
# Leftovers: namespaces that appeared during the run and whose creating test JVM is gone (test LAN
# names start with rvt<pid>). A namespace of a run still going on beside this one (another
# checkout's tests or a benchmark) is not ours and not counted.
leftovers=""
for ns in $(comm -13 <(echo "$before") <(echo "$after")); do
  pid=$(echo "$ns" | sed -n 's/^rv[a-z]\([0-9][0-9]*\).*/\1/p')
  if [ -z "$pid" ] || ! kill -0 "$pid" 2>/dev/null; then
    leftovers="$leftovers $ns"
  fi
done
if [ -n "$leftovers" ]; then
  echo "raftvip: network namespaces left behind by the test run:$leftovers" >&2
  status=1
fi
exit $status
