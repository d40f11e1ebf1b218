// `npm run migrate`: applies the committed migrations to DATABASE_URL. Production runs it before api and worker
// (the `migrate` service in docker-compose.yml); `npm start` migrates by itself.
import 'reflect-metadata';
import { loadConfigOrExit } from '../config/load-config-or-exit.js';

// Configuration first, before the ORM loads: a bad environment fails at once with one message naming every variable.
const config = loadConfigOrExit();
const { createOrm, migrate } = await import('../db/orm.js');

const orm = await createOrm(config.databaseUrl);
try {
  const applied = await migrate(orm);
  console.log(applied.length ? `applied ${applied.length} migration(s): ${applied.join(', ')}` : 'database is up to date');
} finally {
  await orm.close(true);
}
