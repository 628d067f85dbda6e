#!/bin/sh
# Install the system libraries Qt (PySide6) needs on Debian/Ubuntu, only where missing.
#   sh packaging/debian-deps.sh          libraries for a real window (xcb) and offscreen tests
# Other systems: install your distribution's equivalents, or skip this on macOS/Windows.
set -e
command -v apt-get >/dev/null 2>&1 || { echo "debian-deps: no apt-get here, skipping" >&2; exit 0; }
command -v ldconfig >/dev/null 2>&1 || PATH="$PATH:/sbin:/usr/sbin"
missing=""
# library file  Debian package
for pair in libGL.so.1:libgl1 libEGL.so.1:libegl1 libX11.so.6:libx11-6 libdbus-1.so.3:libdbus-1-3 \
            libfontconfig.so.1:libfontconfig1 libglib-2.0.so.0:libglib2.0-0 \
            libxkbcommon.so.0:libxkbcommon0 libxkbcommon-x11.so.0:libxkbcommon-x11-0 \
            libxcb-cursor.so.0:libxcb-cursor0 libxcb-icccm.so.4:libxcb-icccm4 \
            libxcb-image.so.0:libxcb-image0 libxcb-keysyms.so.1:libxcb-keysyms1 \
            libxcb-render-util.so.0:libxcb-render-util0 libxcb-shape.so.0:libxcb-shape0 \
            libxcb-xkb.so.1:libxcb-xkb1; do
  lib=${pair%%:*} pkg=${pair#*:}
  ldconfig -p | grep -q "$lib" || missing="$missing $pkg"
done
fc-list >/dev/null 2>&1 && [ -n "$(fc-list 2>/dev/null | head -n 1)" ] || missing="$missing fonts-dejavu-core"
[ -z "$missing" ] && exit 0
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
echo "debian-deps: installing$missing" >&2
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends $missing >/dev/null
