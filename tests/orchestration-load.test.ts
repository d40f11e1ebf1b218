/**
 * The engine under load (issue "The engine under load", defect 1's test): a burst of changes from 4 GraphQL clients
 * onto 2 sandboxed hosts, with both cores kept busy by CPU hogs, the worker running a script paused (SIGSTOP) past
 * its heartbeat timeout, and one host taken down mid-burst. Every operation must end SUCCESS, none REVOKED (nobody
 * cancelled anything), each host must end as the database says, and on the host that stayed up each user must have
 * been created and deleted exactly once (its commands' log).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { hostname } from 'node:os';
import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { Operation } from '../src/entities/orchestration/operation.js';
import { FINAL_STATES, RunState } from '../src/entities/orchestration/run-state.js';
import { ScriptRun } from '../src/entities/orchestration/script-run.js';
import { SystemUser } from '../src/entities/services/system-user.js';
import { relayScheduleId } from '../src/temporal/schedules/index.js';
import {
  CreateAccountDocument, CreateCrontabDocument, CreateSystemUserDocument, DeleteSystemUserDocument, UpdateCrontabDocument,
  UpdateSystemUserDocument,
} from './generated/graphql.js';
import { effectsOf, installEffectsLog } from './support/effects-log.js';
import { startOrchestraHarness, type OrchestraHarness } from './support/orchestra-harness.js';
import { assertSerialInIdOrder, dbId, expectedCrontab, hostCrontab, mapConcurrent, passwdEntry, pollUntil, settleCount, sleep } from './support/resilience.js';
import { startWorkerProcess, type WorkerProcess } from './support/worker-process.js';

// ORCHESTRA_LOAD_USERS=235 makes it the burst of 1,000 changes (4 per user, and every 4th user deleted).
const USERS = Number(process.env.ORCHESTRA_LOAD_USERS ?? 24);
const isDeleted = (i: number) => i % 4 === 3;

let h: OrchestraHarness;
let accountId: string;
const workers: WorkerProcess[] = [];
const hogs: ChildProcess[] = [];

beforeAll(async () => {
  h = await startOrchestraHarness(['web1', 'web2']);
  await h.addServer('web1', ['system-users', 'crontabs']);
  await h.addServer('web2', ['system-users']);
  workers.push(...(await Promise.all([startWorkerProcess(h), startWorkerProcess(h)])));
  const created = await h.admin.data(CreateAccountDocument, { input: { username: 'loaded', type: 'INDIVIDUAL' } });
  accountId = created.createAccount.account!.id;
  await h.settle({ objectLabel: 'loaded' }, 2);
  for (const host of Object.values(h.hosts)) await installEffectsLog(host);
}, 360_000);

afterAll(async () => {
  for (const hog of hogs) hog.kill('SIGKILL');
  for (const worker of workers) await worker.stop();
  await h.temporal.schedule.getHandle(relayScheduleId(h.config.temporalTaskQueue)).delete().catch(() => undefined);
  await h?.close();
}, 60_000);

/** One user's life, in order: created, given a crontab, shell changed, crontab changed, and for some deleted. */
async function userLife(i: number): Promise<void> {
  const ok = <T extends { userErrors: unknown[] }>(payload: T): T => {
    if (payload.userErrors.length) throw new Error(JSON.stringify(payload.userErrors));
    return payload;
  };
  const username = `load${i}`;
  const user = ok((await h.admin.data(CreateSystemUserDocument, { input: { accountId, username } })).createSystemUser).systemUser!;
  const entry = ok((await h.admin.data(CreateCrontabDocument, { input: { systemUserId: user.id, minute: '*/5', command: `echo ${username}` } })).createCrontab).crontab!;
  ok((await h.admin.data(UpdateSystemUserDocument, { input: { id: user.id, shell: 'BASH' } })).updateSystemUser);
  ok((await h.admin.data(UpdateCrontabDocument, { input: { id: entry.id, command: `echo ${username} changed` } })).updateCrontab);
  if (isDeleted(i)) ok((await h.admin.data(DeleteSystemUserDocument, { id: user.id })).deleteSystemUser);
}

/** A busy machine: one process spinning per core, for the whole burst. */
function startCpuHogs(): void {
  for (let i = 0; i < 2; i++) hogs.push(spawn('sh', ['-c', 'while :; do :; done'], { stdio: 'ignore' }));
}

/**
 * Pauses the worker that runs a script right now for longer than the heartbeat timeout, then resumes it. Does
 * nothing if no script is running by the time `idle()` says the burst is over.
 */
async function starveARunningWorker(idle: () => boolean): Promise<void> {
  const running = await pollUntil(
    'a script to be running',
    () => h.orm.em.fork().findOne(ScriptRun, { state: RunState.STARTED, worker: { $ne: null } }, { orderBy: { id: 'desc' } }),
    (run) => run !== null || idle(),
    120_000,
    50,
  );
  if (!running) return;
  const worker = workers.find((w) => running.worker === `${w.child.pid}@${hostname()}`) ?? workers[0];
  worker.pause();
  await sleep(25_000);
  worker.resume();
}

/** web2 goes down (sshd and everything it runs, as in a crash) for 10 s, then comes back with the same key. */
async function takeWeb2Down(): Promise<void> {
  await h.hosts.web2.stopSshd();
  await sleep(10_000);
  await h.hosts.web2.startSshd();
}

test('a burst of changes on a busy machine, a starved worker and a host down: all SUCCESS, none REVOKED, hosts equal to the database, each effect once', async () => {
  const before = await h.orm.em.fork().count(Operation, {});
  startCpuHogs();
  const burst = mapConcurrent(Array.from({ length: USERS }, (_, i) => i), 4, userLife);
  // The faults start once the burst is under way.
  await pollUntil('the burst to be under way', () => h.orm.em.fork().count(Operation, {}), (n) => n >= before + 20, 120_000, 100);
  let burstDone = false;
  void burst.finally(() => (burstDone = true));
  // A worker is starved again and again while the burst lasts; web2 goes down once.
  const starving = (async () => {
    do await starveARunningWorker(() => burstDone);
    while (!burstDone && (await sleep(10_000).then(() => !burstDone)));
  })();
  await Promise.all([starving, takeWeb2Down(), burst]);
  const mutations = USERS * 4 + Array.from({ length: USERS }, (_, i) => i).filter(isDeleted).length;
  // Every change is committed now: wait until none is pending (at least these many: creates and shell changes on
  // 2 hosts, 2 crontab changes, deletes on 2 hosts; implied crontab re-renders come on top).
  const expected = USERS * (2 + 2 + 2) + Array.from({ length: USERS }, (_, i) => i).filter(isDeleted).length * 2;
  await settleCount(h, before + expected, 600_000);
  for (const hog of hogs.splice(0)) hog.kill('SIGKILL');

  const ops = await h.orm.em.fork().find(Operation, { id: { $gt: String(before) } }, { orderBy: { id: 'asc' }, populate: ['run'] });
  expect(ops.length).toBeGreaterThanOrEqual(expected);
  expect(ops.filter((o) => o.state === RunState.REVOKED)).toEqual([]);
  // What an operator would look at first: the run's server, attempts, exit code, error and the ends of its output.
  const unsuccessful = ops.filter((o) => o.state !== RunState.SUCCESS).map((o) => {
    const run = o.run.getEntity();
    return { id: o.id, object: o.objectLabel, action: o.action, state: o.state, server: run.server.id, attempts: run.attempts,
      exitCode: run.exitCode, lastError: run.lastError, stdout: run.stdout.slice(-800), stderr: run.stderr.slice(-1500) };
  });
  expect(unsuccessful).toEqual([]);
  expect(ops.every((o) => FINAL_STATES.includes(o.state))).toBe(true);

  for (let i = 0; i < USERS; i++) {
    const username = `load${i}`;
    const deleted = isDeleted(i);
    const row = await h.orm.em.fork().findOne(SystemUser, { username }, { filters: false });
    expect([username, row === null]).toEqual([username, deleted]);
    for (const host of ['web1', 'web2']) {
      const entry = await passwdEntry(h.hosts[host], username);
      expect([host, username, deleted ? entry : entry.split(':').pop()]).toEqual([host, username, deleted ? '' : '/bin/bash']);
    }
    expect([username, await hostCrontab(h.hosts.web1, username)]).toEqual([username, deleted ? '' : await expectedCrontab(h, username)]);
    // web1 stayed up: each effect happened exactly once, in commit order.
    const lifecycle = (await effectsOf(h.hosts.web1, username)).filter((line) => !line.startsWith('usermod'));
    expect([username, lifecycle]).toEqual([username, deleted ? [`useradd ${username}`, `userdel ${username}`] : [`useradd ${username}`]]);
  }
  for (const server of ['web1', 'web2']) await assertSerialInIdOrder(h, dbId('Server', h.serverIds[server]));
  const attempts = await h.orm.em.fork().find(ScriptRun, { attempts: { $gt: 1 } }, { fields: ['id'] });
  console.log(`load: ${mutations} mutations, ${ops.length} operations: ${ops.filter((o) => o.state === RunState.SUCCESS).length} SUCCESS, ` +
    `${ops.filter((o) => o.state === RunState.REVOKED).length} REVOKED; ${attempts.length} scripts needed more than one attempt`);
}, 3_600_000);
