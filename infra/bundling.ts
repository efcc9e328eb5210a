/**
 * How every task is bundled, shared by the CDK functions and scripts/bundle-sizes.ts so the sizes
 * printed are the sizes deployed. The pinned SDK clients go inside the bundle (not the runtime's
 * copy: new APIs such as IpamCidrConfigs must be there), minified, CommonJS for Node 22+.
 */
import { join } from 'node:path';
import { OutputFormat, type BundlingOptions } from 'aws-cdk-lib/aws-lambda-nodejs';

export const ESBUILD_TARGET = 'node22';

/** Package substitutions for the Lambda environment (see lambda-credentials.ts). */
export const BUNDLE_ALIASES: Record<string, string> = {
  '@aws-sdk/credential-provider-node': join(__dirname, 'lambda-credentials.ts'),
};

export const taskBundling: BundlingOptions = {
  minify: true,
  sourceMap: false,
  target: ESBUILD_TARGET,
  format: OutputFormat.CJS,
  externalModules: [],
  mainFields: ['module', 'main'],
  forceDockerBundling: false,
  esbuildArgs: Object.fromEntries(Object.entries(BUNDLE_ALIASES).map(([pkg, path]) => [`--alias:${pkg}`, path])),
};

/** The same settings for esbuild's JS API. */
export const esbuildOptions = {
  bundle: true,
  platform: 'node' as const,
  target: ESBUILD_TARGET,
  format: 'cjs' as const,
  minify: true,
  mainFields: ['module', 'main'],
  alias: BUNDLE_ALIASES,
  logLevel: 'silent' as const,
};

/** Largest bundle we accept for one task (issue #7): small cold starts, small deployments. */
export const MAX_BUNDLE_BYTES = 1024 * 1024;
