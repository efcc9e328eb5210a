#!/usr/bin/env node
// The `byoip` command. Runs the TypeScript sources directly through tsx, so a fresh clone needs no build step.
'use strict';
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
if (!process.argv.includes('--verbose')) process.env.POWERTOOLS_LOG_LEVEL ??= 'ERROR';
require('tsx/cjs/api').register();
require('../cli/main.ts')
  .main(process.argv)
  .then((code) => {
    process.exitCode = code;
  })
  .catch((err) => {
    console.error(`byoip: ${err?.message ? err.message : err}`);
    process.exitCode = 2;
  });
