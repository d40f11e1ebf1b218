/**
 * The engine when scripts fail, hang or must not run, end to end (GraphQL → outbox → Temporal → SSH → sandboxed sshd
 * hosts): a failing script and the retry of a failed delete from its snapshot, cancelling a long script, a changed
 * host key. Failures are provoked with stubs first on the scripts' PATH (/usr/local/sbin, private to each host).
 */
import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { RunState } from '../src/entities/orchestration/run-state.js';
import { ScriptRun } from '../src/entities/orchestration/script-run.js';
import { SystemUser } from '../src/entities/services/system-user.js';
import {
  CancelOperationDocument, CreateAccountDocument, CreateSystemUserDocument, DeleteSystemUserDocument, RetryOperationDocument,
  ServerHostKeyDocument, ServerHostKeyStateDocument, ServerStatusDocument, StuckOperationsDocument, TrustServerHostKeyDocument,
  UpdateSystemUserDocument,
} from './generated/graphql.js';
import { startOrchestraHarness, type OrchestraHarness } from './support/orchestra-harness.js';
import { hold, installEffectsLog, effects, effectsOf, invoked, release, removeEffectsLog } from './support/effects-log.js';
import { serverQueueWorkflowId } from '../src/workflows/contracts/workflow-ids.js';
import { CANCEL_RUN_SIGNAL } from '../src/workflows/contracts/orchestration.js';
import { processRunning } from './support/sshd-host.js';
import { endedRunScriptClaims, runScriptInputs } from './support/run-script-claims.js';
import {
  dbId, installStub, operationGid, operationView, operationsOf, passwdEntry, pollUntil, removeStub,
} from './support/resilience.js';

let h: OrchestraHarness;
let accountId: string;
let keyAccountId: string;
beforeAll(async () => {
  h = await startOrchestraHarness(['web1', 'web2']);
  await h.startWorker();
  await h.addServer('web1', ['system-users', 'crontabs']);
  // web2 serves one account only: the host-key test rotates its key.
  await h.addServer('web2', ['system-users'], 'account.username == "keyacct"');
  const created = await h.admin.data(CreateAccountDocument, { input: { username: 'failacct', type: 'INDIVIDUAL' } });
  accountId = created.createAccount.account!.id;
  await h.settle({ objectLabel: 'failacct' }, 1);
}, 120_000);
afterAll(() => h?.close());

const serverDbId = (name: string) => dbId('Server', h.serverIds[name]);

async function createSystemUser(username: string, account = accountId): Promise<string> {
  const result = await h.admin.data(CreateSystemUserDocument, { input: { accountId: account, username } });
  if (result.createSystemUser.userErrors.length) throw new Error(JSON.stringify(result.createSystemUser.userErrors));
  return result.createSystemUser.systemUser!.id;
}

/** The operations of a system user on a server, oldest first. */
const userOps = (username: string, server = 'web1') => operationsOf(h, { model: 'SystemUser', objectLabel: username, server: serverDbId(server) });

test('a failing script is FAILURE, kept and not retried; its failed delete is retried from the snapshot after the row is gone', async () => {
  const userId = await createSystemUser('failuser');
  await h.settle({ objectLabel: 'failuser' }, 1);
  expect(await passwdEntry(h.hosts.web1, 'failuser')).toMatch(/^failuser:/);

  await installStub(h.hosts.web1, 'usermod', '#!/bin/sh\necho "usermod: stubbed failure for $*" >&2\nexit 7\n');
  await installStub(h.hosts.web1, 'userdel', '#!/bin/sh\necho "userdel: stubbed failure for $*" >&2\nexit 9\n');
  try {
    await h.admin.data(UpdateSystemUserDocument, { input: { id: userId, shell: 'BASH' } });
    const [, update] = await h.settle({ objectLabel: 'failuser' }, 2);
    const failed = (await operationView(h, update.id))!;
    expect(failed.state).toBe('FAILURE');
    expect(failed.run.exitCode).toBe(7);
    expect(failed.run.stderr).toContain('usermod: stubbed failure for');
    expect(failed.run.attempts).toBe(1);

    const deleted = await h.admin.data(DeleteSystemUserDocument, { id: userId });
    expect(deleted.deleteSystemUser.userErrors).toEqual([]);
    const [, , del] = await h.settle({ objectLabel: 'failuser' }, 3);
    const failedDelete = (await operationView(h, del.id))!;
    expect([failedDelete.action, failedDelete.state, failedDelete.run.exitCode, failedDelete.run.attempts]).toEqual(['delete', 'FAILURE', 9, 1]);
    expect(failedDelete.run.stderr).toContain('userdel: stubbed failure for');
    // The row is gone, the user is still on the host.
    expect(await h.orm.em.fork().count(SystemUser, { username: 'failuser' }, { filters: false })).toBe(0);
    expect(await passwdEntry(h.hosts.web1, 'failuser')).toMatch(/^failuser:/);
  } finally {
    await removeStub(h.hosts.web1, 'usermod');
    await removeStub(h.hosts.web1, 'userdel');
  }

  const [, , del] = await userOps('failuser');
  const retried = await h.admin.data(RetryOperationDocument, { id: operationGid(del.id) });
  expect(retried.retryOperation.operations.map((o) => [o.action, o.retryOf?.id])).toEqual([['delete', operationGid(del.id)]]);
  const all = await h.settle({ objectLabel: 'failuser' }, 4);
  const replay = all[3];
  expect([replay.action, replay.state, replay.run.getEntity().attempts]).toEqual(['delete', RunState.SUCCESS, 1]);
  expect(replay.snapshot).toEqual(del.snapshot);
  expect(await passwdEntry(h.hosts.web1, 'failuser')).toBe('');
  // The failures stayed as they were: nothing retried them behind the operator's back.
  expect(all.slice(1, 3).map((o) => [o.state, o.run.getEntity().attempts])).toEqual([
    [RunState.FAILURE, 1],
    [RunState.FAILURE, 1],
  ]);
}, 120_000);

test('cancelling a long script: REVOKED, its remote processes are gone, and the queue goes on with the next one', async () => {
  // useradd sleeps for one user only (60 s, far longer than the test waits): its pids go to /root for the test.
  await installStub(
    h.hosts.web1,
    'useradd',
    [
      '#!/bin/bash',
      'for last; do :; done',
      'if [ "$last" = slowuser ]; then',
      '  echo "$$" > /root/useradd.pid',
      '  sleep 60 &',
      '  echo "$!" > /root/sleep.pid',
      '  wait',
      'fi',
      'exec /usr/sbin/useradd "$@"',
      '',
    ].join('\n'),
  );
  try {
    await createSystemUser('slowuser');
    const [slow] = await userOps('slowuser');
    const running = await pollUntil('the slow script to be running', () => operationView(h, slow.id), (op) => op?.state === 'STARTED');
    // Committed once the slow script's claim runs, so it queues behind it (committed before the claim, both would be
    // one coalesced claim, and this one STARTED with it).
    await createSystemUser('afteruser');
    const pids = await pollUntil(
      'the stub to record its pids',
      async () => (await h.hosts.web1.sandbox.bash('cat /root/useradd.pid /root/sleep.pid 2>/dev/null')).stdout.split('\n').filter(Boolean).map(Number),
      (p) => p.length === 2,
    );
    expect(pids.every(processRunning)).toBe(true);
    const uid = (await h.orm.em.fork().findOneOrFail(ScriptRun, { id: dbId('ScriptRun', running!.run.id) })).uid;
    expect((await h.hosts.web1.sandbox.bash(`pgrep -f ${uid}`)).stdout.trim()).not.toBe('');
    // Running: a stuck operation for an operator who asks with no threshold (the one queued behind is not).
    const stuck = await h.admin.data(StuckOperationsDocument, { olderThanSeconds: 0 });
    const stuckIds = stuck.stuckOperations.map((o) => dbId('Operation', o.id));
    expect(stuckIds).toContain(slow.id);
    const [after] = await userOps('afteruser');
    expect(stuckIds).not.toContain(after.id);
    expect((await operationView(h, after.id))!.state).toBe('RECEIVED');

    const cancelled = await h.admin.data(CancelOperationDocument, { id: operationGid(slow.id) });
    expect(cancelled.cancelOperation.userErrors).toEqual([]);
    const revoked = await pollUntil('REVOKED', () => operationView(h, slow.id), (op) => op?.state === 'REVOKED');
    expect(revoked!.run.state).toBe('REVOKED');
    // The remote processes are gone: the stub, its sleep, and the run's script (named after the run's uid).
    await pollUntil('the remote processes to end', async () => pids.filter(processRunning), (alive) => alive.length === 0, 30_000);
    // The script's bash (orchestra-run-<uid>) got the same TERM as the stub, but may exit a moment after it.
    await pollUntil('the run\'s script to end', async () => (await h.hosts.web1.sandbox.bash(`pgrep -f ${uid} || true`)).stdout.trim(), (out) => out === '', 30_000);
    expect((await h.hosts.web1.sandbox.bash('pgrep -f "useradd.*slowuser"')).stdout.trim()).toBe('');

    // The queue went on: the cancel reached its activity by signal, the queue itself was not cancelled.
    expect((await queueOf('web1').describe()).status.name).toBe('RUNNING');
    const [afterDone] = await h.settle({ objectLabel: 'afteruser', server: serverDbId('web1') }, 1);
    expect(afterDone.state).toBe(RunState.SUCCESS);
    expect(afterDone.run.getEntity().startedAt!.getTime()).toBeGreaterThanOrEqual(new Date(revoked!.run.finishedAt!).getTime());
    expect(await passwdEntry(h.hosts.web1, 'afteruser')).toMatch(/^afteruser:/);
    expect(await passwdEntry(h.hosts.web1, 'slowuser')).toBe('');
  } finally {
    await removeStub(h.hosts.web1, 'useradd');
  }
}, 120_000);

const queueOf = (server: string) => h.temporal.workflow.getHandle(serverQueueWorkflowId(h.config.temporalTaskQueue, serverDbId(server)));
const cancelSignalsSeen = async (server: string) => (await queueOf(server).query<{ cancelSignals: number }>('queueState')).cancelSignals;

test('a cancelRun signal naming a run its queue is not running (finished, or unknown) leaves the running script alone: it ends SUCCESS, run once', async () => {
  await installEffectsLog(h.hosts.web1);
  try {
    await hold(h.hosts.web1, 'useradd', 'aloneuser');
    await createSystemUser('aloneuser');
    await invoked(h.hosts.web1, 'useradd aloneuser');
    const [alone] = await userOps('aloneuser');
    const running = await pollUntil('the held script to be STARTED', () => operationView(h, alone.id), (op) => op?.state === 'STARTED');
    const run = await h.orm.em.fork().findOneOrFail(ScriptRun, { id: dbId('ScriptRun', running!.run.id) });
    const finished = await h.orm.em.fork().findOneOrFail(ScriptRun, { server: serverDbId('web1'), state: RunState.SUCCESS }, { orderBy: { id: 'desc' } });

    // The claim is in flight, so the queue does not continue as new meanwhile: its signal count only grows.
    const before = await cancelSignalsSeen('web1');
    await queueOf('web1').signal(CANCEL_RUN_SIGNAL, finished.id);
    await queueOf('web1').signal(CANCEL_RUN_SIGNAL, String(Number(run.id) + 1_000_000));
    await pollUntil('the queue to handle both signals', () => cancelSignalsSeen('web1'), (n) => n >= before + 2);

    // Still running on the host, still STARTED, and it finishes normally once released.
    expect((await h.hosts.web1.sandbox.bash(`pgrep -f ${run.uid} || true`)).stdout.trim()).not.toBe('');
    expect((await operationView(h, alone.id))!.state).toBe('STARTED');
    await release(h.hosts.web1, 'useradd', 'aloneuser');
    const [done] = await h.settle({ objectLabel: 'aloneuser', server: serverDbId('web1') }, 1);
    expect([done.state, done.run.getEntity().attempts]).toEqual([RunState.SUCCESS, 1]);
    expect(await passwdEntry(h.hosts.web1, 'aloneuser')).toMatch(/^aloneuser:/);
    expect(await effectsOf(h.hosts.web1, 'aloneuser')).toEqual(['useradd aloneuser']);
    // Its activity was never cancelled nor scheduled again: one runScript carried it, in the execution it links to.
    const carrier = await h.orm.em.fork().findOneOrFail(ScriptRun, { id: run.id });
    const events = (await h.temporal.workflow.getHandle(carrier.workflowId!, carrier.workflowRunId!).fetchHistory()).events ?? [];
    expect(runScriptInputs(events).filter((ids) => ids.includes(run.id))).toHaveLength(1);
    expect(events.filter((e) => e.activityTaskCancelRequestedEventAttributes)).toEqual([]);
  } finally {
    await release(h.hosts.web1, 'useradd', 'aloneuser');
    await removeEffectsLog(h.hosts.web1);
  }
}, 120_000);

test('a script whose wrapper is killed on the host (OOM killer, shutdown) is retried and runs once to the end: SUCCESS, not FAILURE', async () => {
  const userId = await createSystemUser('killeduser');
  await h.settle({ objectLabel: 'killeduser' }, 1);
  // The first usermod kills its whole process group (the run's wrapper, its script, itself) with SIGKILL, as the OOM
  // killer or a shutdown would: the wrapper records no exit, and sshd reports the signal instead of an exit status.
  await installStub(
    h.hosts.web1,
    'usermod',
    [
      '#!/bin/bash',
      'if mkdir /root/usermod-killed 2>/dev/null; then',
      '  kill -KILL -- "-$(cut -d" " -f5 /proc/$$/stat)"',
      'fi',
      'exec /usr/sbin/usermod "$@"',
      '',
    ].join('\n'),
  );
  try {
    await h.admin.data(UpdateSystemUserDocument, { input: { id: userId, shell: 'BASH' } });
    const [, update] = await h.settle({ objectLabel: 'killeduser' }, 2);
    expect((await h.hosts.web1.sandbox.bash('test -d /root/usermod-killed && echo killed')).stdout).toBe('killed\n');
    const view = (await operationView(h, update.id))!;
    expect([view.state, view.run.exitCode, view.run.attempts]).toEqual(['SUCCESS', 0, 2]);
    expect((await passwdEntry(h.hosts.web1, 'killeduser')).split(':').pop()).toBe('/bin/bash');
  } finally {
    await removeStub(h.hosts.web1, 'usermod');
    await h.hosts.web1.sandbox.exec(['rm', '-rf', '/root/usermod-killed']);
  }
}, 120_000);

/** useradd that logs each call to /root/effects, waits for /root/release-useradd-<user> when held, and fails for `failing`. */
const gatedUseradd = (failing = '') =>
  [
    '#!/bin/bash',
    'for last; do :; done',
    'echo "useradd $last" >> /root/effects',
    'if [ -e "/root/hold-useradd-$last" ]; then',
    '  while [ ! -e "/root/release-useradd-$last" ]; do sleep 0.1; done',
    'fi',
    `if [ "$last" = ${JSON.stringify(failing)} ]; then echo "useradd: stubbed failure for $last" >&2; exit 5; fi`,
    'exec /usr/sbin/useradd "$@"',
    '',
  ].join('\n');

/** The run ids of each runScript claim in the history of the queue execution that carried `runId`. */
async function claimsOf(runId: string): Promise<string[][]> {
  const carrier = await h.orm.em.fork().findOneOrFail(ScriptRun, { id: runId });
  return endedRunScriptClaims(h.temporal, carrier.workflowId!, carrier.workflowRunId!);
}

/** Holds web1's queue on a first script (its useradd waits) while `body` commits a backlog behind it; then releases it. */
async function backlogBehind(gate: string, body: () => Promise<void>): Promise<void> {
  await hold(h.hosts.web1, 'useradd', gate);
  await createSystemUser(gate);
  await invoked(h.hosts.web1, `useradd ${gate}`);
  await body();
  await release(h.hosts.web1, 'useradd', gate);
}

test('a coalesced claim: one section failing leaves exactly its operation FAILURE, with its own output and exit code; the sections after it run', async () => {
  await installStub(h.hosts.web1, 'useradd', gatedUseradd('coal2'));
  await h.hosts.web1.sandbox.bash('rm -f /root/effects');
  const users = ['coal1', 'coal2', 'coal3', 'coal4'];
  try {
    await backlogBehind('coalgate', async () => {
      for (const user of users) await createSystemUser(user);
    });
    const ops = await h.settle({ objectLabel: { $in: users }, server: serverDbId('web1') }, users.length);
    // The four ran as one claim: one runScript activity, one exec.
    const runIds = ops.map((o) => o.run.id);
    expect((await claimsOf(runIds[0])).filter((ids) => runIds.every((id) => ids.includes(id)))).toHaveLength(1);
    const views = await Promise.all(ops.map((o) => operationView(h, o.id)));
    expect(views.map((v) => [v!.objectLabel, v!.state, v!.run.attempts])).toEqual([
      ['coal1', 'SUCCESS', 1],
      ['coal2', 'FAILURE', 1],
      ['coal3', 'SUCCESS', 1],
      ['coal4', 'SUCCESS', 1],
    ]);
    // The operator sees which failed and why, in that operation only.
    const failed = views[1]!;
    expect(failed.run.exitCode).not.toBe(0);
    expect(failed.run.stderr).toContain('useradd: stubbed failure for coal2');
    for (const other of [views[0]!, views[2]!, views[3]!]) {
      expect(other.run.exitCode).toBe(0);
      expect(other.run.stderr).not.toContain('stubbed failure');
      expect(other.run.stdout).toContain(`user ${other.objectLabel}: created`);
      expect(other.run.stdout).not.toContain('coal2');
    }
    // Each section has its own timing, in commit order.
    const runs = ops.map((o) => o.run.getEntity());
    for (let i = 1; i < runs.length; i++) expect(runs[i].startedAt!.getTime()).toBeGreaterThanOrEqual(runs[i - 1].finishedAt!.getTime());
    expect(await effects(h.hosts.web1)).toEqual(['useradd coalgate', ...users.map((u) => `useradd ${u}`)]);
    expect((await Promise.all(users.map((u) => passwdEntry(h.hosts.web1, u)))).map(Boolean)).toEqual([true, false, true, true]);
  } finally {
    await removeStub(h.hosts.web1, 'useradd');
  }
}, 120_000);

test('cancel mid-claim: a section not started yet is REVOKED and never runs while the one running goes on; cancelling the running one kills the exec; finished ones keep their outcome', async () => {
  await installStub(h.hosts.web1, 'useradd', gatedUseradd());
  await h.hosts.web1.sandbox.bash('rm -f /root/effects');
  const users = ['mid0', 'mid1', 'mid2', 'mid3'];
  try {
    await backlogBehind('midgate', async () => {
      await hold(h.hosts.web1, 'useradd', 'mid1');
      for (const user of users) await createSystemUser(user);
    });
    await invoked(h.hosts.web1, 'useradd mid1');
    const ops = await Promise.all(users.map(async (u) => (await userOps(u))[0]));
    const runIds = ops.map((o) => o.run.id);
    expect((await operationView(h, ops[0].id))!.state).toBe('SUCCESS');

    // mid2 waits behind mid1 in the same exec: cancelled, it is REVOKED at once, and mid1 goes on.
    expect((await h.admin.data(CancelOperationDocument, { id: operationGid(ops[2].id) })).cancelOperation.userErrors).toEqual([]);
    await pollUntil('mid2 REVOKED', () => operationView(h, ops[2].id), (op) => op?.state === 'REVOKED');
    const mid1 = await h.orm.em.fork().findOneOrFail(ScriptRun, { id: runIds[1] });
    expect((await h.hosts.web1.sandbox.bash(`pgrep -f ${mid1.uid} || true`)).stdout.trim()).not.toBe('');
    expect((await operationView(h, ops[1].id))!.state).toBe('STARTED');

    // mid1 is running: cancelled, the exec is killed.
    expect((await h.admin.data(CancelOperationDocument, { id: operationGid(ops[1].id) })).cancelOperation.userErrors).toEqual([]);
    await pollUntil('mid1 REVOKED', () => operationView(h, ops[1].id), (op) => op?.state === 'REVOKED');
    await pollUntil('mid1 killed on the host', async () => (await h.hosts.web1.sandbox.bash(`pgrep -f ${mid1.uid} || true`)).stdout.trim(), (out) => out === '', 30_000);

    // mid3 was not cancelled: it runs in the next claim. mid0 keeps its outcome; mid2 never ran.
    const [done3] = await h.settle({ objectLabel: 'mid3', server: serverDbId('web1') }, 1);
    expect([done3.state, done3.run.getEntity().attempts]).toEqual([RunState.SUCCESS, 1]);
    const final = await Promise.all(ops.map((o) => operationView(h, o.id)));
    expect(final.map((v) => v!.state)).toEqual(['SUCCESS', 'REVOKED', 'REVOKED', 'SUCCESS']);
    expect(final[2]!.run.lastError).toMatch(/^cancelled by /);
    expect(await effects(h.hosts.web1)).toEqual(['useradd midgate', 'useradd mid0', 'useradd mid1', 'useradd mid3']);
    expect((await Promise.all(users.map((u) => passwdEntry(h.hosts.web1, u)))).map(Boolean)).toEqual([true, false, false, true]);
    expect((await queueOf('web1').describe()).status.name).toBe('RUNNING');
    // The four were one claim (the gate's activity claimed them after the gate: its following claim); mid3 ran in the
    // claim after the kill.
    const claims = await claimsOf(runIds[0]);
    expect(claims.filter((ids) => runIds.every((id) => ids.includes(id)))).toHaveLength(1);
    expect(claims.filter((ids) => ids.includes(runIds[3]))).toHaveLength(2);
  } finally {
    await release(h.hosts.web1, 'useradd', 'mid1');
    await removeStub(h.hosts.web1, 'useradd');
  }
}, 120_000);

test('a coalesced claim: a section past its own timeout is TIMEOUT and killed, and the sections after it run in a new exec', async () => {
  await installStub(h.hosts.web1, 'useradd', gatedUseradd());
  await h.hosts.web1.sandbox.bash('rm -f /root/effects');
  try {
    await backlogBehind('tgate', async () => {
      // tslow's useradd never returns (held, never released); its run gets a 3 s timeout while it waits.
      await hold(h.hosts.web1, 'useradd', 'tslow');
      await createSystemUser('tslow');
      await createSystemUser('tafter');
      const [slow] = await userOps('tslow');
      await h.orm.em.fork().nativeUpdate(ScriptRun, { id: slow.run.id }, { timeoutMs: 3000 });
    });
    const ops = await h.settle({ objectLabel: { $in: ['tslow', 'tafter'] }, server: serverDbId('web1') }, 2);
    expect(ops.map((o) => [o.objectLabel, o.state])).toEqual([
      ['tslow', RunState.TIMEOUT],
      ['tafter', RunState.SUCCESS],
    ]);
    expect((await claimsOf(ops[0].run.id)).filter((ids) => ids.includes(ops[0].run.id) && ids.includes(ops[1].run.id))).toHaveLength(1);
    expect((await operationView(h, ops[0].id))!.run.lastError).toMatch(/timed out after 3000 ms/);
    const slowRun = ops[0].run.getEntity();
    await pollUntil('tslow killed on the host', async () => (await h.hosts.web1.sandbox.bash(`pgrep -f ${slowRun.uid} || true`)).stdout.trim(), (out) => out === '', 30_000);
    expect(await passwdEntry(h.hosts.web1, 'tafter')).toMatch(/^tafter:/);
    expect(await passwdEntry(h.hosts.web1, 'tslow')).toBe('');
  } finally {
    await release(h.hosts.web1, 'useradd', 'tslow');
    await removeStub(h.hosts.web1, 'useradd');
  }
}, 120_000);

test("a following claim takes only scripts that fit in its activity's time: a longer one gets an activity of its own, still in commit order", async () => {
  await installStub(h.hosts.web1, 'useradd', gatedUseradd());
  await h.hosts.web1.sandbox.bash('rm -f /root/effects');
  const users = ['fit1', 'fitlong', 'fit2'];
  try {
    await backlogBehind('fitgate', async () => {
      for (const user of users) await createSystemUser(user);
      // Longer than the time a queue gives its activity for following claims (MAX_CLAIM_TIMEOUT_MS, 30 min).
      const [long] = await userOps('fitlong');
      await h.orm.em.fork().nativeUpdate(ScriptRun, { id: long.run.id }, { timeoutMs: 40 * 60_000 });
    });
    const ops = await h.settle({ objectLabel: { $in: users }, server: serverDbId('web1') }, users.length);
    expect(ops.map((o) => [o.objectLabel, o.state])).toEqual(users.map((u) => [u, RunState.SUCCESS]));
    expect(await effects(h.hosts.web1)).toEqual(['useradd fitgate', ...users.map((u) => `useradd ${u}`)]);
    const [fit1, long, fit2] = ops.map((o) => o.run.id);
    // fit1 followed the gate in its activity; fitlong was the input of an activity of its own, which fit2 followed.
    await claimsOf(fit2);
    const carriers = await Promise.all([fit1, long, fit2].map((id) => h.orm.em.fork().findOneOrFail(ScriptRun, { id })));
    const inputs = (
      await Promise.all([...new Set(carriers.map((c) => `${c.workflowId}|${c.workflowRunId}`))].map(async (key) => {
        const [workflowId, runId] = key.split('|');
        return runScriptInputs((await h.temporal.workflow.getHandle(workflowId, runId).fetchHistory()).events ?? []);
      }))
    ).flat();
    expect(inputs.filter((ids) => ids.includes(long))).toEqual([[long]]);
    expect(inputs.filter((ids) => ids.includes(fit1) || ids.includes(fit2))).toEqual([]);
  } finally {
    await removeStub(h.hosts.web1, 'useradd');
  }
}, 120_000);

/** Runs the body with a canary on web2's useradd: any script that ran there would leave a line in /root/canary. */
async function withCanary(body: () => Promise<void>): Promise<void> {
  await installStub(h.hosts.web2, 'useradd', '#!/bin/bash\necho "useradd $*" >> /root/canary\nexec /usr/sbin/useradd "$@"\n');
  try {
    await body();
  } finally {
    await removeStub(h.hosts.web2, 'useradd');
  }
}

const canary = async () => (await h.hosts.web2.sandbox.bash('cat /root/canary 2>/dev/null; rm -f /root/canary')).stdout;

/** Waits until the operation waits in its queue with a reason matching `why`. */
const waitingBecause = (id: string, why: RegExp) =>
  pollUntil(`operation ${id} to wait: ${why}`, () => operationView(h, id), (op) => op?.state === 'RECEIVED' && why.test(op.run.lastError ?? ''));

async function trustWeb2(): Promise<void> {
  const id = h.serverIds.web2;
  const presented = await h.admin.data(ServerHostKeyDocument, { id });
  const trusted = await h.admin.data(TrustServerHostKeyDocument, { input: { id, fingerprint: presented.server.presentedHostKey.fingerprint } });
  expect(trusted.trustServerHostKey.userErrors).toEqual([]);
}

test('a changed host key holds the server: its operations wait saying why, nothing runs there, and they run in order once a key is trusted again', async () => {
  const created = await h.admin.data(CreateAccountDocument, { input: { username: 'keyacct', type: 'INDIVIDUAL' } });
  keyAccountId = created.createAccount.account!.id;
  const first = await h.settle({ objectLabel: 'keyacct' }, 2);
  expect(first.map((o) => [o.server.getEntity().name, o.state])).toEqual([
    ['web1', RunState.SUCCESS],
    ['web2', RunState.SUCCESS],
  ]);
  await withCanary(async () => {
    // A reinstalled server: sshd restarts with a new key, every connection drops; the worker meets the key itself.
    const newKey = await h.hosts.web2.rotateHostKey();
    await createSystemUser('keyuser', keyAccountId);
    await createSystemUser('keyuser2', keyAccountId);
    const [onWeb1] = await h.settle({ objectLabel: 'keyuser', server: serverDbId('web1') }, 1);
    expect(onWeb1.state).toBe(RunState.SUCCESS);
    const [held] = await userOps('keyuser', 'web2');
    const [held2] = await userOps('keyuser2', 'web2');
    await waitingBecause(held.id, /web2 presented another host key/);
    // The queue tells the scripts behind it too, without trying them.
    await waitingBecause(held2.id, new RegExp(`presented another host key \\(${newKey.replace(/[+/]/g, '.')}`));
    const state = await h.admin.data(ServerHostKeyStateDocument, { id: h.serverIds.web2 });
    // Contained, not matched: a fingerprint is base64, and as a regular expression "n++" is a syntax error.
    expect(state.server).toMatchObject({ hostKeyFingerprint: expect.not.stringContaining(newKey), hostKeyPresented: newKey });
    expect(await passwdEntry(h.hosts.web2, 'keyuser')).toBe('');
    expect(await canary()).toBe('');
    const uid = (await h.orm.em.fork().findOneOrFail(ScriptRun, { id: held.run.id })).uid;
    expect((await h.hosts.web2.sandbox.bash(`ls /var/lib/orchestra/runs/${uid}.* 2>&1 || true`)).stdout).not.toMatch(/^\/var/m);

    await trustWeb2();
    const done = await h.settle({ objectLabel: { $in: ['keyuser', 'keyuser2'] }, server: serverDbId('web2') }, 2);
    expect(done.map((o) => [o.objectLabel, o.state])).toEqual([
      ['keyuser', RunState.SUCCESS],
      ['keyuser2', RunState.SUCCESS],
    ]);
    expect(done[1].run.getEntity().startedAt!.getTime()).toBeGreaterThanOrEqual(done[0].run.getEntity().finishedAt!.getTime());
    // Each ran once, in commit order, after the trust.
    expect((await canary()).split('\n').filter(Boolean).map((line) => line.split(' ').pop())).toEqual(['keyuser', 'keyuser2']);
  });
}, 180_000);

test('a key changed behind a pooled connection: once a probe sees it, nothing more goes over the connections opened before', async () => {
  await createSystemUser('warmuser', keyAccountId);
  await h.settle({ objectLabel: 'warmuser', server: serverDbId('web2') }, 1);
  await withCanary(async () => {
    // The worker's pooled connection to web2 stays open with the old key (sshd restarted, its sessions kept).
    const newKey = await h.hosts.web2.rotateHostKey({ keepConnections: true });
    // An operator looks at the server: the probe connects afresh and sees the other key.
    const status = await h.admin.data(ServerStatusDocument, { id: h.serverIds.web2 });
    expect(status.server.status).toMatchObject({ reachable: false, error: expect.stringMatching(/^HostKeyMismatchError/) });
    expect((await h.admin.data(ServerHostKeyStateDocument, { id: h.serverIds.web2 })).server.hostKeyPresented).toBe(newKey);

    await createSystemUser('pooleduser', keyAccountId);
    const [held] = await userOps('pooleduser', 'web2');
    await waitingBecause(held.id, /web2 presented another host key/);
    expect(await passwdEntry(h.hosts.web2, 'pooleduser')).toBe('');
    expect(await canary()).toBe('');

    await trustWeb2();
    const [done] = await h.settle({ objectLabel: 'pooleduser', server: serverDbId('web2') }, 1);
    expect(done.state).toBe(RunState.SUCCESS);
    expect(await passwdEntry(h.hosts.web2, 'pooleduser')).toMatch(/^pooleduser:/);
  });
}, 180_000);
