import { loadConfig, type Config } from '../../src/config/config.js';

/** A valid configuration for tests: a real database URL and the dev server global set-up started. */
export function testConfig(databaseUrl: string, overrides: Record<string, string> = {}): Config {
  return loadConfig({
    DATABASE_URL: databaseUrl,
    TEMPORAL_ADDRESS: process.env.TEMPORAL_ADDRESS,
    TEMPORAL_TASK_QUEUE: `test-${process.pid}-${Math.random().toString(36).slice(2, 8)}`,
    ORCHESTRA_TOKEN_SECRET: 'test-secret-test-secret-test-secret-0123',
    ORCHESTRA_SSH_KEY: '/nonexistent/test-key',
    PORT: '0',
    HOST: '127.0.0.1',
    ...overrides,
  });
}
