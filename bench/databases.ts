/**
 * 1,000 databases on one server (issue 10): `syncServer` of the database backend, from the mutation to the last
 * operation SUCCESS, against the same databases made by hand on the server in ONE client session (psql / mariadb as
 * the superuser: CREATE DATABASE and the owner's grant, per database), measured in the same run, per engine.
 *
 * Set-up: the tests' services (embedded PostgreSQL, Temporal dev server in memory), the API, the engine's worker,
 * one sandboxed sshd host running PostgreSQL 15 and MariaDB (tests/support/database-servers.ts), routes of the four
 * database backends to it, one account with one database user per engine. The N Database rows are inserted with one
 * SQL statement (not N mutations: what is measured is the server sync), then `syncServer(server, backend)` writes
 * one batch of N operations, one script, which the worker runs over SSH. A second sync then measures the same with
 * every database already there (what a drift repair costs).
 *
 *   node_modules/.bin/node --import ./scripts/register.js bench/databases.ts [--n=1000] [--engines=postgresql,mariadb]
 */
import 'reflect-metadata';
import { cpus, loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { FINAL_STATES, RunState } from '../src/entities/orchestration/run-state.js';
import { Operation } from '../src/entities/orchestration/operation.js';
import { ScriptRun } from '../src/entities/orchestration/script-run.js';
import { mariadbAccount, mariadbGrantDatabase, mariadbIdent } from '../src/orchestration/sql/mariadb-quote.js';
import { pgIdent } from '../src/orchestration/sql/postgresql-quote.js';
import { idOf } from '../src/schema/relay/global-id.js';
import { CreateDatabaseUserDocument, SyncServerDocument } from '../tests/generated/graphql.js';
import { DATABASE_HOST_DIRS, startMariadb, startPostgresql, type DatabaseServer } from '../tests/support/database-servers.js';
import { accountWithUser } from '../tests/support/fixtures.js';
import { startOrchestraHarness } from '../tests/support/orchestra-harness.js';
import startTestServices from '../tests/setup/test-services.js';
import stopTestServices from '../tests/setup/test-services-stop.js';

function flag(name: string): string | undefined {
  const arg = process.argv.slice(2).find((a) => a.startsWith(`--${name}=`));
  return arg?.slice(name.length + 3);
}
const N = Number(flag('n') ?? 1000);
const ENGINES = (flag('engines') ?? 'postgresql,mariadb').split(',') as ('postgresql' | 'mariadb')[];
const load = () => loadavg()[0]!.toFixed(2);
const log = (text: string) => process.stderr.write(`[bench] ${text}\n`);
const seconds = (ms: number) => (ms / 1000).toFixed(1);

await startTestServices();
const h = await startOrchestraHarness(['dbbench'], { sandbox: { emptyDirs: DATABASE_HOST_DIRS } });
const rows: string[][] = [];
try {
  const sandbox = h.hosts.dbbench.sandbox;
  const servers: Record<string, DatabaseServer> = {};
  if (ENGINES.includes('postgresql')) servers.postgresql = await startPostgresql(sandbox);
  if (ENGINES.includes('mariadb')) servers.mariadb = await startMariadb(sandbox);
  const serverId = await h.addServer('dbbench', ENGINES.flatMap((e) => [`${e}-users`, `${e}-databases`]));
  await h.startWorker();
  const { account, client } = await accountWithUser(h.admin, 'bench');
  for (const engine of ENGINES) {
    const created = await client.data(CreateDatabaseUserDocument, {
      input: { accountId: account.id, type: engine === 'postgresql' ? 'POSTGRESQL' : 'MARIADB', username: 'bench_owner', password: 'bench password' },
    });
    if (created.createDatabaseUser.userErrors.length) throw new Error(JSON.stringify(created.createDatabaseUser.userErrors));
  }
  await h.settle({}, ENGINES.length, 120_000);

  /** Waits until every operation of the batches written since `sinceId` is final; all must be SUCCESS. */
  async function waitForOperations(sinceId: string, count: number): Promise<void> {
    const deadline = Date.now() + 60 * 60_000;
    for (;;) {
      const em = h.orm.em.fork();
      const total = await em.count(Operation, { id: { $gt: sinceId } });
      const final = await em.count(Operation, { id: { $gt: sinceId }, state: { $in: FINAL_STATES } });
      if (total >= count && final === total) {
        const failed = await em.find(Operation, { id: { $gt: sinceId }, state: { $ne: RunState.SUCCESS } }, { populate: ['run'], limit: 1 });
        if (failed.length) throw new Error(`operation ${failed[0]!.id} ${failed[0]!.state}: ${failed[0]!.run.getEntity().stderr}`);
        return;
      }
      if (Date.now() > deadline) throw new Error(`operations not final after an hour: ${final}/${total}`);
      await new Promise((r) => setTimeout(r, 250));
    }
  }

  async function lastOperationId(): Promise<string> {
    return (await h.orm.em.fork().findOne(Operation, { id: { $gt: '0' } }, { orderBy: { id: 'desc' } }))?.id ?? '0';
  }

  async function sync(engine: string): Promise<{ ms: number; scriptBytes: number }> {
    const since = await lastOperationId();
    const start = performance.now();
    const result = await h.admin.data(SyncServerDocument, { serverId, backend: `${engine}-databases` });
    if (result.syncServer.userErrors.length) throw new Error(JSON.stringify(result.syncServer.userErrors));
    await waitForOperations(since, N);
    const ms = performance.now() - start;
    const run = await h.orm.em.fork().findOneOrFail(ScriptRun, { backend: `${engine}-databases` }, { orderBy: { id: 'desc' } });
    return { ms, scriptBytes: Buffer.byteLength(run.script) };
  }

  for (const engine of ENGINES) {
    const server = servers[engine]!;
    const countOnServer = async (prefix: string) =>
      Number(engine === 'postgresql'
        ? await server.superuser(`SELECT count(*) FROM pg_database WHERE datname LIKE '${prefix}%';`)
        : await server.superuser(`SELECT count(*) FROM information_schema.schemata WHERE schema_name LIKE '${prefix}%';`));

    // By hand: one session on the server, CREATE DATABASE and the owner's grant per database.
    const byHand = Array.from({ length: N }, (_, i) => engine === 'postgresql'
      ? `CREATE DATABASE ${pgIdent(`hand_db_${i}`)} OWNER ${pgIdent('bench_owner')}; REVOKE ALL ON DATABASE ${pgIdent(`hand_db_${i}`)} FROM PUBLIC;`
      : `CREATE DATABASE ${mariadbIdent(`hand_db_${i}`)}; GRANT ALL PRIVILEGES ON ${mariadbGrantDatabase(`hand_db_${i}`)}.* TO ${mariadbAccount('bench_owner', '%')} WITH GRANT OPTION;`).join('\n');
    log(`${engine}: ${N} databases by hand (load ${load()})`);
    const start = performance.now();
    await server.superuser(byHand);
    const handMs = performance.now() - start;
    if ((await countOnServer('hand_db_')) !== N) throw new Error('the hand-made databases are not all there');
    const handLoad = load();
    // The hand-made databases stay (dropping a thousand PostgreSQL databases is a checkpoint each, minutes): the
    // host's data goes with it at the end.

    // Orchestra: N rows, then syncServer.
    await h.orm.em.fork().getConnection().execute(
      `INSERT INTO "database" (created_at, updated_at, account_id, name, type, users)
       SELECT now(), now(), ?, 'bench_db_' || g, ?, ARRAY['bench_owner'] FROM generate_series(1, ?) g`,
      [idOf('Account', account.id), engine, N],
    );
    log(`${engine}: syncServer of ${N} databases, all new (load ${load()})`);
    const first = await sync(engine);
    const firstLoad = load();
    if ((await countOnServer('bench_db_')) !== N) throw new Error('the synced databases are not all there');
    log(`${engine}: syncServer again, all there (load ${load()})`);
    const again = await sync(engine);
    rows.push([engine, String(N), seconds(handMs), seconds(first.ms), `${(first.ms / handMs).toFixed(2)}×`, seconds(again.ms), `${(again.ms / handMs).toFixed(2)}×`, `${(first.scriptBytes / 1e6).toFixed(1)} MB`, `${handLoad} / ${firstLoad}`]);
    // Said at once too: a teardown that hangs must not take the measurement with it.
    log(`${engine}: | ${rows.at(-1)!.join(' | ')} |`);
  }
} finally {
  await h.stopWorker().catch(() => {});
  await h.close();
  await stopTestServices();
}

console.log(`\n${cpus().length} cores, load at the end ${load()}\n`);
console.log('| engine | databases | by hand, one session (s) | syncServer, all new (s) | ratio | syncServer again, all there (s) | ratio | script | load (hand / sync) |');
console.log('|---|---:|---:|---:|---:|---:|---:|---:|---|');
for (const row of rows) console.log(`| ${row.join(' | ')} |`);
