/** Transpile-only ts-jest (types are checked by `npm run typecheck`); @middy/core is ESM-only, so let ts-jest down-level it. */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.[tj]sx?$': ['ts-jest', { tsconfig: 'tsconfig.test.json' }] },
  transformIgnorePatterns: ['/node_modules/(?!@middy/)'],
  setupFiles: ['<rootDir>/test/support/setup-env.ts'],
  testTimeout: 60000,
};
