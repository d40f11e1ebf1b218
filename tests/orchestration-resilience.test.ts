/**
 * The engine under load and outages, end to end (GraphQL → outbox → Temporal → SSH → sandboxed sshd hosts):
 * one change to several servers, an SSH outage, Temporal down at commit, hostile values in every text field (the burst
 * is in orchestration-burst.test.ts, failing and cancelled scripts in orchestration-failures.test.ts).
 * Effects are checked on the hosts, states in the database and through the operator API.
 */
import { randomBytes } from 'node:crypto';
import { readdirSync } from 'node:fs';
import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { Batch } from '../src/entities/orchestration/batch.js';
import { RunState } from '../src/entities/orchestration/run-state.js';
import { ScriptRun } from '../src/entities/orchestration/script-run.js';
import { SystemUser } from '../src/entities/services/system-user.js';
import { cronEscapeCommand } from '../src/orchestration/backends/crontabs/cron.js';
import { toGlobalId } from '../src/schema/relay/global-id.js';
import { setBatchStarter } from '../src/orchestration/outbox/outbox-registry.js';
import { TemporalBatchStarter } from '../src/orchestration/outbox/temporal-batch-starter.js';
import type { outboxRelayWorkflow } from '../src/workflows/outbox-relay.js';
import {
  AccountCommentsDocument, AccountDocument, CreateAccountDocument, CreateCrontabDocument, CreateSystemUserDocument, StuckOperationsDocument,
  UpdateAccountDocument, UpdateCrontabDocument,
} from './generated/graphql.js';
import { startOrchestraHarness, type OrchestraHarness } from './support/orchestra-harness.js';
import {
  assertSerialInIdOrder, dbId, expectedCrontab, hostCrontab, operationView, operationsOf, passwdEntry, pollUntil, queueIdle,
} from './support/resilience.js';
import { systemUserFor } from './support/service-fixtures.js';

let h: OrchestraHarness;
beforeAll(async () => {
  h = await startOrchestraHarness(['web1', 'web2']);
  await h.startWorker();
  await h.addServer('web1', ['system-users', 'crontabs']);
  await h.addServer('web2', ['system-users', 'crontabs']);
}, 120_000);
afterAll(() => h?.close());

const serverDbId = (name: string) => dbId('Server', h.serverIds[name]);

async function createAccount(username: string): Promise<string> {
  const created = await h.admin.data(CreateAccountDocument, { input: { username, type: 'INDIVIDUAL' } });
  if (created.createAccount.userErrors.length) throw new Error(JSON.stringify(created.createAccount.userErrors));
  return created.createAccount.account!.id;
}

async function createCrontab(systemUserId: string, command: string, minute = '*/5'): Promise<string> {
  const result = await h.admin.data(CreateCrontabDocument, { input: { systemUserId, minute, command, description: `made by the test` } });
  if (result.createCrontab.userErrors.length) throw new Error(JSON.stringify(result.createCrontab.userErrors));
  return result.createCrontab.crontab!.id;
}

async function updateCommand(id: string, command: string): Promise<void> {
  const result = await h.admin.data(UpdateCrontabDocument, { input: { id, command } });
  if (result.updateCrontab.userErrors.length) throw new Error(JSON.stringify(result.updateCrontab.userErrors));
}

test('one route per server: a change goes to both servers and both get the system user', async () => {
  await createAccount('twin');
  const ops = await h.settle({ objectLabel: 'twin' }, 2);
  expect(ops.map((o) => [o.server.getEntity().name, o.backend, o.action, o.state])).toEqual([
    ['web1', 'system-users', 'save', RunState.SUCCESS],
    ['web2', 'system-users', 'save', RunState.SUCCESS],
  ]);
  // One operation, one script run per server: each server ran its own copy.
  expect(new Set(ops.map((o) => o.run.id)).size).toBe(2);
  for (const host of ['web1', 'web2']) expect(await passwdEntry(h.hosts[host], 'twin')).toMatch(/^twin:x:\d+:\d+::\/home\/twin:/);
});

test('sshd stopped while operations wait: RETRYING with the last error, then SUCCESS once it is back, in commit order', async () => {
  const accountId = await createAccount('outage');
  const userId = (await systemUserFor(h.admin, accountId, 'outage1')).id;
  const entry = await createCrontab(userId, 'echo before-outage');
  await h.settle({ objectLabel: { $like: 'outage1%' } }, 4);

  await h.hosts.web1.stopSshd();
  try {
    await updateCommand(entry, 'echo during-outage-1');
    const [first] = await operationsOf(h, { model: 'Crontab', objectId: dbId('Crontab', entry), server: serverDbId('web1'), state: { $ne: RunState.SUCCESS } });
    // The operator sees it retrying, and why, through GraphQL.
    const retrying = await pollUntil(
      'the first change to show RETRYING',
      () => operationView(h, first.id, { states: ['RETRYING'] }),
      (op) => !!op && !!op.run.lastError,
    );
    expect(retrying!.state).toBe('RETRYING');
    expect(retrying!.run.lastError).toMatch(/refused|connect|ECONNREFUSED/i);
    // The second change is committed once the first is claimed and retrying (committed before the claim, a busy
    // machine lets one claim take both: then both are in its one exec, in order — tests/orchestration-failures).
    await updateCommand(entry, 'echo during-outage-2');
    const [, second] = await operationsOf(h, { model: 'Crontab', objectId: dbId('Crontab', entry), server: serverDbId('web1'), state: { $ne: RunState.SUCCESS } });
    expect(second).toBeDefined();
    // Let a retry of the first happen after the second was committed: it must not take the second with it.
    const attempts = retrying!.run.attempts;
    await pollUntil('another attempt of the first', () => operationView(h, first.id), (op) => !!op && op.run.attempts > attempts, 60_000);
    // Queued behind it, the second change has not overtaken it.
    expect((await operationView(h, second.id))!.state).toBe('RECEIVED');
    // A retrying operation is a stuck one for an operator who asks with no threshold.
    const stuck = await h.admin.data(StuckOperationsDocument, { olderThanSeconds: 0 });
    expect(stuck.stuckOperations.map((o) => dbId('Operation', o.id))).toContain(first.id);
    expect(stuck.stuckOperations.map((o) => dbId('Operation', o.id))).not.toContain(second.id);
  } finally {
    await h.hosts.web1.startSshd();
  }
  const settled = await h.settle({ model: 'Crontab', objectId: dbId('Crontab', entry), server: serverDbId('web1') }, 3);
  const [, first, second] = settled;
  expect([first.state, second.state]).toEqual([RunState.SUCCESS, RunState.SUCCESS]);
  expect(first.run.getEntity().attempts).toBeGreaterThanOrEqual(2);
  expect(second.run.getEntity().startedAt!.getTime()).toBeGreaterThanOrEqual(first.run.getEntity().finishedAt!.getTime());
  expect(await hostCrontab(h.hosts.web1, 'outage1')).toContain('echo during-outage-2');
  expect(await hostCrontab(h.hosts.web1, 'outage1')).toBe(await expectedCrontab(h, 'outage1'));
  await assertSerialInIdOrder(h, serverDbId('web1'));
}, 120_000);

test('Temporal unreachable at commit: the batch stays unstarted, the relay starts it later; nothing lost, nothing started twice', async () => {
  const accountId = await createAccount('relayed');
  const userId = (await systemUserFor(h.admin, accountId, 'relayed1')).id;
  const entry = await createCrontab(userId, 'echo before-relay');
  await h.settle({ objectLabel: { $like: 'relayed1%' } }, 4);
  // Idle queues: a queue that just finished a run claims the next one by itself, batch started or not.
  for (const name of ['web1', 'web2']) await queueIdle(h, serverDbId(name));
  const realStarter = new TemporalBatchStarter(h.temporal, h.config.temporalTaskQueue, h.orm.em);

  const lastBatchBefore = (await h.orm.em.fork().findOne(Batch, { id: { $gt: '0' } }, { orderBy: { id: 'desc' }, filters: false }))!.id;
  const failures: string[] = [];
  setBatchStarter(h.orm, { start: (id) => (failures.push(id), Promise.reject(new Error('temporal down'))) });
  try {
    await updateCommand(entry, 'echo relayed-later');
  } finally {
    setBatchStarter(h.orm, realStarter);
  }
  const batch = (await h.orm.em.fork().findOneOrFail(Batch, { id: { $gt: lastBatchBefore } }, { filters: false }));
  await pollUntil('the failed start', async () => failures, (f) => f.includes(batch.id));
  expect(batch.startedAt).toBeNull();
  const waiting = await operationsOf(h, { batch: batch.id });
  expect(waiting.map((o) => [o.server.getEntity().name, o.state, o.run.getEntity().attempts])).toEqual([
    ['web1', RunState.RECEIVED, 0],
    ['web2', RunState.RECEIVED, 0],
  ]);

  // The relay, as its schedule runs it: a workflow on the task queue. It leaves batches younger than 5 s to the
  // request that committed them, so it is run until it has picked this one up.
  let relayRuns = 0;
  await pollUntil(
    'the relay to start the batch',
    async () => {
      await h.temporal.workflow.execute<typeof outboxRelayWorkflow>('outboxRelayWorkflow', {
        taskQueue: h.config.temporalTaskQueue,
        workflowId: `test-relay-${batch.id}-${relayRuns++}`,
      });
      return (await h.orm.em.fork().findOneOrFail(Batch, { id: batch.id }, { filters: false })).startedAt;
    },
    (startedAt) => startedAt !== null,
    60_000,
    500,
  );
  const ops = await h.settle({ batch: batch.id }, 2);
  expect(ops.map((o) => [o.server.getEntity().name, o.state, o.run.getEntity().attempts])).toEqual([
    ['web1', RunState.SUCCESS, 1],
    ['web2', RunState.SUCCESS, 1],
  ]);
  for (const host of ['web1', 'web2']) expect(await hostCrontab(h.hosts[host], 'relayed1')).toContain('echo relayed-later');

  // Started once: starting it again (the relay or a late request) only wakes the queues, which find nothing to run.
  await realStarter.start(batch.id);
  expect(
    await h.temporal.workflow.execute<typeof outboxRelayWorkflow>('outboxRelayWorkflow', {
      taskQueue: h.config.temporalTaskQueue,
      workflowId: `test-relay-${batch.id}-again`,
    }),
  ).toBe(0);
  for (const name of ['web1', 'web2']) await queueIdle(h, serverDbId(name));
  const runs = await h.orm.em.fork().find(ScriptRun, { batch: batch.id });
  expect(runs.map((r) => [r.state, r.attempts])).toEqual([
    [RunState.SUCCESS, 1],
    [RunState.SUCCESS, 1],
  ]);
  // Nothing lost: no batch anywhere is left unstarted.
  expect(await h.orm.em.fork().count(Batch, { startedAt: null }, { filters: false })).toBe(0);
}, 120_000);

test('hostile values in every text field reachable from GraphQL are rejected or arrive verbatim; no injection runs', async () => {
  const tag = `pwned-${randomBytes(6).toString('hex')}`;
  const canary = `/tmp/${tag}`;
  // Each would create a file named after `canary` if it reached a shell unquoted.
  const payloads = [
    `'; touch ${canary}-q1; echo '`,
    `"; touch ${canary}-q2; echo "`,
    `$(touch ${canary}-subst)`,
    `\`touch ${canary}-backtick\``,
    `x\ntouch ${canary}-newline`,
    `x\r\ntouch ${canary}-crlf`,
    `ünïcødé ☃ 𝄞 — \${IFS}touch\${IFS}${canary}-ifs`,
    `\\'; touch ${canary}-backslash #`,
    `100% done; touch ${canary}-percent \\% %%`,
    `$'\\x27'; touch ${canary}-ansi`,
    `a | touch ${canary}-pipe && touch ${canary}-and`,
    `]]; touch ${canary}-bracket; [[ -n x`,
    `\u2028touch ${canary}-linesep`,
  ];
  const rejected = (result: { errors?: unknown[]; data?: unknown }) => {
    if (result.errors?.length) return true;
    const payload = Object.values((result.data ?? {}) as Record<string, { userErrors?: unknown[] }>)[0];
    return !!payload?.userErrors?.length;
  };

  // Accounts: the username is an identity on the servers (rejected); names and comments are stored as given. (None
  // of them reaches a script today; they are checked so that one that starts to cannot arrive mangled.)
  const accountId = await createAccount('hostile');
  for (const p of payloads) {
    expect(rejected(await h.admin.request(CreateAccountDocument, { input: { username: p } }))).toBe(true);
    const updated = await h.admin.request(UpdateAccountDocument, { input: { id: accountId, fullName: p, shortName: p.slice(0, 30), comments: p } });
    if (rejected(updated)) continue;
    const account = await h.admin.data(AccountDocument, { id: accountId });
    // Trimmed (a leading U+2028 counts as white space), otherwise kept as given.
    expect([account.account.fullName, account.account.shortName]).toEqual([p.trim(), p.slice(0, 30).trim()]);
    expect((await h.admin.data(AccountCommentsDocument, { id: accountId })).account.comments).toBe(p.trim());
  }

  // System users: names, homes and groups are rejected; passwords are hashed and the hash arrives verbatim.
  const passwordUsers: { username: string; password: string }[] = [];
  for (const [i, p] of payloads.entries()) {
    expect(rejected(await h.admin.request(CreateSystemUserDocument, { input: { accountId, username: p } }))).toBe(true);
    expect(rejected(await h.admin.request(CreateSystemUserDocument, { input: { accountId, username: `hosthome${i}`, home: `/home/${p}` } }))).toBe(true);
    expect(rejected(await h.admin.request(CreateSystemUserDocument, { input: { accountId, username: `hostgroup${i}`, groups: [p] } }))).toBe(true);
    // A password reaches the servers only as its hash: three kinds of payload are enough (each is a run).
    if (![0, 2, 6].includes(i)) continue;
    const withPassword = await h.admin.request(CreateSystemUserDocument, { input: { accountId, username: `hostpw${i}`, password: p } });
    expect(rejected(withPassword)).toBe(false);
    passwordUsers.push({ username: `hostpw${i}`, password: p });
  }

  // Crontabs: schedule fields are rejected; single-line commands and descriptions are kept verbatim.
  const main = (await h.orm.em.fork().findOneOrFail(SystemUser, { username: 'hostile' }, { filters: false })).id;
  const systemUserId = toGlobalId('SystemUser', main);
  const commands = new Map<string, string>();
  const descriptions = new Map<string, string>();
  for (const p of payloads) {
    for (const field of ['minute', 'hour', 'dayOfMonth', 'month', 'dayOfWeek']) {
      expect(rejected(await h.admin.request(CreateCrontabDocument, { input: { systemUserId, command: 'true', [field]: p } }))).toBe(true);
    }
    // Only multi-line values are refused (cron has no multi-line commands; a description is a comment line).
    const multiLine = /[\n\r\u2028]/.test(p);
    expect(rejected(await h.admin.request(CreateCrontabDocument, { input: { systemUserId, command: p } }))).toBe(multiLine);
    expect(rejected(await h.admin.request(CreateCrontabDocument, { input: { systemUserId, command: 'true', description: p } }))).toBe(multiLine);
    if (multiLine) continue;
    const created = await h.admin.data(CreateCrontabDocument, { input: { systemUserId, command: p, description: p } });
    const id = dbId('Crontab', created.createCrontab.crontab!.id);
    expect([created.createCrontab.crontab!.command, created.createCrontab.crontab!.description]).toEqual([p, p]);
    commands.set(id, p);
    descriptions.set(id, p);
  }
  expect(commands.size).toBe(payloads.length - 3);

  const ops = await h.settle({ accountUsername: 'hostile' }, 2 * (1 + passwordUsers.length + commands.size), 120_000);
  expect(ops.filter((o) => o.state !== RunState.SUCCESS).map((o) => [o.objectLabel, o.state, o.run.getEntity().stderr])).toEqual([]);

  for (const host of ['web1', 'web2']) {
    // Each command is the entry's line on the host, as given (cron's own `%` escaped); each description its comment.
    const lines = (await hostCrontab(h.hosts[host], 'hostile')).split('\n');
    for (const [id, command] of commands) {
      const at = lines.findIndex((l) => l === `# entry ${id}` || l.startsWith(`# entry ${id}: `));
      expect(lines[at + 1]).toBe(`* * * * * ${cronEscapeCommand(command)}`);
    }
    for (const [id, description] of descriptions) expect(lines).toContain(`# entry ${id}: ${description}`);
    // Each password hash is on the host exactly as the database has it, and it is the hash of the password given.
    for (const { username, password } of passwordUsers) {
      const stored = (await h.orm.em.fork().findOneOrFail(SystemUser, { username }, { filters: false })).passwordHash!;
      const shadow = (await h.hosts[host].sandbox.exec(['getent', 'shadow', username])).stdout.split(':')[1];
      expect(shadow).toBe(stored);
      const salt = stored.split('$')[2];
      const rehash = await h.hosts[host].sandbox.exec(['openssl', 'passwd', '-6', '-salt', salt, '-stdin'], `${password}\n`);
      if (!/[\r\n]/.test(password)) expect(rehash.stdout.trim()).toBe(stored);
    }
  }
  // No canary: not on this machine, not inside either host (the hosts share this machine's /tmp; checked from
  // inside too, and in the hosts' private /root and /home where a relative path would land).
  expect(readdirSync('/tmp').filter((name) => name.startsWith(tag))).toEqual([]);
  for (const host of ['web1', 'web2']) {
    const found = await h.hosts[host].sandbox.bash(`find /tmp /root /home -maxdepth 3 -name '${tag}*' 2>/dev/null; true`);
    expect(found.stdout).toBe('');
  }
}, 180_000);
