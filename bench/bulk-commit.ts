/**
 * One mutation touching thousands of objects on one server (issue 17): an account with `--entries` crontab lines
 * (default 5,000, `--per-user` lines per system user, default 1,000: crontab's own limit per user) on one server is
 * disabled, enabled again, then the server is synchronised (`syncServer`), each through its real use case
 * (runUseCase → collector → outbox; rows only, no Temporal: nothing runs). Per step: the commit's wall time and this
 * process's CPU, and what it wrote: script runs (scripts), operations, script bytes and snapshot bytes.
 *
 *   node_modules/.bin/node --import ./scripts/register.js bench/bulk-commit.ts [--entries=5000] [--per-user=1000] [--rounds=2]
 *
 * The lines are inserted by SQL (the collector never sees them: the bench measures the three commits, not the seed).
 */
import 'reflect-metadata';
import { createOrm } from '../src/db/orm.js';
import { setAccountActive } from '../src/accounts/account.use-cases.js';
import { Account } from '../src/entities/accounts/account.js';
import { AccountType } from '../src/entities/accounts/account-type.js';
import { Route } from '../src/entities/orchestration/route.js';
import { Server } from '../src/entities/orchestration/server.js';
import { SystemUser, SystemUserShell } from '../src/entities/services/system-user.js';
import { syncServer } from '../src/orchestration/use-cases/sync-server.js';
import { toGlobalId } from '../src/schema/relay/global-id.js';
import { systemActor } from '../src/use-cases/actor.js';
import { runUseCase } from '../src/use-cases/run-use-case.js';
import { flag, machineLoad, startBenchPostgres, table } from './orchestration-common.js';

const log = (message: string) => console.error(`[bench] ${message}`);
const entries = Number(flag('entries') ?? 5000);
const perUser = Number(flag('per-user') ?? 1000);
const rounds = Number(flag('rounds') ?? 2);

type Orm = Awaited<ReturnType<typeof createOrm>>;

/** One server, routes of both backends to it, account `bulk` with its users and `entries` lines. */
async function seed(orm: Orm): Promise<{ accountId: string; serverId: string }> {
  const em = orm.em.fork();
  await em.begin();
  const server = em.create(Server, { name: 'bulk1', address: '192.0.2.1' });
  em.create(Route, { backend: 'system-users', server });
  em.create(Route, { backend: 'crontabs', server });
  const account = em.create(Account, { username: 'bulk', type: AccountType.INDIVIDUAL });
  const users = Math.ceil(entries / perUser);
  for (let u = 0; u < users; u++) em.create(SystemUser, { account, username: u ? `bulk_${u}` : 'bulk', isMain: u === 0, shell: SystemUserShell.BASH });
  await em.commit();
  await orm.em.fork().getConnection().execute(
    `insert into crontab (created_at, updated_at, account_id, system_user_id, minute, command, description)
     select now(), now(), su.account_id, su.user_id, (g.n % 60)::text, 'echo line-' || g.n || ' >> /tmp/bulk.log', 'line ' || g.n
       from generate_series(0, ?::int - 1) as g(n)
       join (select u.id as user_id, u.account_id, row_number() over (order by u.id) - 1 as i from "system_user" u where u.account_id = ?) su
         on su.i = g.n / ?::int`,
    [entries, account.id, perUser],
  );
  return { accountId: account.id, serverId: server.id };
}

interface Step {
  name: string;
  ms: number;
  cpuMs: number;
  scripts: number;
  operations: number;
  scriptBytes: number;
  snapshotBytes: number;
}

async function step(orm: Orm, name: string, body: Parameters<typeof runUseCase>[3]): Promise<Step> {
  const cpu = process.cpuUsage();
  const start = performance.now();
  const outcome = await runUseCase(orm.em.fork(), systemActor('bench'), name, body);
  const ms = performance.now() - start;
  const cpuUsed = process.cpuUsage(cpu);
  if (outcome.userErrors.length) throw new Error(`${name}: ${JSON.stringify(outcome.userErrors)}`);
  const [written] = await orm.em.fork().getConnection().execute<{ scripts: string; operations: string; script_bytes: string; snapshot_bytes: string }[]>(
    `select (select count(*) from script_run where batch_id = any(?::bigint[])) as scripts,
            (select count(*) from operation where batch_id = any(?::bigint[])) as operations,
            (select coalesce(sum(octet_length(script)), 0) from script_run where batch_id = any(?::bigint[])) as script_bytes,
            (select coalesce(sum(octet_length(snapshot::text)), 0) from operation where batch_id = any(?::bigint[])) as snapshot_bytes`,
    Array(4).fill(`{${outcome.batchIds.join(',')}}`),
  );
  return {
    name,
    ms,
    cpuMs: (cpuUsed.user + cpuUsed.system) / 1000,
    scripts: Number(written.scripts),
    operations: Number(written.operations),
    scriptBytes: Number(written.script_bytes),
    snapshotBytes: Number(written.snapshot_bytes),
  };
}

const postgres = await startBenchPostgres('orchestra_bulk');
const orm = await createOrm(postgres.url);
try {
  log(`seeding ${entries} crontab lines, ${perUser} per system user`);
  const { accountId, serverId } = await seed(orm);
  const account = toGlobalId('Account', accountId);
  const server = toGlobalId('Server', serverId);
  const loads = [machineLoad()];
  const rows: (string | number)[][] = [];
  for (let round = 1; round <= rounds; round++) {
    for (const [name, body] of [
      ['disableAccount', (uc) => setAccountActive(uc, account, false)],
      ['enableAccount', (uc) => setAccountActive(uc, account, true)],
      ['syncServer', (uc) => syncServer(uc, server, null)],
    ] as [string, Parameters<typeof runUseCase>[3]][]) {
      log(`round ${round}: ${name}`);
      const s = await step(orm, name, body);
      rows.push([round, s.name, s.ms.toFixed(0), s.cpuMs.toFixed(0), s.scripts, s.operations, (s.scriptBytes / 1024).toFixed(0), (s.snapshotBytes / 1024).toFixed(0)]);
      loads.push(machineLoad());
    }
  }
  console.log(`\n### One commit touching ${entries} crontab lines (${Math.ceil(entries / perUser)} system users) on one server\n`);
  console.log(table(['round', 'use case', 'commit ms', 'bench CPU ms', 'scripts', 'operations', 'script KiB', 'snapshots KiB'], rows, 2));
  console.log(`\nLoad average before and after each step: ${loads.join(' → ')}`);
} finally {
  await orm.close(true);
  await postgres.stop();
}
