#!/usr/bin/env bash
# Nightly-run benchmark: a full run over a corpus (night 1), then new images arrive and some are
# deleted (night 2), and an incremental run over night 1's dataset is compared with a full run over
# the same final inputs: wall time ratio, and byte-identical shards and index.
#
# The machine's speed drifts from minute to minute, so night 2 is run in BENCH_ROUNDS interleaved
# rounds (default 3): each round copies night 1's dataset, runs the incremental run on the copy,
# then the full run. The ratio is given from the median times, and as the median of the rounds'
# ratios (each round's two runs are closest in time); each round's ratio is printed too.
# Usage: runners/bench/bench-nightly.sh [CORPUS] [ADDED] [DELETED]   (defaults: /tmp/corpus10k 100 20)
set -euo pipefail
here="$(cd "$(dirname "$0")/../.." && pwd)"
corpus="${1:-/tmp/corpus10k}"; added="${2:-100}"; deleted="${3:-20}"
rounds="${BENCH_ROUNDS:-3}"
work="${KILN_BENCH_DIR:-/tmp/kiln-nightly-bench}"
if [ ! -d "$corpus" ]; then
  /usr/bin/python3 "$here/../shared/bench/make_corpus.py" --out "$corpus" --count 10000
fi
rm -rf "$work"; mkdir -p "$work/in"
mapfile -t files < <(cd "$corpus" && ls | grep -v MANIFEST.csv | sort)
total=${#files[@]}
# The first run sees all but the last $added images.
for f in "${files[@]:0:$((total - added))}"; do ln "$corpus/$f" "$work/in/$f" 2>/dev/null || cp "$corpus/$f" "$work/in/$f"; done
"$here/kiln" --version >/dev/null   # build outside the timed runs

timed() { local start end; start=$(date +%s.%N); "$@" > "$work/last.log" 2>&1; end=$(date +%s.%N); python3 -c "print(round($end - $start, 2))"; }

t_first=$(timed "$here/kiln" prepare --input="$work/in" --output="$work/night1" --incremental --run-id=night-1)
# Night 2: $added new images arrive, $deleted old ones are deleted.
for f in "${files[@]:$((total - added))}"; do ln "$corpus/$f" "$work/in/$f" 2>/dev/null || cp "$corpus/$f" "$work/in/$f"; done
for f in "${files[@]:0:$deleted}"; do rm "$work/in/$f"; done

incr=(); full=(); identical=yes; incr_summary=""
for round in $(seq 1 "$rounds"); do
  rm -rf "$work/root" "$work/full"
  cp -a "$work/night1" "$work/root"
  sync   # the copy reaches the disk before the timed run, as night 1's own files had
  incr+=("$(timed "$here/kiln" prepare --input="$work/in" --output="$work/root" --incremental --run-id=night-2)")
  incr_summary=$(grep -E "kiln: (done|incremental)" "$work/last.log" || true)
  full+=("$(timed "$here/kiln" prepare --input="$work/in" --output="$work/full" --run-id=full)")
  for f in "$work"/full/*.kiln "$work/full/index.kidx"; do
    cmp -s "$f" "$work/root/CURRENT/$(basename "$f")" || identical=no
  done
  [ "$(ls "$work"/full/*.kiln | wc -l)" = "$(ls "$work"/root/CURRENT/*.kiln | wc -l)" ] || identical=no
  echo "round $round: incremental ${incr[-1]} s, full ${full[-1]} s, ratio $(python3 -c "print(round(${incr[-1]} / ${full[-1]}, 3))")"
done

median() { python3 -c "import statistics,sys; print(statistics.median(float(x) for x in sys.argv[1:]))" "$@"; }
m_incr=$(median "${incr[@]}"); m_full=$(median "${full[@]}")
echo "corpus: $corpus ($total images); night 2: +$added new, -$deleted deleted; $rounds rounds"
echo "first full run (night 1):              ${t_first} s"
echo "incremental run (night 2), median:     ${m_incr} s  (${incr[*]})"
echo "full run over night-2 inputs, median:  ${m_full} s  (${full[*]})"
echo "incremental / full (medians):          $(python3 -c "print(round($m_incr / $m_full, 3))")"
# Each round's two runs are minutes apart at most, so their ratio is the least touched by the drift.
echo "incremental / full (median of rounds):  $(python3 -c "import statistics,sys; v=sys.argv[1:]; h=len(v)//2; print(round(statistics.median(float(a)/float(b) for a,b in zip(v[:h],v[h:])), 3))" "${incr[@]}" "${full[@]}")"
echo "byte-identical shards+index:           $identical (every round)"
echo "$incr_summary"
