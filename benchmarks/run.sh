#!/usr/bin/env bash
# Runs raftvip's benchmarks (not part of the test suite). Results: docs/benchmarks.md.
#
#   benchmarks/run.sh netio          data plane on the real kernel in its own namespaces (root);
#                                    prints Markdown tables; about a minute
#   benchmarks/run.sh idle [ARGS]    idle CPU/RSS/heap of 3 agents with 1, 100, 1000 VIPs next to a
#                                    bare Ratis group with the same timeouts (root; ~8 minutes);
#                                    --vips 1,100,1000 --warmup-s 20 --measure-s 60
#   benchmarks/run.sh write [ARGS]   admin write (UpdateVip) latency next to a bare Ratis write of
#                                    the same size, 3 JVMs each (root); --writes 300 --rounds 2
#   benchmarks/run.sh jmh [ARGS]     JMH micro-benchmarks of the netlink and frame codecs; short
#                                    defaults (-f 1 -wi 2 -i 3 -w 1s -r 1s -prof gc); any ARGS
#                                    replace them, e.g. `benchmarks/run.sh jmh -f 3 -i 10 Frame`
#   benchmarks/run.sh failover [ARGS] end-to-end failover, raftvip agents vs keepalived (default and
#                                    fast VRRPv3) on one namespace LAN (root; needs keepalived);
#                                    Markdown tables on stdout, JSON in benchmarks/target.
#                                    ARGS: [--trials N (20)] [--quick (3 trials)] [--block N (10)]
#                                    [--scenarios kill,stop,linkdown,partition,crash,move,term,
#                                    leader,mass] [--systems raftvip,keepalived-default,
#                                    keepalived-fast] [--no-resources] [--resources-only]
#                                    [--json FILE] [--budget-minutes M (240)]. Full run: hours on
#                                    a busy 2-core host; --quick --scenarios kill,move: ~10 min
#
# Builds first when benchmarks/target is missing or older than the sources (set
# RAFTVIP_BENCH_BUILD=always|never to override). The build is `mvn -q -DskipTests install` at the
# repository root, so a clean checkout works.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
. scripts/os-deps.sh

usage() {
  sed -n '2,26p' "$0" | sed 's/^# \{0,1\}//' >&2
  exit 2
}

[ $# -ge 1 ] || usage
what="$1"
shift

jar="benchmarks/target/raftvip-benchmarks-0.1.0-SNAPSHOT.jar"
cp_file="benchmarks/target/classpath.txt"

needs_build() {
  case "${RAFTVIP_BENCH_BUILD:-auto}" in
    always) return 0 ;;
    never) return 1 ;;
  esac
  [ -f "$jar" ] && [ -f "$cp_file" ] || return 0
  # Any source or pom newer than the benchmark jar means a rebuild.
  [ -n "$(find . -path ./.git -prune -o \( -name '*.java' -o -name pom.xml -o -name '*.proto' \) \
      -newer "$jar" -print -quit)" ]
}

build() {
  echo "raftvip: building (mvn -q -DskipTests install)..." >&2
  mvn -q -DskipTests install
}

classpath() {
  echo "benchmarks/target/classes:$(cat "$cp_file")"
}

case "$what" in
  netio)
    raftvip_ensure_os_deps
    raftvip_require_root "the netio benchmark"
    if needs_build; then build; fi
    # Only this benchmark's namespaces (TestLan names them rvt<tag>-bench-<host>); other runs may
    # create and remove their own meanwhile.
    ours() { ip netns list 2>/dev/null | awk '{print $1}' | grep -e '-bench-' | sort || true; }
    before=$(ours)
    status=0
    java -cp "$(classpath)" io.raftvip.bench.NetioBenchmark "$@" || status=$?
    after=$(ours)
    if [ "$before" != "$after" ]; then
      echo "raftvip: benchmark namespaces left behind:" >&2
      diff <(echo "$before") <(echo "$after") >&2 || true
      status=1
    fi
    exit $status
    ;;
  failover)
    raftvip_ensure_os_deps
    raftvip_require_root "the failover benchmark"
    command -v keepalived >/dev/null || [ -x /usr/sbin/keepalived ] || {
      echo "raftvip: the failover benchmark needs keepalived (Debian package keepalived)" >&2
      exit 1
    }
    if needs_build; then build; fi
    # Only this benchmark's namespaces (TestLan names them rvt<tag>-fobench-<host>).
    ours() { ip netns list 2>/dev/null | awk '{print $1}' | grep -e '-fobench-' | sort || true; }
    before=$(ours)
    status=0
    java -cp "$(classpath)" io.raftvip.bench.failover.FailoverBenchmark "$@" || status=$?
    after=$(ours)
    if [ "$before" != "$after" ]; then
      echo "raftvip: benchmark namespaces left behind:" >&2
      diff <(echo "$before") <(echo "$after") >&2 || true
      status=1
    fi
    exit $status
    ;;
  idle)
    raftvip_ensure_os_deps
    raftvip_require_root "the idle-cost benchmark"
    if needs_build; then build; fi
    ours() { ip netns list 2>/dev/null | awk '{print $1}' | grep -e '-idle-' | sort || true; }
    before=$(ours)
    status=0
    java -cp "$(classpath)" io.raftvip.bench.IdleCpuBenchmark "$@" || status=$?
    after=$(ours)
    if [ "$before" != "$after" ]; then
      echo "raftvip: benchmark namespaces left behind:" >&2
      status=1
    fi
    exit $status
    ;;
  write)
    raftvip_ensure_os_deps
    raftvip_require_root "the write-latency benchmark"
    if needs_build; then build; fi
    java -cp "$(classpath)" io.raftvip.bench.WriteLatencyBenchmark "$@"
    ;;
  jmh)
    if needs_build; then build; fi
    if [ $# -eq 0 ]; then
      set -- -f 1 -wi 2 -i 3 -w 1s -r 1s -prof gc 'io\.raftvip\.bench\..*'
    fi
    exec java -cp "$(classpath)" org.openjdk.jmh.Main "$@"
    ;;
  *)
    usage
    ;;
esac
