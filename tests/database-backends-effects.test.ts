/**
 * The database backends' scripts on a host running PostgreSQL 15 and MariaDB, without the engine around them: every
 * golden case runs, twice, and the second run leaves the servers as the first did; the guards hold (a superuser of a
 * managed name is never touched, a role that owns a database is not dropped); a disabled user's sessions end.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { getBackend } from '../src/orchestration/backends/registry.js';
import { postgresqlUsersBackend } from '../src/orchestration/backends/postgresql-users/postgresql-users.backend.js';
import { mariadbUsersBackend } from '../src/orchestration/backends/mariadb-users/mariadb-users.backend.js';
import type { OperationInput } from '../src/orchestration/types.js';
import { DATABASE_GOLDEN, dbUser } from './support/database-golden-cases.js';
import { DATABASE_HOST_DIRS, startMariadb, startPostgresql, type DatabaseServer } from './support/database-servers.js';
import { HostSandbox } from './support/host-sandbox.js';

let host: HostSandbox;
let pg: DatabaseServer;
let my: DatabaseServer;
beforeAll(async () => {
  host = await HostSandbox.start('db-effects', { emptyDirs: DATABASE_HOST_DIRS });
  pg = await startPostgresql(host);
  my = await startMariadb(host);
}, 240_000);
afterAll(async () => {
  await pg?.stop();
  await my?.stop();
  await host?.stop();
});

/** What the scripts may change on each server: roles and users, databases, their privileges. */
async function state(): Promise<string> {
  const roles = await pg.superuser("SELECT rolname, rolcanlogin, rolpassword FROM pg_authid WHERE rolname LIKE 'alice%' ORDER BY 1;");
  const databases = await pg.superuser("SELECT datname, pg_get_userbyid(datdba), datacl FROM pg_database WHERE datname LIKE 'alice%' ORDER BY 1;");
  const users = await my.superuser("SELECT User, Host, Priv FROM mysql.global_priv WHERE User LIKE 'alice%' ORDER BY 1;");
  const grants = await my.superuser("SELECT * FROM mysql.db WHERE User LIKE 'alice%' ORDER BY Db, User; SHOW DATABASES;");
  return [roles, databases, users, grants].join('\n--\n');
}

async function run(ops: OperationInput[], backend: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return host.bash(getBackend(backend).render(ops));
}

/** Users first (databases need them), then databases; each script twice, the second run changing nothing. */
const ORDER = ['mariadb-users', 'postgresql-users', 'mariadb-databases', 'postgresql-databases'];

describe.each(['save', 'multi', 'hostile', 'delete'])('golden case %s', (name) => {
  test('runs, and runs again without changing anything', async () => {
    // The users the databases of the cases name.
    for (const backend of ['mariadb-users', 'postgresql-users']) {
      const type = backend.startsWith('mariadb') ? 'mariadb' : 'postgresql';
      const b = getBackend(backend);
      const ops = ['alice_app', 'alice_ro', 'alice_cron', 'alice_old'].map((username, i) => ({
        operationId: `setup-${i}`, action: 'save', model: 'DatabaseUser', objectId: String(i), snapshot: b.snapshot(dbUser(type, { username })) as unknown as Record<string, unknown>,
      }));
      expect((await run(ops, backend)).code).toBe(0);
    }
    for (const backend of ORDER) {
      const ops = DATABASE_GOLDEN[backend]![name]!();
      const first = await run(ops, backend);
      expect([backend, first.code, first.stderr]).toEqual([backend, 0, '']);
      const after = await state();
      const second = await run(ops, backend);
      expect([backend, second.code, second.stderr]).toEqual([backend, 0, '']);
      expect(await state()).toBe(after);
    }
  }, 120_000);
});

test('a superuser of a managed name is never touched', async () => {
  await pg.superuser('CREATE ROLE alice_admin SUPERUSER LOGIN;');
  const op = { operationId: 'x', action: 'save', model: 'DatabaseUser', objectId: '1', snapshot: postgresqlUsersBackend.snapshot(dbUser('postgresql', { username: 'alice_admin', account: { username: 'alice', isActive: false } })) as unknown as Record<string, unknown> };
  const result = await host.bash(postgresqlUsersBackend.render([op]));
  expect(result.code).not.toBe(0);
  expect(result.stderr).toContain('role alice_admin is privileged: Orchestra does not manage it');
  expect(await pg.superuser("SELECT rolsuper, rolcanlogin FROM pg_roles WHERE rolname = 'alice_admin';")).toBe('t|t\n');
  const dropped = await host.bash(postgresqlUsersBackend.render([{ ...op, action: 'delete' }]));
  expect(dropped.code).not.toBe(0);
  expect(await pg.superuser("SELECT count(*) FROM pg_roles WHERE rolname = 'alice_admin';")).toBe('1\n');
});

test('a role that owns a database is not dropped: the run fails saying so, nothing changed', async () => {
  await pg.superuser('CREATE ROLE alice_owner LOGIN; CREATE DATABASE alice_owned OWNER alice_owner;');
  await pg.superuser('CREATE TABLE kept (x int);', 'alice_owned');
  const op = { operationId: 'x', action: 'delete', model: 'DatabaseUser', objectId: '1', snapshot: postgresqlUsersBackend.snapshot(dbUser('postgresql', { username: 'alice_owner' })) as unknown as Record<string, unknown> };
  const result = await host.bash(postgresqlUsersBackend.render([op]));
  expect(result.code).not.toBe(0);
  expect(result.stderr).toContain('role alice_owner owns a database');
  expect(await pg.superuser("SELECT count(*) FROM pg_roles WHERE rolname = 'alice_owner';")).toBe('1\n');
  expect(await pg.superuser('SELECT count(*) FROM kept;', 'alice_owned')).toBe('0\n');
});

test("a disabled MariaDB user's open connections are ended", async () => {
  const save = (isActive: boolean) => ({
    operationId: 'x', action: 'save', model: 'DatabaseUser', objectId: '1',
    snapshot: mariadbUsersBackend.snapshot(dbUser('mariadb', { username: 'alice_conn', passwordHash: '*2470C0C06DEE42FD1618BB99005ADCA2EC9D1E19', account: { username: 'alice', isActive } })) as unknown as Record<string, unknown>,
  });
  expect((await host.bash(mariadbUsersBackend.render([save(true)]))).code).toBe(0);
  // A session that stays open (SLEEP), as the user logged in with its password ("password").
  const session = my.login('alice_conn', 'password', 'information_schema', 'SELECT SLEEP(60);').then(() => 'finished', (err: Error) => err.message);
  const deadline = Date.now() + 30_000;
  while (Number(await my.superuser("SELECT count(*) FROM information_schema.processlist WHERE user = 'alice_conn';")) === 0) {
    if (Date.now() > deadline) throw new Error('the session did not start');
    await new Promise((r) => setTimeout(r, 100));
  }
  expect((await host.bash(mariadbUsersBackend.render([save(false)]))).code).toBe(0);
  expect(await session).toMatch(/Lost connection|server has gone away|Connection was killed|Query execution was interrupted/);
});
