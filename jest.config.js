// ESM mode: MikroORM 7 is ESM-only (see ../shared/reference/stack-spike.md, gotcha 9).
export default {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  transform: { '^.+\\.ts$': ['@swc/jest'] },
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  testMatch: ['<rootDir>/tests/**/*.test.ts'],
  // Built tools and their caches (scripts/temporal-server.sh: a Go module cache with its own test snapshots).
  modulePathIgnorePatterns: ['<rootDir>/.cache/'],
  setupFiles: ['<rootDir>/tests/setup/reflect.ts', '<rootDir>/tests/setup/test-logger.ts'],
  globalSetup: '<rootDir>/tests/setup/global-setup.js',
  globalTeardown: '<rootDir>/tests/setup/global-teardown.js',
  testTimeout: 60000,
  maxWorkers: 2,
};
