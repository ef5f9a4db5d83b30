#!/bin/sh
# Builds libkilnresample.so (kiln_resample.c, the resampler's passes in C) into OUT_DIR; called by
# Maven while it builds the transforms module. The library is optional: Kiln's output is the same
# without it, only its first images are slower, so a machine without a C compiler or the JDK's
# JNI headers gets a note and a successful build.
# Usage: build.sh OUT_DIR JAVA_HOME
set -u
out_dir="$1"
java_home="$2"
src="$(cd "$(dirname "$0")" && pwd)/kiln_resample.c"
cc="${CC:-}"
if [ -z "$cc" ]; then
  for candidate in cc gcc clang; do
    if command -v "$candidate" >/dev/null 2>&1; then cc="$candidate"; break; fi
  done
fi
# A library left from an earlier build would not match this source: it goes unless rebuilt.
rm -f "$out_dir/libkilnresample.so"
if [ -z "$cc" ]; then
  echo "kiln: no C compiler; the resampler runs in Java only (same output)" >&2
  exit 0
fi
include="$java_home/include"
[ -f "$include/jni.h" ] || include="$java_home/../include"
if [ ! -f "$include/jni.h" ]; then
  echo "kiln: no JNI headers under $java_home; the resampler runs in Java only (same output)" >&2
  exit 0
fi
mkdir -p "$out_dir"
tmp="$out_dir/.libkilnresample.so.$$"
# -fno-strict-aliasing and -fwrapv: the C reads bytes and sums ints exactly as Java does.
if "$cc" -O3 -fPIC -shared -fwrapv -fno-strict-aliasing -Wall -Wextra -o "$tmp" \
    -I"$include" -I"$include/linux" "$src"; then
  mv -f "$tmp" "$out_dir/libkilnresample.so"
else
  rm -f "$tmp"
  echo "kiln: compiling $src failed; the resampler runs in Java only (same output)" >&2
fi
exit 0
