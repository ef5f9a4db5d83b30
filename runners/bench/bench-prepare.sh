#!/usr/bin/env bash
# Prepare benchmark (issue 7): Kiln against its peers on one corpus, the same cores, one invocation.
#
#   runners/bench/bench-prepare.sh [CORPUS] [COUNT]
#
# CORPUS defaults to /tmp/corpus2k and is made with shared/bench/make_corpus.py (COUNT images,
# default 2000) when missing. Runs sequentially, each timed by /usr/bin/time (wall time of the
# whole command, JVM start included, and peak RSS):
#   kiln   ./kiln prepare --format=webdataset --size=256 (center-crop, JPEG q90), default runner (local)
#   cv2, pillow, vips   shared/bench/peers.py
# then shared/bench/quality.py on every output, and prints one table with Kiln's images/s ratio to
# the fastest peer and its bytes_mean ratio to Pillow's.
#
# Environment: BENCH_OUT (scratch directory, default /tmp/kiln-bench), BENCH_PEERS (default
# "cv2 pillow vips"), QUALITY_LIMIT (default 3000), KILN_ARGS (extra flags for kiln prepare).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
shared="${KILN_SHARED_BENCH:-$repo/../shared/bench}"
corpus="${1:-/tmp/corpus2k}"
count="${2:-2000}"
scratch="${BENCH_OUT:-/tmp/kiln-bench}"
peers="${BENCH_PEERS:-cv2 pillow vips}"
limit="${QUALITY_LIMIT:-3000}"
py=/usr/bin/python3

# Debian packages the peers, quality.py and make_corpus.py need; /usr/bin/time for wall time and RSS.
missing=()
$py -c 'import PIL' 2>/dev/null || missing+=(python3-pil)
$py -c 'import numpy' 2>/dev/null || missing+=(python3-numpy)
$py -c 'import cv2' 2>/dev/null || missing+=(python3-opencv)
command -v vipsthumbnail >/dev/null 2>&1 || missing+=(libvips-tools)
[ -x /usr/bin/time ] || missing+=(time)
if [ ${#missing[@]} -gt 0 ]; then
  echo "bench: installing ${missing[*]}" >&2
  sudo_cmd=""
  [ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq "${missing[@]}" >&2
fi

if [ ! -f "$corpus/MANIFEST.csv" ]; then
  echo "bench: making corpus $corpus ($count images)" >&2
  $py "$shared/make_corpus.py" --out "$corpus" --count "$count" >&2
fi
images=$(($(wc -l <"$corpus/MANIFEST.csv") - 1))

# Build Kiln first so the build is not timed.
"$repo/kiln" --help >/dev/null 2>&1 || true

mkdir -p "$scratch"
results="$scratch/results.tsv"
: >"$results"

# run NAME OUTDIR COMMAND...: times the command, then scores its output.
run() {
  local name="$1" out="$2"
  shift 2
  rm -rf "$out"
  echo "bench: $name ..." >&2
  local log="$scratch/$name.log" tf="$scratch/$name.time"
  if ! /usr/bin/time -f '%e %M' -o "$tf" "$@" >"$log" 2>&1; then
    echo "bench: $name failed (exit $?); log: $log" >&2
    tail -n 20 "$log" >&2
    return 1
  fi
  local wall rss_kb
  read -r wall rss_kb <"$tf"
  # Another checkout user's edit can make ./kiln rebuild inside the timed run; say so.
  if grep -q "^kiln: building" "$log"; then
    echo "bench: WARNING: $name rebuilt Kiln during the timed run; its time includes the build" >&2
  fi
  local q
  q="$($py "$shared/quality.py" --corpus "$corpus" --out "$out" --limit "$limit" --exclude-kinds cmyk | tail -n 1)"
  echo "bench: $name ${wall}s; $q" >&2
  local mean p5 worst bytes
  mean=$(sed -n 's/.*psnr_mean=\([^ ]*\).*/\1/p' <<<"$q")
  p5=$(sed -n 's/.*psnr_p5=\([^ ]*\).*/\1/p' <<<"$q")
  worst=$(sed -n 's/.*worst=[^ ]*:\([^ ]*\).*/\1/p' <<<"$q")
  bytes=$(sed -n 's/.*bytes_mean=\([^ ]*\).*/\1/p' <<<"$q")
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$name" "$wall" "$rss_kb" "$mean" "$p5" "$worst" "$bytes" >>"$results"
}

# shellcheck disable=SC2086
run kiln "$scratch/kiln" "$repo/kiln" prepare --input="$corpus" --output="$scratch/kiln" \
  --format=webdataset --size=256 --overwrite ${KILN_ARGS:-} || true
for peer in $peers; do
  run "$peer" "$scratch/$peer" $py "$shared/peers.py" "$peer" --in "$corpus" --out "$scratch/$peer" || true
done

echo
echo "corpus: $corpus ($images images), $(nproc) cores, $(date -u +%Y-%m-%dT%H:%MZ)"
awk -F'\t' -v n="$images" '
  { name[NR] = $1; wall[NR] = $2; rate[NR] = n / $2; rss[NR] = $3 / 1024; mean[NR] = $4; p5[NR] = $5
    worst[NR] = $6; bytes[NR] = $7
    if ($1 == "kiln") k = NR
    else if (rate[NR] > best) { best = rate[NR]; bestName = $1 }
    if ($1 == "pillow") pil = NR }
  END {
    printf "| %-6s | %8s | %6s | %8s | %9s | %7s | %6s | %10s |\n", "tool", "images/s", "wall s", "RSS MiB", "psnr mean", "psnr p5", "worst", "bytes_mean"
    printf "|--------|----------|--------|----------|-----------|---------|--------|------------|\n"
    for (i = 1; i <= NR; i++)
      printf "| %-6s | %8.1f | %6.2f | %8.0f | %9s | %7s | %6s | %10s |\n", name[i], rate[i], wall[i], rss[i], mean[i], p5[i], worst[i], bytes[i]
    if (k && best > 0) printf "\nkiln / fastest peer (%s): %.2fx images/s\n", bestName, rate[k] / best
    if (k && pil && bytes[pil] > 0) printf "kiln / pillow: %.2fx bytes_mean\n", bytes[k] / bytes[pil]
  }' "$results"
