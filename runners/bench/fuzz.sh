#!/usr/bin/env bash
# Fuzzes Kiln's parsers with Jazzer, each target for MINUTES (default 5), one after another.
#
#   runners/bench/fuzz.sh [MINUTES] [TARGET ...]
#
# TARGET is module:Class#method (default: every target below). Each run is
#   JAZZER_FUZZ=1 JAZZER_MAX_DURATION=<MINUTES>m mvn -pl <module> -am test -Dtest=<Class>#<method>
# Inputs that grow coverage are kept in <module>/.cifuzz-corpus/<class>/<method>/ (not committed);
# a finding is written into the target's seed directory under src/test/resources (crash-<sha1>),
# where `mvn test` replays it from then on: rename it after what it exercises and commit it with
# the fix. Prints one line per target: ok or FINDING, and the size of its corpus.
set -uo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
minutes="${1:-5}"
shift || true
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  targets=(
    formats:dev.kiln.formats.kiln.KilnReadersFuzzTest#shard
    formats:dev.kiln.formats.kiln.KilnReadersFuzzTest#index
    formats:dev.kiln.formats.kiln.KilnReadersFuzzTest#dataset
    formats:dev.kiln.formats.kiln.KilnReadersFuzzTest#sampleRecord
    formats:dev.kiln.formats.annotations.AnnotationReadersFuzzTest#coco
    formats:dev.kiln.formats.annotations.AnnotationReadersFuzzTest#voc
    transforms:dev.kiln.transforms.image.ImageParsersFuzzTest#headerParsers
    transforms:dev.kiln.transforms.image.ImageParsersFuzzTest#prepare
    runners:dev.kiln.runners.ConfigFileFuzzTest#config
  )
fi
cd "$repo"
status=0
for t in "${targets[@]}"; do
  module="${t%%:*}"
  test="${t#*:}"
  class="${test%%#*}"
  method="${test#*#}"
  log="$(mktemp /tmp/kiln-fuzz-XXXXXX.log)"
  # -am builds the modules it needs from this checkout (not from ~/.m2).
  if JAZZER_FUZZ=1 JAZZER_MAX_DURATION="${minutes}m" mvn -B -o -pl "$module" -am test \
      -Dtest="${class##*.}#$method" -Dsurefire.failIfNoSpecifiedTests=false >"$log" 2>&1; then
    result=ok
  else
    result="FINDING (see $log)"
    status=1
  fi
  corpus="$module/.cifuzz-corpus/$class/$method"
  entries=$(find "$corpus" -type f 2>/dev/null | wc -l)
  printf '%-70s %s, corpus %s inputs\n' "$t" "$result" "$entries"
  [ "$result" = ok ] && rm -f "$log"
done
exit $status
