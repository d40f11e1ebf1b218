// ESM mode: MikroORM 7 is ESM-only (see ../shared/reference/stack-spike.md, gotcha 9).
export default {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  transform: { '^.+\\.ts$': ['@swc/jest'] },
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  testMatch: ['<rootDir>/tests/**/*.test.ts'],
  setupFiles: ['<rootDir>/tests/setup/reflect.ts', '<rootDir>/tests/setup/test-logger.ts'],
  globalSetup: '<rootDir>/tests/setup/global-setup.js',
  globalTeardown: '<rootDir>/tests/setup/global-teardown.js',
  testTimeout: 60000,
  maxWorkers: 2,
};
