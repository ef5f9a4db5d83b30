#!/usr/bin/env bash
# Run report benchmark: the size of a made-up 1,000,000-sample report and the time to build it,
# how long headless Chromium (Debian's chromium) takes to load it from disk (median of
# BENCH_ROUNDS loads, default 3), and how long writing the report of each DATASET given takes.
# Usage: runners/bench/bench-report.sh [DATASET ...]
set -euo pipefail
here="$(cd "$(dirname "$0")/../.." && pwd)"
rounds="${BENCH_ROUNDS:-3}"
work="${KILN_BENCH_DIR:-/tmp/kiln-report-bench}"
"$here/kiln" --version >/dev/null   # builds Kiln (and runners/target/classpath.txt) if needed
(cd "$here" && mvn -B -q -o -pl runners -am test-compile)
rm -rf "$work"; mkdir -p "$work"
java -Xmx2g -cp "$here/runners/target/test-classes:$here/runners/target/classes:$(<"$here/runners/target/classpath.txt")" \
  dev.kiln.runners.report.ReportBenchmark "$work" "$rounds" "$@"
