#!/bin/sh
# `npm test`: Biome, then jest beside the single-threaded phases (tsc, then cdk synth with cdk-nag and
# the templates' budget and cfn-lint). jest keeps both cores busy for most of its run; run one after the
# other, tsc and the synth left a core idle for a minute. Prints each phase's time; fails if any fails.
set -u
cd "$(dirname "$0")/.."
now() { date +%s; }
start=$(now)
side_log=$(mktemp)
tools_log=$(mktemp)
trap 'rm -f "$side_log" "$tools_log"' EXIT

# Debian's Chromium and AWS CLI for the browser and AWS CLI tests, installed now when missing (mostly
# download time, beside the CPU-bound work) rather than inside a test worker; the tests ask again and
# wait for this (scripts/ensure-*.sh take one lock). A failure here is reported by those tests.
( sh scripts/ensure-chromium.sh; sh scripts/ensure-awscli.sh >/dev/null ) >"$tools_log" 2>&1 &

t=$(now)
npm run --silent lint || { echo "npm test: lint failed"; exit 1; }
lint_s=$(( $(now) - t ))

# The side phases write to a file (shown after jest, so the two outputs do not interleave).
(
  t=$(now)
  npm run --silent typecheck || { echo "typecheck: FAILED ($(( $(now) - t )) s)"; exit 1; }
  echo "typecheck: ok ($(( $(now) - t )) s)"
  t=$(now)
  npm run --silent synth || { echo "synth and templates: FAILED ($(( $(now) - t )) s)"; exit 1; }
  echo "synth and templates: ok ($(( $(now) - t )) s)"
) >"$side_log" 2>&1 &
side=$!

t=$(now)
npx jest "$@"
jest_rc=$?
jest_s=$(( $(now) - t ))

wait "$side"
side_rc=$?
echo
echo "---- typecheck, then synth and templates (ran beside jest) ----"
cat "$side_log"
if [ -s "$tools_log" ]; then echo "---- test tools (installed beside lint and jest) ----"; cat "$tools_log"; fi
echo "---- npm test phases ----"
echo "lint $lint_s s; jest $jest_s s (exit $jest_rc); typecheck + synth + templates beside it (exit $side_rc); total $(( $(now) - start )) s"
[ "$jest_rc" -eq 0 ] && [ "$side_rc" -eq 0 ]
