#!/usr/bin/env bash
# Installs the optional native library Kiln uses for speed: libjpeg-turbo's TurboJPEG API
# (Debian package libturbojpeg0), through which plain JPEGs are decoded without ImageIO's
# per-row overhead. Kiln's output is the same without it, only slower, so this never fails:
# it installs with apt-get when it can (root, or passwordless sudo) and otherwise says how.
# Called by ./kiln when it builds, and by .ci/run.
set -uo pipefail

have_lib() {
  local f
  for f in /usr/lib/*/libturbojpeg.so* /usr/lib/libturbojpeg.so* /lib/*/libturbojpeg.so* /usr/lib64/libturbojpeg.so*; do
    [ -e "$f" ] && return 0
  done
  return 1
}
have_lib && exit 0
command -v apt-get >/dev/null 2>&1 || {
  echo "kiln: libturbojpeg not found; JPEGs decode through ImageIO (slower). Install libjpeg-turbo's TurboJPEG library for speed." >&2
  exit 0
}
sudo_cmd=()
if [ "$(id -u)" -ne 0 ]; then
  if sudo -n true 2>/dev/null; then sudo_cmd=(sudo -n); else
    echo "kiln: libturbojpeg not found; JPEGs decode through ImageIO (slower). For speed: sudo apt-get install libturbojpeg0" >&2
    exit 0
  fi
fi
echo "kiln: installing libturbojpeg0 (faster JPEG decoding) ..." >&2
if ! DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq libturbojpeg0 >/dev/null 2>&1; then
  "${sudo_cmd[@]}" apt-get update -qq >/dev/null 2>&1
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq libturbojpeg0 >/dev/null 2>&1 ||
    echo "kiln: could not install libturbojpeg0; JPEGs decode through ImageIO (slower)" >&2
fi
exit 0
