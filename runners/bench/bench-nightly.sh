#!/usr/bin/env bash
# Nightly-run benchmark: a full run over a corpus, then an incremental run after adding new
# images and deleting some, compared with a full run over the same final inputs (wall time
# ratio, and byte-identical shards and index).
# Usage: runners/bench/bench-nightly.sh [CORPUS] [ADDED] [DELETED]   (defaults: /tmp/corpus10k 100 20)
set -euo pipefail
here="$(cd "$(dirname "$0")/../.." && pwd)"
corpus="${1:-/tmp/corpus10k}"; added="${2:-100}"; deleted="${3:-20}"
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

t_first=$(timed "$here/kiln" prepare --input="$work/in" --output="$work/root" --incremental --run-id=night-1)
# Night 2: $added new images arrive, $deleted old ones are deleted.
for f in "${files[@]:$((total - added))}"; do ln "$corpus/$f" "$work/in/$f" 2>/dev/null || cp "$corpus/$f" "$work/in/$f"; done
for f in "${files[@]:0:$deleted}"; do rm "$work/in/$f"; done
t_incr=$(timed "$here/kiln" prepare --input="$work/in" --output="$work/root" --incremental --run-id=night-2)
incr_summary=$(grep -E "kiln: (done|incremental)" "$work/last.log" || true)
t_full=$(timed "$here/kiln" prepare --input="$work/in" --output="$work/full" --run-id=full)

identical=yes
for f in "$work"/full/*.kiln "$work/full/index.kidx"; do
  cmp -s "$f" "$work/root/CURRENT/$(basename "$f")" || identical=no
done
[ "$(ls "$work"/full/*.kiln | wc -l)" = "$(ls "$work"/root/CURRENT/*.kiln | wc -l)" ] || identical=no
echo "corpus: $corpus ($total images); night 2: +$added new, -$deleted deleted"
echo "first full run (night 1):      ${t_first} s"
echo "incremental run (night 2):     ${t_incr} s"
echo "full run over night-2 inputs:  ${t_full} s"
echo "incremental / full:            $(python3 -c "print(round($t_incr / $t_full, 3))")"
echo "byte-identical shards+index:   $identical"
echo "$incr_summary"
