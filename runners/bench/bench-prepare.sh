#!/usr/bin/env bash
# Prepare benchmark (issue 7): Kiln against its peers on one corpus, the same cores, one invocation.
#
#   runners/bench/bench-prepare.sh [CORPUS] [COUNT]
#
# CORPUS defaults to /tmp/corpus2k and is made with shared/bench/make_corpus.py (COUNT images,
# default 2000) when missing. Runs sequentially, in BENCH_ROUNDS rounds (default 3) that
# interleave the tools, each run timed by /usr/bin/time (wall time of the whole command, JVM
# start included, and peak RSS); a tool's images/s is from its median wall time:
#   kiln   ./kiln prepare --format=webdataset --size=256 (center-crop, JPEG q90), default runner (local)
#   cv2, pillow, vips   shared/bench/peers.py
# then shared/bench/quality.py on every output, and prints one table with Kiln's images/s ratio to
# the fastest peer (from median times, and round by round) and its bytes_mean ratio to Pillow's.
#
# Environment: BENCH_OUT (scratch directory, default /tmp/kiln-bench), BENCH_PEERS (default
# "cv2 pillow vips"), BENCH_ROUNDS (default 3), QUALITY_LIMIT (default 3000), KILN_ARGS (extra
# flags for kiln prepare).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
shared="${KILN_SHARED_BENCH:-$repo/../shared/bench}"
corpus="${1:-/tmp/corpus2k}"
count="${2:-2000}"
scratch="${BENCH_OUT:-/tmp/kiln-bench}"
peers="${BENCH_PEERS:-cv2 pillow vips}"
limit="${QUALITY_LIMIT:-3000}"
rounds="${BENCH_ROUNDS:-3}"
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

mkdir -p "$scratch"
# Build Kiln and its class-data archive (made by the first prepare after a build) first, so
# neither is timed.
"$repo/kiln" prepare --input="$repo/samples/images" --output="$scratch/warm-up" --overwrite >/dev/null 2>&1 || true

times="$scratch/times.tsv"
scores="$scratch/scores.tsv"
: >"$times"
: >"$scores"

# timed NAME ROUND OUTDIR COMMAND...: runs the command under /usr/bin/time (wall, peak RSS).
timed() {
  local name="$1" round="$2" out="$3"
  shift 3
  rm -rf "$out"
  echo "bench: round $round: $name ..." >&2
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
  echo "bench: round $round: $name ${wall}s" >&2
  printf '%s\t%s\t%s\t%s\n' "$name" "$round" "$wall" "$rss_kb" >>"$times"
}

# score NAME OUTDIR: fidelity and size of the tool's output (the same every round).
score() {
  local name="$1" out="$2" q
  q="$($py "$shared/quality.py" --corpus "$corpus" --out "$out" --limit "$limit" --exclude-kinds cmyk | tail -n 1)"
  echo "bench: $name: $q" >&2
  local mean p5 worst bytes
  mean=$(sed -n 's/.*psnr_mean=\([^ ]*\).*/\1/p' <<<"$q")
  p5=$(sed -n 's/.*psnr_p5=\([^ ]*\).*/\1/p' <<<"$q")
  worst=$(sed -n 's/.*worst=[^ ]*:\([^ ]*\).*/\1/p' <<<"$q")
  bytes=$(sed -n 's/.*bytes_mean=\([^ ]*\).*/\1/p' <<<"$q")
  printf '%s\t%s\t%s\t%s\t%s\n' "$name" "$mean" "$p5" "$worst" "$bytes" >>"$scores"
}

# Rounds interleave the tools (kiln, cv2, pillow, vips, kiln, ...), so a slow spell of this
# shared machine falls on all of them alike; each tool's median wall time is what counts.
for round in $(seq 1 "$rounds"); do
  # shellcheck disable=SC2086
  timed kiln "$round" "$scratch/kiln" "$repo/kiln" prepare --input="$corpus" --output="$scratch/kiln" \
    --format=webdataset --size=256 --overwrite ${KILN_ARGS:-} || true
  for peer in $peers; do
    timed "$peer" "$round" "$scratch/$peer" $py "$shared/peers.py" "$peer" --in "$corpus" --out "$scratch/$peer" || true
  done
done
score kiln "$scratch/kiln"
for peer in $peers; do
  score "$peer" "$scratch/$peer"
done

echo
echo "corpus: $corpus ($images images), $(nproc) cores, $rounds round(s), $(date -u +%Y-%m-%dT%H:%MZ)"
awk -F'\t' -v n="$images" -v rounds="$rounds" '
  FNR == NR { if (!($1 in seen)) { seen[$1] = 1; order[++tools] = $1 }
              w[$1, $2] = $3; cnt[$1]++; if ($4 > rss[$1]) rss[$1] = $4; next }
  { mean[$1] = $2; p5[$1] = $3; worst[$1] = $4; bytes[$1] = $5 }
  function median(t,   i, j, k, m, v, tmp) {
    m = 0
    for (i = 1; i <= rounds; i++) if ((t, i) in w) v[++m] = w[t, i]
    for (i = 1; i <= m; i++) for (j = i + 1; j <= m; j++) if (v[j] < v[i]) { tmp = v[i]; v[i] = v[j]; v[j] = tmp }
    return m % 2 ? v[(m + 1) / 2] : (v[m / 2] + v[m / 2 + 1]) / 2
  }
  END {
    printf "| %-6s | %8s | %6s | %-22s | %8s | %9s | %7s | %6s | %10s |\n", "tool", "images/s", "wall s", "each round s", "RSS MiB", "psnr mean", "psnr p5", "worst", "bytes_mean"
    printf "|--------|----------|--------|------------------------|----------|-----------|---------|--------|------------|\n"
    for (i = 1; i <= tools; i++) {
      t = order[i]; med[t] = median(t); rate[t] = n / med[t]; each = ""
      for (r = 1; r <= rounds; r++) if ((t, r) in w) each = each (each == "" ? "" : " ") w[t, r]
      printf "| %-6s | %8.1f | %6.2f | %-22s | %8.0f | %9s | %7s | %6s | %10s |\n", t, rate[t], med[t], each, rss[t] / 1024, mean[t], p5[t], worst[t], bytes[t]
      if (t != "kiln" && rate[t] > best) { best = rate[t]; bestName = t }
    }
    if (("kiln" in rate) && best > 0) {
      printf "\nkiln / fastest peer (%s), median wall times: %.2fx images/s\n", bestName, rate["kiln"] / best
      each = ""
      for (r = 1; r <= rounds; r++) {
        fastest = 0
        for (i = 1; i <= tools; i++) { t = order[i]; if (t != "kiln" && ((t, r) in w) && (fastest == 0 || w[t, r] < fastest)) fastest = w[t, r] }
        if (fastest > 0 && (("kiln", r) in w)) each = each sprintf(" %.2fx", fastest / w["kiln", r])
      }
      printf "kiln / fastest peer, round by round:%s\n", each
    }
    if (("kiln" in bytes) && bytes["pillow"] > 0) printf "kiln / pillow: %.2fx bytes_mean\n", bytes["kiln"] / bytes["pillow"]
  }' "$times" "$scores"
