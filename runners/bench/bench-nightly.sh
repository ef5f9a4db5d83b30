#!/usr/bin/env bash
# Nightly runs at scale (docs/NIGHTLY.md): on a dataset of SIZE images from CORPUS, the wall time,
# the cost of each phase (kiln: phases) and the bytes written of
#   night 1  the first, full version;
#   night 2  ADDED new images arrive and DELETED are deleted (an incremental run);
#   night 3  nothing changed;
#   night 4  ADDED more arrive (night 2's files again under new names) and DELETED more leave;
# then the disk of the root's three versions (hard-linked files counted once, du) against one
# version's, random reads of the fragmented version against fio (kiln bench-read), kiln compact,
# and (BENCH_FULL=1, the default) a full run over night 4's inputs that the compacted version must
# equal byte for byte.
# Usage: runners/bench/bench-nightly.sh [CORPUS] [ADDED] [DELETED] [SIZE]
#   CORPUS  images, searched recursively (default /tmp/corpus10k, made by make_corpus.py if missing)
#   ADDED, DELETED  images arriving and leaving on nights 2 and 4 (defaults 100 and 20)
#   SIZE    images in night 1 (default: all of CORPUS but ADDED); CORPUS needs SIZE + ADDED images
# Environment: KILN_BENCH_DIR (work directory, default /tmp/kiln-nightly-bench; emptied first),
#   BENCH_READ_SAMPLES (samples bench-read reads in 5 rounds, default 100000 or SIZE if less),
#   BENCH_FULL (0 skips the full run).
# The machine's load (uptime) is printed beside each figure: on a shared machine it moves them.
set -euo pipefail
here="$(cd "$(dirname "$0")/../.." && pwd)"
tool="$here/runners/bench/nightly_tool.py"
corpus="${1:-/tmp/corpus10k}"; added="${2:-100}"; deleted="${3:-20}"; size="${4:-}"
work="${KILN_BENCH_DIR:-/tmp/kiln-nightly-bench}"
if [ ! -d "$corpus" ]; then
  /usr/bin/python3 "$here/../shared/bench/make_corpus.py" --out "$corpus" --count 10000
fi
rm -rf "$work"; mkdir -p "$work/in"
list="$work/corpus.txt"
/usr/bin/python3 "$tool" list "$corpus" > "$list"
total=$(wc -l < "$list")
size="${size:-$((total - added))}"
[ $((size + added)) -le "$total" ] || { echo "$corpus has $total images; SIZE $size + ADDED $added needed" >&2; exit 2; }
root="$work/root"
read_samples="${BENCH_READ_SAMPLES:-$((size < 100000 ? size : 100000))}"
"$here/kiln" --version >/dev/null   # build outside the timed runs

load() { cut -d' ' -f1 /proc/loadavg; }
# Runs "$@" into $work/last.log; sets secs (wall time) and phases (the run's kiln: phases line).
timed() {
  local start end
  start=$(date +%s.%N); "$@" > "$work/last.log" 2>&1; end=$(date +%s.%N)
  secs=$(python3 -c "print(round($end - $start, 2))")
  phases=$(sed -n 's/^kiln: phases: //p' "$work/last.log")
}
night() { timed "$here/kiln" prepare --input="$work/in" --output="$root" --incremental --run-id="$1"; }
current() { readlink -f "$root/CURRENT"; }

/usr/bin/python3 "$tool" link "$corpus" "$work/in" "$list" 0 "$size"
l1=$(load); night night-1; t1=$secs; p1=$phases; v1=$(current)
echo "night 1 (full, $size images):  $t1 s  (load $l1)  phases: $p1"

/usr/bin/python3 "$tool" link "$corpus" "$work/in" "$list" "$size" $((size + added))
/usr/bin/python3 "$tool" unlink "$work/in" "$list" 0 "$deleted"
sync
l2=$(load); night night-2; t2=$secs; p2=$phases; v2=$(current)
w2=$(/usr/bin/python3 "$tool" writes "$v1" "$v2")
echo "night 2 (+$added -$deleted):  $t2 s  (load $l2)  phases: $p2"
echo "$w2" | sed 's/^/  /'

sync
l3=$(load); night night-3; t3=$secs; p3=$phases
published=$([ "$(current)" = "$v2" ] && echo "no new version" || echo "a new version: $(current)")
echo "night 3 (nothing changed):  $t3 s  (load $l3)  phases: $p3  -> $published"

/usr/bin/python3 "$tool" link "$corpus" "$work/in" "$list" "$size" $((size + added)) arrivals-2
/usr/bin/python3 "$tool" unlink "$work/in" "$list" "$deleted" $((2 * deleted))
sync
l4=$(load); night night-4; t4=$secs; p4=$phases; v4=$(current)
w4=$(/usr/bin/python3 "$tool" writes "$v2" "$v4")
echo "night 4 (+$added -$deleted):  $t4 s  (load $l4)  phases: $p4"
echo "$w4" | sed 's/^/  /'

# du counts a file linked from several versions once per invocation.
disk_all=$(du -sk "$root" | cut -f1); disk_one=$(du -sk "$v4" | cut -f1)
echo "disk: $(ls -d "$root"/v* | wc -l) versions $disk_all KiB, one version $disk_one KiB," \
  "ratio $(python3 -c "print(round($disk_all / $disk_one, 3))")"

l5=$(load)
"$here/kiln" bench-read "$root" --samples "$read_samples" --rounds 5 > "$work/read.log" 2>&1
echo "bench-read of the fragmented version ($read_samples samples, load $l5):"
grep -iE "kiln:|fio|ratio|samples/s" "$work/read.log" | sed 's/^/  /'

l6=$(load); timed "$here/kiln" compact "$root"; tc=$secs
echo "kiln compact: $tc s  (load $l6)  $(grep -m1 -i 'compact' "$work/last.log" || true)"
if [ "${BENCH_FULL:-1}" != 0 ]; then
  l7=$(load); timed "$here/kiln" prepare --input="$work/in" --output="$work/full" --run-id=full; tf=$secs
  identical=yes
  for f in "$work"/full/*.kiln "$work/full/index.kidx"; do
    cmp -s "$f" "$(current)/$(basename "$f")" || identical=no
  done
  [ "$(ls "$work"/full/*.kiln | wc -l)" = "$(ls "$(current)"/*.kiln | wc -l)" ] || identical=no
  echo "full run over night 4's inputs: $tf s  (load $l7)  phases: $phases"
  echo "compacted version = full run, shards and index byte for byte: $identical"
  echo "night 4 / full run: $(python3 -c "print(round($t4 / $tf, 3))")"
fi
