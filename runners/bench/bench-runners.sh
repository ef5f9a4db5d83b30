#!/usr/bin/env bash
# Runner benchmark: the same `kiln prepare` job (kiln format, 2 workers) on local, direct,
# flink-local and a Flink session cluster of one TaskManager with 2 slots, in interleaved rounds
# (BENCH_ROUNDS, default 3), each a fresh ./kiln process (start-up and submission included):
# wall time, images/s, CPU, peak RSS, steady-state rate, a digest of the shards; medians and the
# ratios to local. Then the scale-out pair: 1 TaskManager pinned to core 0 against 2 pinned to
# cores 0 and 1 (taskset), 1 slot each, each TaskManager with private temporary directories.
# Clusters are real Flink processes from Maven jars (see docs/RUNNING_ON_FLINK.md), stopped at the end.
# Usage: runners/bench/bench-runners.sh [CORPUS]   (default /tmp/corpus10k, made if missing)
set -euo pipefail
here="$(cd "$(dirname "$0")/../.." && pwd)"
corpus="$(realpath -m "${1:-/tmp/corpus10k}")"
rounds="${BENCH_ROUNDS:-3}"
work="${KILN_BENCH_DIR:-/tmp/kiln-runners-bench}"
if [ ! -d "$corpus" ]; then
  /usr/bin/python3 "$here/../shared/bench/make_corpus.py" --out "$corpus" --count 10000
fi
command -v taskset >/dev/null || { echo "bench-runners: taskset (util-linux) is needed" >&2; exit 2; }
rm -rf "$work"; mkdir -p "$work"
"$here/kiln" --version >/dev/null   # the launcher's build, outside the timed runs
cd "$here"
mvn -B -q -Pbench-runners -pl runners -am verify -DskipTests \
  -Dbench.corpus="$corpus" -Dbench.work="$work" -Dbench.rounds="$rounds"
