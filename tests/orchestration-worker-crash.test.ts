/**
 * A worker killed with SIGKILL in the middle of a script: the production worker entry (src/bin/worker.ts) runs as a
 * separate process, is killed while a script sleeps on the host, and a new worker process takes over. The operation
 * must complete, and the script's effect must happen once (the run-once wrapper on the host).
 */
import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { RunState } from '../src/entities/orchestration/run-state.js';
import { relayScheduleId } from '../src/temporal/schedules/index.js';
import { CreateAccountDocument, CreateSystemUserDocument } from './generated/graphql.js';
import { startOrchestraHarness, type OrchestraHarness } from './support/orchestra-harness.js';
import { startWorkerProcess, type WorkerProcess } from './support/worker-process.js';
import { installStub, operationView, operationsOf, passwdEntry, pollUntil, removeStub } from './support/resilience.js';

let h: OrchestraHarness;
const workers: WorkerProcess[] = [];
const startWorker = async () => {
  const worker = await startWorkerProcess(h);
  workers.push(worker);
  return worker;
};

beforeAll(async () => {
  // No in-process worker here: only the worker processes this test starts and kills.
  h = await startOrchestraHarness(['web1']);
  await h.addServer('web1', ['system-users']);
}, 360_000);

afterAll(async () => {
  for (const worker of workers) await worker.stop();
  // The worker created this installation's relay schedule: remove it with the test's task queue.
  await h.temporal.schedule.getHandle(relayScheduleId(h.config.temporalTaskQueue)).delete().catch(() => undefined);
  await h?.close();
}, 60_000);

/**
 * A useradd that runs `before` first (`$last` is the user's name), then the real useradd, and leaves one line per
 * call in /root/effects: how the tests see that a script ran once.
 */
function recordingUseradd(before: string[]): string {
  return ['#!/bin/bash', 'for last; do :; done', ...before, 'rc=0', '/usr/sbin/useradd "$@" || rc=$?', 'echo "useradd $last (exit $rc)" >> /root/effects', 'exit "$rc"', ''].join('\n');
}

test('worker killed with SIGKILL mid-script: the operation completes after a new worker starts, and its effect happens once', async () => {
  const first = await startWorker();
  const created = await h.admin.data(CreateAccountDocument, { input: { username: 'crashacct', type: 'INDIVIDUAL' } });
  const accountId = created.createAccount.account!.id;
  await h.settle({ objectLabel: 'crashacct' }, 1);

  // useradd for crashuser: records its pid, sleeps 4 s (the worker dies meanwhile), then creates the user and appends
  // one line to /root/effects. Every other user goes straight to the real useradd.
  await installStub(
    h.hosts.web1,
    'useradd',
    recordingUseradd(['[ "$last" = crashuser ] || exec /usr/sbin/useradd "$@"', 'echo "$$" > /root/useradd.pid', 'sleep 4']),
  );
  try {
    const result = await h.admin.data(CreateSystemUserDocument, { input: { accountId, username: 'crashuser' } });
    expect(result.createSystemUser.userErrors).toEqual([]);
    // A change queued behind it must wait for it, and run after it.
    await h.admin.data(CreateSystemUserDocument, { input: { accountId, username: 'aftercrash' } });
    const [op] = await operationsOf(h, { objectLabel: 'crashuser' });
    await pollUntil('the stub to be sleeping', async () => (await h.hosts.web1.sandbox.bash('cat /root/useradd.pid 2>/dev/null')).stdout.trim(), (pid) => pid !== '');
    expect((await operationView(h, op.id))!.state).toBe('STARTED');

    await first.kill('SIGKILL');
    expect(first.child.signalCode).toBe('SIGKILL');
    await startWorker();

    const [done] = await h.settle({ objectLabel: 'crashuser' }, 1, 150_000);
    const view = (await operationView(h, done.id))!;
    expect([view.state, view.run.exitCode]).toEqual(['SUCCESS', 0]);
    expect(view.run.attempts).toBeGreaterThanOrEqual(2);
    // The retry found the first attempt's exit marker and replayed its output instead of running the script again.
    expect(view.run.stdout).toContain('user crashuser: created');
    expect(view.run.stderr).toContain('already ran to completion in an earlier attempt (exit 0)');
    expect(await passwdEntry(h.hosts.web1, 'crashuser')).toMatch(/^crashuser:/);
    // Once: one line, from the first attempt's script, which finished on the host while no worker listened.
    expect((await h.hosts.web1.sandbox.bash('cat /root/effects')).stdout).toBe('useradd crashuser (exit 0)\n');

    const [after] = await h.settle({ objectLabel: 'aftercrash' }, 1, 60_000);
    expect(after.state).toBe(RunState.SUCCESS);
    expect(after.run.getEntity().startedAt!.getTime()).toBeGreaterThanOrEqual(done.run.getEntity().finishedAt!.getTime());
  } finally {
    await removeStub(h.hosts.web1, 'useradd');
  }
}, 240_000);

test('worker killed mid-claim: the sections that ran are reported, not run again; the one running finishes once; the rest run once', async () => {
  // Only the worker this test kills may carry the claim.
  for (const worker of workers.splice(0)) await worker.stop();
  const first = await startWorker();
  const created = await h.admin.data(CreateAccountDocument, { input: { username: 'claimacct', type: 'INDIVIDUAL' } });
  const accountId = created.createAccount.account!.id;
  await h.settle({ objectLabel: 'claimacct' }, 1);
  // gateuser's useradd waits for /root/release-gate, so the next three commit behind it and go to the queue as ONE
  // claim; midclaim's sleeps 8 s (the worker dies meanwhile). Every call leaves one line in /root/effects.
  await installStub(
    h.hosts.web1,
    'useradd',
    recordingUseradd([
      'if [ "$last" = gateuser ]; then while [ ! -e /root/release-gate ]; do sleep 0.1; done; fi',
      'if [ "$last" = midclaim ]; then echo "$$" > /root/midclaim.pid; sleep 8; fi',
    ]),
  );
  await h.hosts.web1.sandbox.bash('rm -f /root/effects /root/release-gate /root/midclaim.pid');
  const users = ['beforemid', 'midclaim', 'aftermid'];
  try {
    await h.admin.data(CreateSystemUserDocument, { input: { accountId, username: 'gateuser' } });
    const [gate] = await operationsOf(h, { objectLabel: 'gateuser' });
    await pollUntil('the gate to be running', () => operationView(h, gate.id), (op) => op?.state === 'STARTED');
    for (const username of users) await h.admin.data(CreateSystemUserDocument, { input: { accountId, username } });
    await h.hosts.web1.sandbox.bash('touch /root/release-gate');
    await pollUntil('midclaim to be sleeping', async () => (await h.hosts.web1.sandbox.bash('cat /root/midclaim.pid 2>/dev/null')).stdout.trim(), (pid) => pid !== '');
    const [before] = await operationsOf(h, { objectLabel: 'beforemid' });
    await pollUntil('beforemid recorded', () => operationView(h, before.id), (op) => op?.state === 'SUCCESS');

    await first.kill('SIGKILL');
    // Committed while the claim's activity waits for its retry: the retried attempt's following claim takes it.
    await h.admin.data(CreateSystemUserDocument, { input: { accountId, username: 'postcrash' } });
    await startWorker();

    const ops = await h.settle({ objectLabel: { $in: users } }, users.length, 150_000);
    expect(ops.map((o) => [o.objectLabel, o.state])).toEqual(users.map((u) => [u, RunState.SUCCESS]));
    const runs = ops.map((o) => o.run.getEntity());
    // The three were one claim (the activity retried after the crash carries the same runs).
    expect(new Set(runs.map((r) => r.workflowId)).size).toBe(1);
    // beforemid was recorded before the crash: the retry skipped it (one attempt); midclaim was reported from its
    // wrapper's exit marker; aftermid ran after it.
    expect(runs[0].attempts).toBe(1);
    expect(runs[1].attempts).toBeGreaterThanOrEqual(2);
    expect(runs[1].stderr).toContain('already ran to completion in an earlier attempt (exit 0)');
    expect(runs[2].startedAt!.getTime()).toBeGreaterThanOrEqual(runs[1].finishedAt!.getTime());
    // postcrash ran once, started by the retried attempt only: one attempt (before, it showed the activity's attempt
    // number, 2, although it had never been started before).
    const [post] = await h.settle({ objectLabel: 'postcrash' }, 1, 60_000);
    const postRun = post.run.getEntity();
    expect([post.state, postRun.startedByAttempt, postRun.attempts]).toEqual([RunState.SUCCESS, 2, 1]);
    // Each effect once, in commit order.
    expect((await h.hosts.web1.sandbox.bash('cat /root/effects')).stdout).toBe(
      ['gateuser', ...users, 'postcrash'].map((u) => `useradd ${u} (exit 0)\n`).join(''),
    );
    for (const u of users) expect(await passwdEntry(h.hosts.web1, u)).toMatch(new RegExp(`^${u}:`));
  } finally {
    await removeStub(h.hosts.web1, 'useradd');
  }
}, 240_000);
