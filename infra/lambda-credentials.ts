/**
 * Bundled in place of @aws-sdk/credential-provider-node (esbuild alias, infra/bundling.ts): in Lambda
 * the credentials are in the environment, so the SDK's full default chain (SSO, INI files, IMDS, web
 * identity, ...) is ~90 KB of dead weight per task. Role assumption for cross-account tasks is separate
 * (fromTemporaryCredentials in platform/aws.ts) and still works on top of these credentials.
 */
export { fromEnv as defaultProvider } from '@aws-sdk/credential-provider-env';
