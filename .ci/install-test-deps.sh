#!/usr/bin/env bash
# Installs the Debian packages Kiln's tests use, and fails (naming them) when it cannot.
#   libturbojpeg0, gcc      the native JPEG and resampler paths, whose tests prove they change no pixel
#   fio                     bench-read's reference reader
#   python3 + python3-*     the Python reader's tests under Debian's interpreter (/usr/bin/python3):
#                           torch and torchvision for the loaders and ImageFolder's class ids,
#                           numpy and PIL for decoded samples, boto3 for s3:// datasets
#   chromium                the HTML report, loaded in a real browser
set -euo pipefail
packages=(libturbojpeg0 gcc fio python3 python3-numpy python3-pil python3-torch python3-torchvision
  python3-boto3 chromium)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
sudo_cmd=()
[ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo -n)
echo "installing test dependencies: ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
if ! "${sudo_cmd[@]}" apt-get install -y -qq "${missing[@]}" >/dev/null; then
  "${sudo_cmd[@]}" apt-get update -qq
  "${sudo_cmd[@]}" apt-get install -y -qq "${missing[@]}" || {
    echo "could not install the test dependencies: ${missing[*]}" >&2
    exit 1
  }
fi
