/**
 * The engine end to end: GraphQL mutations → outbox → Temporal workflows → SSH → real effects on sandboxed hosts.
 */
import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { Operation } from '../src/entities/orchestration/operation.js';
import { ScriptRun } from '../src/entities/orchestration/script-run.js';
import { serverQueueWorkflowId } from '../src/workflows/contracts/workflow-ids.js';
import { RunState } from '../src/entities/orchestration/run-state.js';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { print } from 'graphql';
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { Account } from '../src/entities/accounts/account.js';
import { SystemUser } from '../src/entities/services/system-user.js';
import { ServerSearchAttribute } from '../src/temporal/search-attributes.js';
import {
  CreateAccountDocument, CreateAccountDryRunDocument, CreateAccountWithOperationsDocument, DeleteAccountDocument,
  DisableAccountDocument, EnableAccountDocument, OperationsDocument, OperationUpdatedDocument, PreviewOperationsDocument,
  SyncServerDocument,
} from './generated/graphql.js';
import { startOrchestraHarness, type OrchestraHarness } from './support/orchestra-harness.js';
import { PASSWORD } from './support/fixtures.js';
import { hold, installEffectsLog, invoked, release, removeEffectsLog } from './support/effects-log.js';
import { crontabFor, systemUserFor } from './support/service-fixtures.js';
import { pollUntil } from './support/resilience.js';
import { endedRunScriptClaims, runScriptInputs } from './support/run-script-claims.js';
import { idOf as dbIdOf } from '../src/schema/relay/global-id.js';

const execFileAsync = promisify(execFile);
let h: OrchestraHarness;
beforeAll(async () => {
  h = await startOrchestraHarness(['web1', 'web2']);
  await h.startWorker();
  await h.addServer('web1', ['system-users', 'crontabs']);
  await h.addServer('web2', ['system-users'], 'account.type == "COMPANY"');
}, 120_000);
afterAll(() => h?.close());

const passwd = async (host: string, user: string) => {
  const result = await h.hosts[host].sandbox.bash(`getent passwd ${user} || true`);
  return result.stdout.trim();
};
const shadowStatus = async (host: string, user: string) => (await h.hosts[host].sandbox.bash(`passwd -S ${user} | cut -d' ' -f2`)).stdout.trim();

test('an account\'s main system user is created, disabled, enabled and deleted on the servers its routes select', async () => {
  const created = await h.admin.data(CreateAccountDocument, { input: { username: 'alice', password: PASSWORD, type: 'COMPANY' } });
  const accountId = created.createAccount.account!.id;
  const ops = await h.settle({ objectLabel: 'alice' }, 2);
  expect(ops.map((o) => [o.server.getEntity().name, o.action, o.state])).toEqual([
    ['web1', 'save', RunState.SUCCESS],
    ['web2', 'save', RunState.SUCCESS],
  ]);
  for (const host of ['web1', 'web2']) expect(await passwd(host, 'alice')).toMatch(/^alice:x:\d+:\d+::\/home\/alice:/);
  // The shadow entry carries the SHA-512-crypt hash of the account's password.
  const shadow = (await h.hosts.web1.sandbox.bash('getent shadow alice | cut -d: -f2')).stdout.trim();
  const salt = shadow.split('$')[2];
  const expected = (await h.hosts.web1.sandbox.bash(`openssl passwd -6 -salt ${salt} '${PASSWORD}'`)).stdout.trim();
  expect(shadow).toBe(expected);

  await h.admin.data(DisableAccountDocument, { id: accountId });
  await h.settle({ objectLabel: 'alice' }, 4);
  expect(await shadowStatus('web1', 'alice')).toBe('L');
  await h.admin.data(EnableAccountDocument, { id: accountId });
  await h.settle({ objectLabel: 'alice' }, 6);
  expect(await shadowStatus('web1', 'alice')).toBe('P');

  await h.admin.data(DeleteAccountDocument, { id: accountId });
  const all = await h.settle({ objectLabel: 'alice' }, 8);
  expect(all.slice(-2).map((o) => [o.action, o.state])).toEqual([['delete', RunState.SUCCESS], ['delete', RunState.SUCCESS]]);
  expect(await passwd('web1', 'alice')).toBe('');
  expect(await passwd('web2', 'alice')).toBe('');
});

test('operators see each operation with its script, output, and a link to its workflow history', async () => {
  await h.admin.data(CreateAccountDocument, { input: { username: 'bob', type: 'INDIVIDUAL' } });
  await h.settle({ objectLabel: 'bob' }, 1);
  const result = await h.admin.data(OperationsDocument, { first: 10, filter: { backend: 'system-users' } });
  const op = result.operations.nodes.find((n) => n.objectLabel === 'bob')!;
  expect(op).toMatchObject({ state: 'SUCCESS', action: 'save', model: 'SystemUser', accountUsername: 'bob', server: { name: 'web1' } });
  expect(op.run!.script).toContain("'bob'");
  expect(op.run!.exitCode).toBe(0);
  expect(op.run!.attempts).toBe(1);
  // The link names the queue of web1, at the execution whose history holds the activity that ran the script.
  const row = await h.orm.em.fork().findOneOrFail(Operation, { objectLabel: 'bob' }, { populate: ['run'] });
  const queueId = serverQueueWorkflowId(h.config.temporalTaskQueue, row.run.getEntity().server.id);
  expect(op.workflowUrl).toMatch(new RegExp(`^http://localhost:8233/namespaces/default/workflows/${queueId}/[0-9a-f-]{36}/history$`));
  const linked = await linkedWorkflow(op.workflowUrl!);
  expect([linked.type, linked.typedSearchAttributes.get(ServerSearchAttribute)]).toEqual(['serverQueueWorkflow', ['web1']]);
  expect((await runScriptClaimsAt(op.workflowUrl!)).filter((ids) => ids.includes(row.run.id))).toEqual([[row.run.id]]);
  // Only COMPANY accounts go to web2.
  expect(result.operations.nodes.filter((n) => n.objectLabel === 'bob').map((n) => n.server?.name)).toEqual(['web1']);
  expect(await passwd('web2', 'bob')).toBe('');
  expect(await h.orm.em.fork().count(Operation, { objectLabel: 'bob' })).toBe(1);
});

/** The workflow execution a deep link names. */
function linkedHandle(url: string) {
  const match = new RegExp('/namespaces/default/workflows/([^/]+)(?:/([^/]+)/history)?$').exec(url);
  if (!match) throw new Error(`not a workflow link: ${url}`);
  return h.temporal.workflow.getHandle(decodeURIComponent(match[1]), match[2] && decodeURIComponent(match[2]));
}

/** The claims (script-run ids) of each runScript activity in the history of the execution a deep link names. */
async function runScriptClaimsAt(url: string): Promise<string[][]> {
  const match = new RegExp('/namespaces/default/workflows/([^/]+)/([^/]+)/history$').exec(url);
  if (!match) throw new Error(`not a link to an execution: ${url}`);
  const [workflowId, runId] = [decodeURIComponent(match[1]), decodeURIComponent(match[2])];
  return endedRunScriptClaims(h.temporal, workflowId, runId);
}

/** The workflow a deep link points to: it must exist, or the link is broken. */
async function linkedWorkflow(url: string) {
  return linkedHandle(url).describe();
}

test('under a backlog, every operation links to a workflow that exists (its queue while it waits, its carrier after), and mixed runs are found by each backend', async () => {
  const created = await h.admin.data(CreateAccountDocument, { input: { username: 'linked', type: 'INDIVIDUAL' } });
  const accountId = created.createAccount.account!.id;
  await h.settle({ objectLabel: 'linked' }, 1);
  await installEffectsLog(h.hosts.web1);
  try {
    // The first script holds the queue of web1; the changes after it wait in the queue.
    await hold(h.hosts.web1, 'useradd', 'linkhold');
    await systemUserFor(h.admin, accountId, 'linkhold');
    await invoked(h.hosts.web1, 'useradd linkhold');
    const waiting = [];
    for (const username of ['linked1', 'linked2']) {
      const user = await systemUserFor(h.admin, accountId, username);
      await crontabFor(h.admin, user.id, `echo ${username}`);
      waiting.push(username);
    }
    const [held] = await h.orm.em.fork().find(Operation, { objectLabel: 'linkhold' });
    const waitingOps = await h.orm.em.fork().find(Operation, { account: dbIdOf('Account', accountId), id: { $gt: held.id } }, { orderBy: { id: 'asc' } });
    expect(waitingOps.map((o) => [o.backend, o.state])).toEqual([
      ['system-users', RunState.RECEIVED],
      ['crontabs', RunState.RECEIVED],
      ['system-users', RunState.RECEIVED],
      ['crontabs', RunState.RECEIVED],
    ]);
    const listed = await h.admin.data(OperationsDocument, { first: 20, filter: { accountId } });
    for (const op of listed.operations.nodes.filter((n) => n.state === 'RECEIVED')) {
      expect(op.workflowUrl).toContain(`/workflows/${serverQueueWorkflowId(h.config.temporalTaskQueue, dbIdOf('Server', h.serverIds.web1))}`);
      expect((await linkedWorkflow(op.workflowUrl!)).type).toBe('serverQueueWorkflow');
    }
    await release(h.hosts.web1, 'useradd', 'linkhold');
    const done = await h.settle({ account: dbIdOf('Account', accountId), id: { $gte: waitingOps[0].id } }, 4);
    expect(done.every((o) => o.state === RunState.SUCCESS)).toBe(true);

    const after = await h.admin.data(OperationsDocument, { first: 20, filter: { accountId } });
    for (const op of after.operations.nodes) expect((await linkedWorkflow(op.workflowUrl!)).type).toBe('serverQueueWorkflow');
    // The four waiting scripts went to one runScript activity (a backlog) of the queue, and each one's link names the
    // execution whose history holds it.
    const runs = await h.orm.em.fork().find(ScriptRun, { id: { $in: waitingOps.map((o) => o.run.id) } }, { orderBy: { id: 'asc' } });
    expect(runs.map((r) => r.workflowId)).toEqual(runs.map(() => serverQueueWorkflowId(h.config.temporalTaskQueue, dbIdOf('Server', h.serverIds.web1))));
    const waitingLinks = after.operations.nodes.filter((n) => waitingOps.some((o) => o.id === dbIdOf('Operation', n.id)));
    expect(waitingLinks).toHaveLength(4);
    for (const op of waitingLinks) expect(await runScriptClaimsAt(op.workflowUrl!)).toContainEqual(runs.map((r) => r.id));
    // Claims are local activities: markers in the carrier's history, no activity task of their own (issue 17).
    const carrier = (await linkedHandle(waitingLinks[0].workflowUrl!).fetchHistory()).events ?? [];
    expect(carrier.filter((e) => e.activityTaskScheduledEventAttributes?.activityType?.name === 'claimNextRun')).toEqual([]);
    // And they were the gate's activity's following claim: no runScript activity was scheduled for them, the one that
    // ran the gate carried them too (issue 17: one activity for a stream of claims).
    expect(runScriptInputs(carrier).filter((ids) => ids.some((id) => runs.some((r) => r.id === id)))).toEqual([]);
    expect(carrier.filter((e) => e.markerRecordedEventAttributes).length).toBeGreaterThan(0);
    // And ran in the gate's own exec, appended to it once the gate ended (one SSH session, wrapper and lock for the
    // stream: issue 17's exec chain). Each run's first attempt names on the host the exec log and section it ran in.
    const gate = await h.orm.em.fork().findOneOrFail(ScriptRun, { id: held.run.id });
    const ranIn = await Promise.all([gate, ...runs].map(async (r) => (await h.hosts.web1.sandbox.bash(`cat /var/lib/orchestra/runs/${r.uid}.ran`)).stdout.trim().split(' ')));
    expect(new Set(ranIn.map(([log]) => log)).size).toBe(1);
    expect(ranIn.map(([, , section]) => Number(section))).toEqual([0, 1, 2, 3, 4]);
    // Found by either backend in the operations list.
    for (const backend of ['crontabs', 'system-users']) {
      const found = await h.admin.data(OperationsDocument, { first: 20, filter: { accountId, backend } });
      const ids = found.operations.nodes.map((n) => dbIdOf('Operation', n.id));
      expect(waitingOps.filter((o) => o.backend === backend).every((o) => ids.includes(o.id))).toBe(true);
    }
  } finally {
    await release(h.hosts.web1, 'useradd', 'linkhold');
    await removeEffectsLog(h.hosts.web1);
  }
});


test('a dry run returns the scripts and servers and saves nothing', async () => {
  const before = await h.orm.em.fork().count(Operation);
  const result = await h.admin.data(CreateAccountDryRunDocument, { input: { username: 'dryrun', type: 'COMPANY' } });
  expect(result.createAccount.operations).toEqual([]);
  expect(result.createAccount.plan!.map((p) => [p.serverName, p.backend])).toEqual([['web1', 'system-users'], ['web2', 'system-users']]);
  expect(result.createAccount.plan![0].script).toContain("save_user 'dryrun'");
  expect(await h.orm.em.fork().count(Account, { username: 'dryrun' })).toBe(0);
  expect(await h.orm.em.fork().count(Operation)).toBe(before);
  expect(await passwd('web1', 'dryrun')).toBe('');
});

test('previewOperations shows what a save or delete of an object would run', async () => {
  await h.admin.data(CreateAccountDocument, { input: { username: 'carol', type: 'COMPANY' } });
  await h.settle({ objectLabel: 'carol' }, 2);
  const user = await h.orm.em.fork().findOneOrFail(SystemUser, { username: 'carol' });
  const id = Buffer.from(`SystemUser:${user.id}`).toString('base64url');
  const save = await h.admin.data(PreviewOperationsDocument, { objectId: id });
  expect(save.previewOperations.map((p) => p.serverName)).toEqual(['web1', 'web2']);
  const del = await h.admin.data(PreviewOperationsDocument, { objectId: id, action: 'DELETE' });
  expect(del.previewOperations[0].script).toContain("delete_user 'carol'");
  expect(await passwd('web1', 'carol')).not.toBe('');
});

test('mutation payloads return their operations, and the subscription streams one to its final state', async () => {
  const created = await h.admin.data(CreateAccountWithOperationsDocument, { input: { username: 'dave', type: 'COMPANY' } });
  const ops = created.createAccount.operations;
  expect(ops.map((o) => [o.objectLabel, o.action])).toEqual([['dave', 'save'], ['dave', 'save']]);
  const token = h.admin.token!;
  const client = createClient({ url: h.api.url.replace(/^http/, 'ws'), webSocketImpl: WebSocket, connectionParams: { authorization: `Bearer ${token}` } });
  const states: string[] = [];
  try {
    for await (const result of client.iterate({ query: print(OperationUpdatedDocument), variables: { id: ops[0].id } })) {
      if (result.errors) throw new Error(JSON.stringify(result.errors));
      states.push((result.data as { operationUpdated: { state: string } }).operationUpdated.state);
    }
  } finally {
    await client.dispose();
  }
  expect(states.at(-1)).toBe('SUCCESS');
  expect(new Set(states).size).toBe(states.length);
  // Anonymous subscribers are refused.
  const anonymous = createClient({ url: h.api.url.replace(/^http/, 'ws'), webSocketImpl: WebSocket });
  const refused = await anonymous.iterate({ query: print(OperationUpdatedDocument), variables: { id: ops[0].id } }).next();
  await anonymous.dispose();
  expect(JSON.stringify(refused.value)).toContain('"code":"UNAUTHENTICATED"');
});

test('syncServer regenerates a server\'s configuration from the database, repairing drift', async () => {
  await h.admin.data(CreateAccountDocument, { input: { username: 'erin', type: 'INDIVIDUAL' } });
  await h.settle({ objectLabel: 'erin' }, 1);
  // Drift: someone removed the user by hand on the server.
  await h.hosts.web1.sandbox.bash('userdel erin');
  expect(await passwd('web1', 'erin')).toBe('');
  const synced = await h.admin.data(SyncServerDocument, { serverId: h.serverIds.web1, backend: 'system-users' });
  expect(synced.syncServer.operations.map((o) => o.objectLabel)).toContain('erin');
  await h.settle({}, 1);
  expect(await passwd('web1', 'erin')).toMatch(/^erin:/);
});

test('the orchestrate command previews with --dry-run and runs without it', async () => {
  await h.admin.data(CreateAccountDocument, { input: { username: 'frank', type: 'COMPANY' } });
  await h.settle({ objectLabel: 'frank' }, 2);
  await h.hosts.web2.sandbox.bash('userdel frank');
  const env = {
    ...process.env,
    DATABASE_URL: h.config.databaseUrl,
    TEMPORAL_ADDRESS: h.config.temporalAddress,
    TEMPORAL_TASK_QUEUE: h.config.temporalTaskQueue,
    ORCHESTRA_TOKEN_SECRET: h.config.tokenSecret,
    ORCHESTRA_SSH_KEY: h.config.sshPrivateKeyPath,
  };
  const run = (args: string[]) => execFileAsync('node_modules/.bin/node', ['--import', './scripts/register.js', 'src/bin/orchestrate.ts', ...args], { env });
  const preview = await run(['SystemUser', 'username=frank', '--server', 'web2', '--dry-run']);
  expect(preview.stdout).toContain('### system-users on web2: save SystemUser frank');
  expect(preview.stdout).toContain("save_user 'frank'");
  expect(preview.stdout).not.toContain('on web1');
  expect(await passwd('web2', 'frank')).toBe('');
  const bad = await run(['Spaceship']).catch((err: { code: number; stderr: string }) => err);
  expect(bad).toMatchObject({ code: 2, stderr: expect.stringContaining('model must be one of') });

  const before = await h.orm.em.fork().count(Operation, { objectLabel: 'frank' });
  const applied = await run(['SystemUser', 'username=frank', '--server', 'web2']);
  expect(applied.stdout).toMatch(/batch \d+ started/);
  await h.settle({ objectLabel: 'frank' }, before + 1);
  expect(await passwd('web2', 'frank')).toMatch(/^frank:/);
  // Three CLI processes, each compiling the code base as it starts: tens of seconds each on a busy 2-core machine.
}, 5 * 60_000);

test('server queues continue as new when their history grows, without losing or reordering runs', async () => {
  // The test dev server suggests continue-as-new at 60 events; the runs above went through several histories.
  const id = Buffer.from(h.serverIds.web1, 'base64url').toString().split(':')[1];
  const continued = await h.temporal.workflow.count(`WorkflowId = '${serverQueueWorkflowId(h.config.temporalTaskQueue, id)}' AND ExecutionStatus = 'ContinuedAsNew'`);
  expect(continued.count).toBeGreaterThan(0);
  const runs = await h.orm.em.fork().find(ScriptRun, { server: id }, { orderBy: { id: 'asc' } });
  const started = runs.filter((r) => r.startedAt).map((r) => r.startedAt!.getTime());
  expect(started).toEqual([...started].sort((a, b) => a - b));
  expect(runs.every((r) => ['SUCCESS', 'NOTHING'].includes(r.state))).toBe(true);
});

test('an idle server queue keeps a short history, so a restarted worker replays little before its next claim', async () => {
  // Issue 17: after a burst a queue waited with the burst's whole history (1,700 events after 1,000 changes), and a
  // restarted worker replayed it before the first change could run. Five changes one after the other, each a claim of
  // ~12 events: without the idle continue-as-new, a history left idle passes 48 events at least once in five.
  const id = Buffer.from(h.serverIds.web1, 'base64url').toString().split(':')[1];
  const queue = h.temporal.workflow.getHandle(serverQueueWorkflowId(h.config.temporalTaskQueue, id));
  for (let i = 0; i < 5; i++) {
    await h.admin.data(CreateAccountDocument, { input: { username: `idle${i}`, type: 'INDIVIDUAL' } });
    const [op] = await h.settle({ objectLabel: `idle${i}` }, 1);
    expect(op.state).toBe(RunState.SUCCESS);
    const idle = await pollUntil(
      `web1's queue idle with a short history after change ${i}`,
      async () => {
        // A query can fail while the queue hands over to its next run: then look again.
        const state = await queue.query<{ running: string | null }>('queueState').catch(() => ({ running: 'unknown' }));
        const description = await queue.describe();
        return { status: description.status.name, historyLength: description.historyLength, running: state.running };
      },
      (q) => q.running === null && q.historyLength <= 48,
      60_000,
      200,
    );
    expect(idle.status).toBe('RUNNING');
  }
  expect(await passwd('web1', 'idle4')).toMatch(/^idle4:/);
});
