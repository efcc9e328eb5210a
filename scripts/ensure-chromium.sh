#!/bin/sh
# The approval page's browser test drives Debian's Chromium, headless. Installs it when it is missing
# (CI runs `npm test` as root); anywhere else it says how to install it.
set -e
BIN=${CHROMIUM_PATH:-/usr/bin/chromium}
[ -x "$BIN" ] && exit 0
if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1; then
  echo "Chromium is missing at $BIN. Install it (Debian/Ubuntu: sudo apt-get install -y chromium) or set CHROMIUM_PATH." >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
# One apt-get at a time (npm test starts this and ensure-awscli.sh early; a test may ask again meanwhile).
exec 9>/tmp/byoip-apt.lock
flock 9
[ -x "$BIN" ] && exit 0
echo "installing chromium with apt-get (once) ..." >&2
apt_get() { apt-get -o DPkg::Lock::Timeout=300 "$@"; }
apt_get install -y -q chromium >/dev/null 2>&1 || { apt_get update -q >/dev/null && apt_get install -y -q chromium >/dev/null; }
[ -x "$BIN" ] || { echo "apt-get installed chromium, but $BIN is not there" >&2; exit 1; }
