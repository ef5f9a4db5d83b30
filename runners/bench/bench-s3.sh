#!/usr/bin/env bash
# Object-storage benchmark: prepare from S3 against prepare from local disk, and ranged-GET reads.
#
#   runners/bench/bench-s3.sh [CORPUS]      (default /tmp/corpus10k, made by make_corpus.py)
#
# Starts s3proxy (filesystem backend, its data in the scratch directory) on a loopback port,
# uploads the corpus to s3://bench/raw, then runs in BENCH_ROUNDS interleaved rounds (default 3)
# the same `kiln prepare` (same runner, default local; KILN_ARGS adds flags) with
#   local:  --input=CORPUS               --output=<local dir>
#   s3-in:  --input=s3://bench/raw       --output=<local dir>
#   s3-s3:  --input=s3://bench/raw       --output=s3://bench/ds-N  (staged locally, then uploaded)
# each timed as a whole command (JVM start included). It prints each round, the medians and the
# ratios local/s3 (>= 1 means S3 is as fast), and checks that the S3 output's shard digests equal
# the local output's for the same (S3) input. Then `kiln bench-read` of the last s3-s3 dataset through s3proxy (one ranged GET per
# sample) and of the local one, with BENCH_READ_THREADS (default 8) and BENCH_READ_SAMPLES.
#
# s3proxy runs on the same cores as kiln: on a small machine its CPU is part of what S3 costs.
# Its filesystem backend lists slowly (about 2 s per page of 1000 objects on a loaded 2-core
# machine), so each round also times a bare listing of the inputs, and the S3 -> local ratio is
# given with that time taken out as well. Each round also prints the CPU seconds of kiln and of
# s3proxy during the local and the S3 -> local runs. After the rounds, a nightly sequence into
# an S3 root (first run, +100/-20 inputs, nothing changed), each timed.
# Environment: BENCH_OUT (scratch, default /tmp/kiln-s3-bench), BENCH_ROUNDS, KILN_ARGS.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
corpus="${1:-/tmp/corpus10k}"
rounds="${BENCH_ROUNDS:-3}"
work="${BENCH_OUT:-/tmp/kiln-s3-bench}"
threads="${BENCH_READ_THREADS:-8}"
read_samples="${BENCH_READ_SAMPLES:-5000}"
py=/usr/bin/python3   # Debian's, with boto3

if [ ! -d "$corpus" ]; then
  "$py" "$repo/../shared/bench/make_corpus.py" --out "$corpus" --count 10000
fi

version=$(sed -n 's:.*<s3proxy.version>\(.*\)</s3proxy.version>.*:\1:p' "$repo/pom.xml")
jar="$repo/runners/target/s3proxy/s3proxy.jar"
if [ ! -f "$jar" ]; then
  jar="$HOME/.m2/repository/org/gaul/s3proxy/$version/s3proxy-$version-jar-with-dependencies.jar"
  [ -f "$jar" ] || mvn -B -q dependency:get -Dartifact="org.gaul:s3proxy:$version:jar:jar-with-dependencies"
fi

rm -rf "$work"; mkdir -p "$work/s3data"
port=$("$py" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
cat > "$work/s3proxy.conf" <<EOF
s3proxy.endpoint=http://127.0.0.1:$port
s3proxy.authorization=aws-v2-or-v4
s3proxy.identity=kiln-bench
s3proxy.credential=kiln-bench-secret
jclouds.provider=filesystem
jclouds.filesystem.basedir=$work/s3data
EOF
java -Xmx1g -jar "$jar" --properties "$work/s3proxy.conf" > "$work/s3proxy.log" 2>&1 &
s3pid=$!
trap 'kill $s3pid 2>/dev/null || true' EXIT
export AWS_ACCESS_KEY_ID=kiln-bench AWS_SECRET_ACCESS_KEY=kiln-bench-secret
export AWS_ENDPOINT_URL="http://127.0.0.1:$port" AWS_REGION=us-east-1
for _ in $(seq 1 300); do
  (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break
  sleep 0.2
done

"$py" - "$corpus" <<'EOF'
import os, sys, time, boto3
from concurrent.futures import ThreadPoolExecutor
from botocore.config import Config
corpus = sys.argv[1]
s3 = boto3.client("s3", endpoint_url=os.environ["AWS_ENDPOINT_URL"],
                  config=Config(s3={"addressing_style": "path"}, max_pool_connections=16))
s3.create_bucket(Bucket="bench")
names = sorted(os.path.relpath(os.path.join(d, f), corpus)
               for d, _, files in os.walk(corpus) for f in files)
start = time.time()
with ThreadPoolExecutor(16) as pool:
    list(pool.map(lambda n: s3.upload_file(os.path.join(corpus, n), "bench", "raw/" + n), names))
print("uploaded %d objects to s3://bench/raw in %.1f s" % (len(names), time.time() - start))
EOF

"$repo/kiln" --version >/dev/null   # build outside the timed runs
# shellcheck disable=SC2206
extra=(${KILN_ARGS:-})
# CPU seconds s3proxy has used so far (user + system).
s3proxy_cpu() {
  awk -v hz="$(getconf CLK_TCK)" '{print ($14 + $15) / hz}' "/proc/$s3pid/stat"
}
# Times one prepare; also leaves its CPU seconds in $work/last.cpu ("kiln K s3proxy S").
timed() {
  local start end s0 s1
  start=$(date +%s.%N); s0=$(s3proxy_cpu)
  /usr/bin/time -f "%U %S" -o "$work/last.time" "$repo/kiln" prepare "${extra[@]}" "$@" \
    > "$work/last.log" 2>&1 || { cat "$work/last.log"; exit 1; }
  end=$(date +%s.%N); s1=$(s3proxy_cpu)
  read -r user sys < "$work/last.time"
  "$py" -c "print('kiln %.1f s3proxy %.1f' % ($user + $sys, $s1 - $s0))" > "$work/last.cpu"
  "$py" -c "print(round($end - $start, 2))"
}
digests() {   # the shard digests of a manifest, one line each
  "$py" -c 'import json,sys; print("\n".join(sorted(s["name"]+" "+s["sha256"] for s in json.load(sys.stdin)["shards"])))'
}

# How long the server takes to list the inputs (what every S3 run starts with): s3proxy's
# filesystem backend reads its whole directory for every page of a thousand, where AWS answers
# a page in tens of milliseconds.
listing() {
  "$py" - <<'PYEOF'
import os, time, boto3
from botocore.config import Config
s3 = boto3.client("s3", endpoint_url=os.environ["AWS_ENDPOINT_URL"],
                  config=Config(s3={"addressing_style": "path"}))
start = time.time()
for _ in s3.get_paginator("list_objects_v2").paginate(Bucket="bench", Prefix="raw/"):
    pass
print(round(time.time() - start, 2))
PYEOF
}

local_t=(); s3in_t=(); s3s3_t=(); list_t=(); identical=yes
for r in $(seq 1 "$rounds"); do
  rm -rf "$work/local" "$work/s3in"
  local_t+=("$(timed --input="$corpus" --output="$work/local" --run-id=local)")
  local_cpu="$(<"$work/last.cpu")"
  list_t+=("$(listing)")
  s3in_t+=("$(timed --input=s3://bench/raw --output="$work/s3in" --run-id=s3in)")
  s3in_cpu="$(<"$work/last.cpu")"
  s3s3_t+=("$(timed --input=s3://bench/raw --output="s3://bench/ds-$r" --run-id=s3s3)")
  a=$(digests < "$work/local/manifest.json")
  b=$(digests < "$work/s3in/manifest.json")
  c=$("$py" -c "import boto3,os; print(boto3.client('s3', endpoint_url=os.environ['AWS_ENDPOINT_URL']).get_object(Bucket='bench', Key='ds-$r/manifest.json')['Body'].read().decode())" | digests)
  # Samples record their source path (s3://... or the local one), so S3 inputs make other
  # bytes than local ones; an S3 output must hold the same bytes as a local output of the same run.
  [ "$b" = "$c" ] || identical=no
  [ "$(echo "$a" | wc -l)" = "$(echo "$b" | wc -l)" ] || identical=no
  echo "round $r: local ${local_t[-1]} s, s3-in ${s3in_t[-1]} s, s3-s3 ${s3s3_t[-1]} s, listing by s3proxy ${list_t[-1]} s (load $(cut -d' ' -f1 /proc/loadavg))"
  echo "  CPU seconds: local run: ${local_cpu%% s3proxy*}; s3-in run: $s3in_cpu"
done

median() { "$py" -c "import statistics,sys; print(statistics.median(float(x) for x in sys.argv[1:]))" "$@"; }
ml=$(median "${local_t[@]}"); mi=$(median "${s3in_t[@]}"); ms=$(median "${s3s3_t[@]}")
inputs=$(grep -o "kiln: done: [0-9]* inputs" "$work/last.log" | grep -o "[0-9]*" | head -1)
echo "corpus: $corpus ($inputs inputs); $rounds rounds; runner: default${KILN_ARGS:+ ($KILN_ARGS)}"
echo "prepare local -> local, median:  $ml s  (${local_t[*]})"
echo "prepare S3 -> local, median:     $mi s  (${s3in_t[*]})  speed vs local: $("$py" -c "print(round($ml / $mi, 3))")x"
echo "prepare S3 -> S3, median:        $ms s  (${s3s3_t[*]})  speed vs local: $("$py" -c "print(round($ml / $ms, 3))")x"
ml3=$(median "${list_t[@]}")
echo "listing the inputs, s3proxy alone, median: $ml3 s  (${list_t[*]})"
echo "S3 -> local without the listing: speed vs local $("$py" -c "print(round($ml / ($mi - $ml3), 3))")x"
echo "S3 output shards = local output shards of the same input (digests, every round): $identical"

# A nightly run into an S3 root: a first --incremental run (in full), then 100 inputs added
# (server-side copies under raw/zz-nightly/) and 20 deleted, an incremental run that carries the
# rest over from the version in the store, and a run that finds nothing changed.
nightly() { timed --input=s3://bench/raw --output=s3://bench/nightly --incremental "$@"; }
nf=$(nightly --run-id=n1)
"$py" - <<'PYEOF'
import os, boto3
s3 = boto3.client("s3", endpoint_url=os.environ["AWS_ENDPOINT_URL"])
keys = sorted(o["Key"] for p in s3.get_paginator("list_objects_v2").paginate(Bucket="bench", Prefix="raw/")
              for o in p.get("Contents", []) if o["Key"].lower().endswith((".jpg", ".jpeg", ".png")))
for i, k in enumerate(keys[:100]):
    s3.copy_object(Bucket="bench", Key="raw/zz-nightly/%03d-%s" % (i, os.path.basename(k)),
                   CopySource={"Bucket": "bench", "Key": k})
for k in keys[-20:]:
    s3.delete_object(Bucket="bench", Key=k)
PYEOF
nc=$(nightly --run-id=n2)
changes=$(grep -o "kiln: incremental: new [^)]*rejected [0-9]*" "$work/last.log" || true)
nn=$(nightly --run-id=n3)
unchanged=$(grep -c "nothing changed since" "$work/last.log" || true)
echo "nightly into s3://bench/nightly: first (full) $nf s; +100/-20 $nc s ($changes); nothing changed $nn s (nothing written: $([ "$unchanged" = 1 ] && echo yes || echo no))"

echo "--- bench-read, $threads threads, $read_samples samples"
"$repo/kiln" bench-read "s3://bench/ds-$rounds" --threads "$threads" --samples "$read_samples" | grep -E "kiln|samples/s"
"$repo/kiln" bench-read "$work/local" --threads "$threads" --samples "$read_samples" | grep -E "kiln|samples/s"
