#!/usr/bin/env bash
# Memory per slot: a Flink session cluster of one TaskManager with 2 slots and 1 GB of task heap
# per slot (docs/RUNNING_ON_FLINK.md, "Memory per slot") prepares a corpus plus 40 images of
# 8,000 x 8,000 pixels. Passes (exit 0) when the job succeeds, every input is written and no image
# is rejected out-of-memory; prints the TaskManager's peak heap use and RSS.
# Usage: runners/bench/bench-slot-memory.sh [CORPUS] [LARGE_IMAGES]   (defaults /tmp/corpus10k 40)
set -euo pipefail
here="$(cd "$(dirname "$0")/../.." && pwd)"
corpus="$(realpath -m "${1:-/tmp/corpus10k}")"
large="${2:-40}"
work="${KILN_BENCH_DIR:-/tmp/kiln-slot-memory}"
if [ ! -d "$corpus" ]; then
  /usr/bin/python3 "$here/../shared/bench/make_corpus.py" --out "$corpus" --count 10000
fi
rm -rf "$work"; mkdir -p "$work/in/corpus" "$work/in/large"
for f in "$corpus"/*; do
  case "$f" in *MANIFEST.csv) continue ;; esac
  ln "$f" "$work/in/corpus/" 2>/dev/null || cp "$f" "$work/in/corpus/"
done
# Large photographs: the sample photographs scaled up to 8,000 x 8,000 and saved as JPEG
# (quality 90), each a distinct image.
/usr/bin/python3 - "$here/samples/images" "$work/in/large" "$large" <<'PY'
import pathlib, sys
from PIL import Image
src, out, count = pathlib.Path(sys.argv[1]), pathlib.Path(sys.argv[2]), int(sys.argv[3])
photos = sorted(p for p in src.rglob("*") if p.suffix.lower() in (".jpg", ".jpeg", ".png"))
for i in range(count):
    im = Image.open(photos[i % len(photos)]).convert("RGB")
    if i // len(photos) % 2:
        im = im.transpose(Image.Transpose.FLIP_LEFT_RIGHT)  # distinct pixels for each file
    im = im.rotate(90 * (i // (2 * len(photos))), expand=True).resize((8000, 8000), Image.Resampling.BILINEAR)
    im.save(out / f"large-{i:03d}.jpg", quality=90)
PY
"$here/kiln" --version >/dev/null   # the launcher's build, outside the check
cd "$here"
mvn -B -q -Pbench-runners -pl runners -am verify -DskipTests \
  -Dbench.main=dev.kiln.runners.flink.SlotMemoryCheck \
  -Dbench.corpus="$work/in" -Dbench.work="$work" -Dbench.rounds=1
