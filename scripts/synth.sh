#!/bin/sh
# `cdk synth` of infra/ (offline, no credentials), then each template's figures against the budget and
# cfn-lint (scripts/check-templates.ts). Fails on any CDK warning or error: esbuild's four lines per
# bundled task are dropped, everything else CDK prints on stderr is shown, and a warning fails the run.
# Accepted, with the reason: cdk-nag's EventBridge rule reads CfnEventBusPolicy#principal, which
# aws-cdk-lib reports as deprecated (jsii's runtime notice, two lines; nothing of ours is deprecated);
# the CLI's three informational lines (where it wrote, how to show a template, unset feature flags).
set -u
log=$(mktemp)
start=$(date +%s)
CDK_DISABLE_CLI_TELEMETRY=true npx cdk synth --quiet --no-notices >/dev/null 2>"$log"
status=$?
bundles=$(grep -c 'Bundling asset' "$log")
rest=$(grep -v -E '^Bundling asset |^[[:space:]]*$|^[[:space:]]+[^[:space:]]+\.(js|cjs|mjs)[[:space:]]+[0-9.]+[kmg]?b|Done in [0-9.]+m?s' "$log" \
  | grep -v -E '^Successfully synthesized to |^Supply a stack id |^[0-9]+ feature flags are not configured' \
  | grep -v -E '^\[WARNING\] aws-cdk-lib\.aws_events\.CfnEventBusPolicy#principal is deprecated|^[[:space:]]*this property has been deprecated' || true)
rm -f "$log"
if [ -n "$rest" ]; then printf '%s\n' "$rest"; fi
if [ "$status" -ne 0 ]; then echo "cdk synth: failed"; exit 1; fi
if printf '%s' "$rest" | grep -q -i 'warning'; then echo "cdk synth: warnings (above) fail the synth"; exit 1; fi
echo "cdk synth: ok ($bundles task bundles, $(( $(date +%s) - start )) s)"
npx tsx scripts/check-templates.ts cdk.out
