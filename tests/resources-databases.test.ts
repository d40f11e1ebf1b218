/**
 * Database sizes on real MariaDB and PostgreSQL servers (sandboxed, tests/support/database-servers.ts): a table filled
 * with known data raises the measured size; over its allocation the database's users cannot INSERT (the limit action
 * through the configuration engine), and after recovery they can again.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { Operation } from '../src/entities/orchestration/operation.js';
import { RunState } from '../src/entities/orchestration/run-state.js';
import { idOf } from '../src/schema/relay/global-id.js';
import type { MonitoringOutcome } from '../src/workflows/contracts/resources.js';
import {
  CreateDatabaseDocument, CreateDatabaseUserDocument, CreateResourceDocument, DatabaseResourcesDocument, MonitorNowDocument, SetResourceAllocationDocument,
  type DatabaseType,
} from './generated/graphql.js';
import { DATABASE_HOST_DIRS, startMariadb, startPostgresql, type DatabaseServer } from './support/database-servers.js';
import { accountWithUser } from './support/fixtures.js';
import { startOrchestraHarness, type OrchestraHarness } from './support/orchestra-harness.js';

let h: OrchestraHarness;
const servers: Partial<Record<DatabaseType, DatabaseServer>> = {};
let accountId: string;

beforeAll(async () => {
  h = await startOrchestraHarness(['db1'], { sandbox: { emptyDirs: DATABASE_HOST_DIRS } });
  servers.POSTGRESQL = await startPostgresql(h.hosts.db1.sandbox);
  servers.MARIADB = await startMariadb(h.hosts.db1.sandbox);
  await h.addServer('db1', ['postgresql-users', 'postgresql-databases', 'mariadb-users', 'mariadb-databases']);
  await h.startWorker();
  accountId = (await accountWithUser(h.admin, 'dana')).account.id;
}, 360_000);

afterAll(async () => {
  await h?.stopWorker();
  await servers.POSTGRESQL?.stop();
  await servers.MARIADB?.stop();
  await h?.close();
});

async function applied(): Promise<void> {
  const ops = await h.settle({}, await h.orm.em.fork().count(Operation), 120_000);
  const failed = ops.filter((o) => o.state !== RunState.SUCCESS && o.state !== RunState.NOTHING);
  if (failed.length) throw new Error(failed.map((o) => `${o.backend}/${o.action} ${o.objectLabel}: ${o.state}\n${o.run.getEntity().stderr}`).join('\n'));
}

async function monitorNow(resourceId: string, objectIds: string[]): Promise<MonitoringOutcome> {
  const r = await h.admin.data(MonitorNowDocument, { resourceId, objectIds });
  expect(r.monitorNow.userErrors).toEqual([]);
  return (await h.temporal.workflow.getHandle(r.monitorNow.run!.workflowId!).result()) as MonitoringOutcome;
}

describe.each(['POSTGRESQL', 'MARIADB'] as const)('%s', (type) => {
  const p = type === 'POSTGRESQL' ? 'pg' : 'my';
  const engine = type === 'POSTGRESQL' ? 'postgresql' : 'mariadb';
  const server = () => servers[type]!;
  const denied = type === 'POSTGRESQL' ? /permission denied/ : /INSERT command denied/;

  test('known data raises the measured size; over the allocation INSERT fails, after recovery it works again', async () => {
    const user = await h.admin.data(CreateDatabaseUserDocument, { input: { accountId, type, username: `dana_${p}`, password: 'dana password 1' } });
    expect(user.createDatabaseUser.userErrors).toEqual([]);
    const db = await h.admin.data(CreateDatabaseDocument, { input: { accountId, type, name: `dana_${p}db`, userIds: [user.createDatabaseUser.databaseUser!.id] } });
    expect(db.createDatabase.userErrors).toEqual([]);
    const database = db.createDatabase.database!;
    await applied();
    const login = (sql: string) => server().login(`dana_${p}`, 'dana password 1', `dana_${p}db`, sql);
    await login('CREATE TABLE notes (id INT PRIMARY KEY, body TEXT);');

    const created = await h.admin.data(CreateResourceDocument, {
      input: { name: `size-${p}`, model: 'Database', aggregation: 'LAST', unit: 'B', monitors: [`${engine}-size`], limitActions: true, defaultAllocation: 1e12 },
    });
    expect(created.createResource.userErrors).toEqual([]);
    const resource = created.createResource.resource!;
    const used = async () => (await h.admin.data(DatabaseResourcesDocument, { id: database.id })).database.resources.find((r) => r.name === `size-${p}`)!.used!;

    await monitorNow(resource.id, [database.id]);
    const before = await used();
    expect(before).toBeGreaterThan(0);
    // 4 MB of text in 2,000 rows (PostgreSQL's incompressible: TOAST would compress a repeated one).
    await login(
      type === 'POSTGRESQL'
        ? "INSERT INTO notes SELECT n, string_agg(md5(n::text || '-' || k::text), '') FROM generate_series(1, 2000) n, generate_series(1, 64) k GROUP BY n;"
        : 'INSERT INTO notes SELECT seq, REPEAT(MD5(seq), 64) FROM seq_1_to_2000;',
    );
    await monitorNow(resource.id, [database.id]);
    const after = await used();
    expect(after - before).toBeGreaterThan(2_000 * 64 * 32 * 0.9);

    // Over: allocated below what is used.
    await h.admin.data(SetResourceAllocationDocument, { input: { resourceId: resource.id, objectId: database.id, allocated: Math.floor(after / 2) } });
    expect((await monitorNow(resource.id, [database.id])).exceeded).toBe(1);
    await applied();
    await expect(login("INSERT INTO notes VALUES (100001, 'more');")).rejects.toThrow(denied);
    expect(await login('SELECT COUNT(*) FROM notes;')).toMatch(/^2000\s*$/);

    // Back within it: writes work again.
    await h.admin.data(SetResourceAllocationDocument, { input: { resourceId: resource.id, objectId: database.id, allocated: after * 10 } });
    expect((await monitorNow(resource.id, [database.id])).recovered).toBe(1);
    await applied();
    await login("INSERT INTO notes VALUES (100001, 'more');");
    await login('CREATE TABLE more_notes (id INT);');
    expect(idOf('Database', database.id)).toMatch(/^[0-9]+$/);
  });
});
