#!/bin/sh
# The AWS CLI for the `byoip serve` test (test/sim/aws-cli.test.ts): uses an `aws` already on PATH,
# otherwise installs Debian's awscli package (needs root and the network). Prints the path, or why not.
if command -v aws >/dev/null 2>&1; then command -v aws; exit 0; fi
if [ "$(id -u)" != "0" ] || ! command -v apt-get >/dev/null 2>&1; then
  echo "cannot install the AWS CLI: not root, or no apt-get (install Debian's awscli package)" >&2; exit 1
fi
export DEBIAN_FRONTEND=noninteractive
# One apt-get at a time (npm test starts this and ensure-chromium.sh early; the test may ask again meanwhile).
exec 9>/tmp/byoip-apt.lock
flock 9
if command -v aws >/dev/null 2>&1; then command -v aws; exit 0; fi
apt_get() { apt-get -o DPkg::Lock::Timeout=300 "$@"; }
(apt_get install -y -qq awscli >/dev/null 2>&1 || { apt_get update -qq >/dev/null 2>&1 && apt_get install -y -qq awscli >/dev/null 2>&1; }) \
  || { echo "apt-get install awscli failed (offline?)" >&2; exit 1; }
command -v aws
