// Diffs the entities against a scratch embedded PostgreSQL (with all committed migrations applied)
// and writes a new migration file. Usage: npm run migration:create
// (`-- --blank`: an empty one, for SQL written by hand: functions, data)
import 'reflect-metadata';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEmbeddedPostgres } from '../src/embedded/embedded-postgres.js';
import { createOrm } from '../src/db/orm.js';
import { freePort } from '../src/embedded/free-port.js';

const dir = mkdtempSync(join(tmpdir(), 'orchestra-mig-'));
const pgh = await startEmbeddedPostgres({ dataDir: join(dir, 'data'), port: await freePort(), database: 'orchestra', persistent: false });
try {
  const orm = await createOrm(pgh.url);
  await orm.migrator.up();
  const result = await orm.migrator.create(undefined, process.argv.includes('--blank'), process.argv.includes('--initial'));
  console.log(result.fileName ? `created ${result.fileName}` : 'no schema changes');
  await orm.close();
} finally {
  await pgh.stop();
  rmSync(dir, { recursive: true, force: true });
}
