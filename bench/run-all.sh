#!/usr/bin/env bash
# run-all: every benchmark in turn and one Markdown report (see docs/benchmarks.md).
#   bench/run-all.sh           full run, report in docs/benchmark-report.md (about an hour)
#   bench/run-all.sh --quick   every benchmark shrunk, report in target/benchmark-report-quick.md
#                              (a few minutes; CI runs it so the benchmarks keep working)
#   bench/run-all.sh --soak    the full run plus a 30-minute soak
# Other options: --report PATH, --only dns,http. Needs wrk, nginx, dnsperf, nsd and etcd on the PATH,
# and knot for the DNS benchmark's second peer (Debian: apt-get install wrk nginx-light dnsperf nsd
# knot etcd-server).
set -euo pipefail
root="$(cd "$(dirname "$(readlink -f "$0")")/.." && pwd)"
cd "$root"
exec "$root/bin/bench" all "$@"
