#!/bin/sh
# The AWS CLI for the `byoip serve` test (test/sim/aws-cli.test.ts): uses an `aws` already on PATH,
# otherwise installs Debian's awscli package (needs root and the network). Prints the path, or why not.
if command -v aws >/dev/null 2>&1; then command -v aws; exit 0; fi
if [ "$(id -u)" != "0" ] || ! command -v apt-get >/dev/null 2>&1; then
  echo "cannot install the AWS CLI: not root, or no apt-get (install Debian's awscli package)" >&2; exit 1
fi
export DEBIAN_FRONTEND=noninteractive
(apt-get install -y -qq awscli >/dev/null 2>&1 || { apt-get update -qq >/dev/null 2>&1 && apt-get install -y -qq awscli >/dev/null 2>&1; }) \
  || { echo "apt-get install awscli failed (offline?)" >&2; exit 1; }
command -v aws
