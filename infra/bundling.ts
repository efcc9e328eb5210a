/**
 * How every task is bundled: one esbuild run builds all task bundles (once per process), and each task's
 * Lambda asset is its own file from that run. The same run serves scripts/bundle-sizes.ts, so the sizes
 * printed are the sizes deployed. The pinned SDK clients go inside the bundle (not the runtime's copy:
 * new APIs such as IpamCidrConfigs must be there), minified, CommonJS for Node 22+.
 */
import { copyFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AssetHashType, DockerImage } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { buildSync } from 'esbuild';
import { taskCatalog, type TaskName } from '../tasks/catalog';
import { sharedBuild } from './build-cache';

export const ESBUILD_TARGET = 'node22';
const ROOT = join(__dirname, '..');

/** Package substitutions for the Lambda environment (see lambda-credentials.ts). */
export const BUNDLE_ALIASES: Record<string, string> = {
  '@aws-sdk/credential-provider-node': join(__dirname, 'lambda-credentials.ts'),
};

/** esbuild's settings for the task bundles. */
export const esbuildOptions = {
  bundle: true,
  platform: 'node' as const,
  target: ESBUILD_TARGET,
  format: 'cjs' as const,
  minify: true,
  sourcemap: false,
  mainFields: ['module', 'main'],
  alias: BUNDLE_ALIASES,
  logLevel: 'silent' as const,
};

/** Largest bundle we accept for one task (issue #7): small cold starts, small deployments. */
export const MAX_BUNDLE_BYTES = 1024 * 1024;

let bundles: string | undefined;

/**
 * Every task bundled in one esbuild run (about 100 times faster than one esbuild process per function),
 * as <dir>/<Task>/index.js. Built once per process, and reused across processes only when every input
 * esbuild read last time (its metafile: our sources and each node_modules file) has the same content.
 */
export function taskBundlesDir(): string {
  if (bundles) return bundles;
  const entryPoints = Object.fromEntries(Object.entries(taskCatalog).map(([task, entry]) => [`${task}/index`, join(ROOT, entry)]));
  const settings = JSON.stringify({ esbuildOptions, entryPoints, esbuild: require('esbuild/package.json').version });
  bundles = sharedBuild('task-bundles', settings, () => {
    const dir = mkdtempSync(join(tmpdir(), 'byoip-task-bundles-'));
    const result = buildSync({ ...esbuildOptions, entryPoints, outdir: dir, absWorkingDir: ROOT, metafile: true });
    return { inputs: Object.keys(result.metafile.inputs).sort(), output: dir };
  });
  return bundles;
}

/**
 * A task's Lambda code: its bundle from the shared run, hashed by content. When a synth skips bundling
 * (the template tests), CDK never asks for it and nothing is built.
 */
export function taskCode(task: TaskName): lambda.Code {
  return lambda.Code.fromAsset(join(__dirname, 'task-asset'), {
    assetHashType: AssetHashType.OUTPUT,
    bundling: {
      // Never used: local bundling always succeeds (esbuild is a dependency).
      image: DockerImage.fromRegistry('public.ecr.aws/docker/library/node:22-slim'),
      // Part of CDK's staging cache key (the bundling options as JSON): without it every task would get the first one's bundle.
      environment: { BYOIP_TASK: task },
      local: {
        tryBundle(outputDir: string): boolean {
          copyFileSync(join(taskBundlesDir(), task, 'index.js'), join(outputDir, 'index.js'));
          return true;
        },
      },
    },
  });
}
