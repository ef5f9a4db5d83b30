#!/usr/bin/env bash
# Installs what Kiln's optional native code needs: libjpeg-turbo's TurboJPEG API (Debian package
# libturbojpeg0), through which plain JPEGs are decoded without ImageIO's per-row overhead, and a
# C compiler (Debian package gcc), with which the build makes libkilnresample.so, the resampler's
# passes in C (transforms/src/main/c). Kiln's output is the same without either, only slower, so
# this never fails: it installs with apt-get when it can (root, or passwordless sudo) and
# otherwise says how. Called by ./kiln before it builds, and by .ci/run before the tests.
set -uo pipefail

have_compiler() {
  command -v cc >/dev/null 2>&1 || command -v gcc >/dev/null 2>&1
}

have_lib() {
  local f
  for f in /usr/lib/*/libturbojpeg.so* /usr/lib/libturbojpeg.so* /lib/*/libturbojpeg.so* /usr/lib64/libturbojpeg.so*; do
    [ -e "$f" ] && return 0
  done
  return 1
}
missing=()
have_lib || missing+=(libturbojpeg0)
have_compiler || missing+=(gcc)
[ ${#missing[@]} -eq 0 ] && exit 0
why="libturbojpeg0: faster JPEG decoding; gcc: the resampler in C, for short runs"
command -v apt-get >/dev/null 2>&1 || {
  echo "kiln: not installed: ${missing[*]} ($why); Kiln works without them, only slower" >&2
  exit 0
}
sudo_cmd=()
if [ "$(id -u)" -ne 0 ]; then
  if sudo -n true 2>/dev/null; then sudo_cmd=(sudo -n); else
    echo "kiln: not installed: ${missing[*]} ($why). For speed: sudo apt-get install ${missing[*]}" >&2
    exit 0
  fi
fi
echo "kiln: installing ${missing[*]} ($why) ..." >&2
if ! DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq "${missing[@]}" >/dev/null 2>&1; then
  "${sudo_cmd[@]}" apt-get update -qq >/dev/null 2>&1
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq "${missing[@]}" >/dev/null 2>&1 ||
    echo "kiln: could not install ${missing[*]}; Kiln works without them, only slower" >&2
fi
exit 0
