/** TypeScript to CommonJS by esbuild (test/support/esbuild-transform.cjs; types are checked by `npm run typecheck`); @middy/core is ESM-only, so it is transformed too. */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.[tj]sx?$': '<rootDir>/test/support/esbuild-transform.cjs' },
  transformIgnorePatterns: ['/node_modules/(?!@middy/)'],
  setupFiles: ['<rootDir>/test/support/setup-env.ts'],
  testTimeout: 60000,
  // Jest's default is one worker less than the cores: on CI's 2 cores that is a single worker (everything in
  // band). The test files are CPU-bound simulations; two workers use both cores (the parent mostly waits).
  maxWorkers: 2,
  testSequencer: '<rootDir>/test/support/sequencer.cjs',
};
