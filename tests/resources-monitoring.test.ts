/**
 * Resources on real hosts: the API, Temporal (the dev server, a real worker), the SSH pool and sandboxed sshd hosts
 * running the monitor scripts. Real `du` of homes with files of known sizes, rolled up to the account; limit actions
 * firing once per transition with the login shell checked on the host; a host whose configuration queue is blocked
 * still monitored; hostile monitor output recorded, never stored; bad input refused with nothing written; the
 * `resources` field of a page in a constant number of statements.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { MonitorData } from '../src/entities/resources/monitor-data.js';
import { MonitorRun } from '../src/entities/resources/monitor-run.js';
import { Resource } from '../src/entities/resources/resource.js';
import { Operation } from '../src/entities/orchestration/operation.js';
import { SystemUser } from '../src/entities/services/system-user.js';
import { RunState } from '../src/entities/orchestration/run-state.js';
import { idOf } from '../src/schema/relay/global-id.js';
import { AccountSearchAttribute, BackendSearchAttribute, ObjectSearchAttribute, ServerSearchAttribute } from '../src/temporal/search-attributes.js';
import type { MonitoringOutcome } from '../src/workflows/contracts/resources.js';
import {
  AccountResourcesDocument, CreateResourceDocument, CreateSystemUserDocument, MonitorNowDocument, ResourceHistoryDocument, SetResourceAllocationDocument,
  SystemUserResourcesDocument, SystemUsersPageResourcesDocument, type CreateResourceInput,
} from './generated/graphql.js';
import { accountWithUser, contactFor } from './support/fixtures.js';
import { startSmtpSink, type SmtpSink } from './support/smtp-sink.js';
import type { GraphQLClient } from './support/graphql-client.js';
import { startOrchestraHarness, type OrchestraHarness } from './support/orchestra-harness.js';
import { installStub, passwdEntry, pollUntil, removeStub } from './support/resilience.js';

let h: OrchestraHarness;
let alice: { accountId: string; mainId: string; webId: string; client: GraphQLClient };

let sink: SmtpSink;

beforeAll(async () => {
  sink = await startSmtpSink();
  h = await startOrchestraHarness(['web1'], { config: { ORCHESTRA_SMTP_URL: sink.url, ORCHESTRA_MAIL_FROM: 'panel@example.net' } });
  await h.addServer('web1', ['system-users']);
  await h.startWorker();
  const a = await accountWithUser(h.admin, 'alice');
  const web = await h.admin.data(CreateSystemUserDocument, { input: { accountId: a.account.id, username: 'alice-web', shell: 'BASH' } });
  expect(web.createSystemUser.userErrors).toEqual([]);
  const main = await h.orm.em.fork().findOneOrFail(SystemUser, { username: 'alice' });
  alice = { accountId: a.account.id, mainId: main.id, webId: web.createSystemUser.systemUser!.id, client: a.client };
  await h.settle({}, 2, 120_000);
}, 360_000);

afterAll(async () => {
  await h?.stopWorker();
  await h?.close();
  await sink?.close();
});

async function createResource(input: CreateResourceInput) {
  const r = await h.admin.data(CreateResourceDocument, { input });
  expect(r.createResource.userErrors).toEqual([]);
  return r.createResource.resource!;
}

/** monitorNow, then the workflow's outcome. */
async function monitorNow(resourceId: string, objectIds?: string[]): Promise<MonitoringOutcome> {
  const r = await h.admin.data(MonitorNowDocument, { resourceId, objectIds });
  expect(r.monitorNow.userErrors).toEqual([]);
  expect(r.monitorNow.run!.workflowUrl).toContain(encodeURIComponent(r.monitorNow.run!.workflowId!));
  lastWorkflowId = r.monitorNow.run!.workflowId!;
  return (await h.temporal.workflow.getHandle(r.monitorNow.run!.workflowId!).result()) as MonitoringOutcome;
}

const sh = (script: string, ...args: string[]) => h.hosts.web1.sandbox.exec(['bash', '-c', script, 'bash', ...args]);

/** The apparent size of everything in a directory, as `find` sees it (what `du -sb` must report). */
async function findBytes(dir: string): Promise<number> {
  const out = (await sh(`find "$1" -xdev -printf '%s\\n' | awk '{ s += $1 } END { print s }'`, dir)).stdout.trim();
  return Number(out);
}

async function writeFile(path: string, bytes: number) {
  await sh(`head -c "$2" /dev/zero > "$1"`, path, String(bytes));
}

let userDisk: { id: string };
let lastWorkflowId = '';
let accountDisk: { id: string };

describe('disk usage of homes, rolled up to the account', () => {
  test('files of known sizes give the usage du measures; the account\'s is the sum of its users\'', async () => {
    userDisk = await createResource({ name: 'disk', model: 'SystemUser', aggregation: 'LAST', unit: 'B', scale: '1', monitors: ['system-user-disk'] });
    accountDisk = await createResource({ name: 'disk', model: 'Account', aggregation: 'LAST', unit: 'KiB', scale: '2**10', monitors: ['system-user-disk'] });
    await writeFile('/home/alice/a.bin', 300_000);
    await writeFile('/home/alice/b.bin', 12_345);
    await sh('mkdir -p /home/alice-web/site && chown -R alice-web: /home/alice-web/site');
    await writeFile('/home/alice-web/site/index.html', 1_000_000);

    const outcome = await monitorNow(userDisk.id);
    expect(outcome.runs).toEqual([expect.objectContaining({ state: 'SUCCESS', stored: 2, malformed: 0 })]);
    // The run's workflow carries the objects it covered, its server, monitor and accounts.
    const run = await h.orm.em.fork().findOneOrFail(MonitorRun, { resourceId: idOf('Resource', userDisk.id) });
    expect(run.workflowId).toBe(lastWorkflowId);
    const attributes = (await h.temporal.workflow.getHandle(lastWorkflowId).describe()).typedSearchAttributes;
    expect(attributes.get(ObjectSearchAttribute)).toBe(`SystemUser:${alice.mainId} SystemUser:${idOf('SystemUser', alice.webId)}`);
    expect(attributes.get(ServerSearchAttribute)).toEqual(['web1']);
    expect(attributes.get(BackendSearchAttribute)).toEqual(['system-user-disk']);
    expect(attributes.get(AccountSearchAttribute)).toEqual(['alice']);
    const mainBytes = await findBytes('/home/alice');
    const webBytes = await findBytes('/home/alice-web');
    expect(mainBytes).toBeGreaterThan(312_345);
    expect(webBytes).toBeGreaterThan(1_000_000);

    const main = await h.admin.data(SystemUserResourcesDocument, { id: toGid('SystemUser', alice.mainId) });
    expect(main.systemUser.resources).toEqual([expect.objectContaining({ name: 'disk', used: mainBytes, unit: 'B', allocated: null })]);
    const web = await h.admin.data(SystemUserResourcesDocument, { id: alice.webId });
    expect(web.systemUser.resources[0]!.used).toBe(webBytes);

    // The account's resource reads the same samples through SystemUser.account; its own run measures again.
    await monitorNow(accountDisk.id, [alice.accountId]);
    const account = await h.admin.data(AccountResourcesDocument, { id: alice.accountId });
    const disk = account.account.resources.find((r) => r.name === 'disk')!;
    expect(disk.used).toBeCloseTo((mainBytes + webBytes) / 1024, 6);
    expect(disk.unit).toBe('KiB');

    // The account user reads its own usage; another account's user does not see it.
    const own = await alice.client.data(AccountResourcesDocument, { id: alice.accountId });
    expect(own.account.resources.find((r) => r.name === 'disk')!.used).toBe(disk.used);
    const bob = await accountWithUser(h.admin, 'bob');
    const foreign = await bob.client.request(AccountResourcesDocument, { id: alice.accountId });
    expect(foreign.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
  });

  test('history returns the samples in buckets', async () => {
    const now = Date.now();
    const history = await h.admin.data(ResourceHistoryDocument, {
      objectId: alice.webId, resource: 'disk', from: new Date(now - 3_600_000).toISOString(), to: new Date(now + 60_000).toISOString(), bucket: 'HOUR',
    });
    expect(history.resourceHistory.length).toBeGreaterThanOrEqual(1);
    expect(history.resourceHistory.at(-1)!.value).toBe(await findBytes('/home/alice-web'));
  });

  test('the resources field of a page costs the same statements for 5 and for 50 objects', async () => {
    const count = async (first: number) => {
      const before = h.sqlCount();
      const page = await h.admin.data(SystemUsersPageResourcesDocument, { first });
      return { statements: h.sqlCount() - before, n: page.systemUsers.nodes.length };
    };
    for (let i = 0; i < 6; i++) {
      const r = await h.admin.data(CreateSystemUserDocument, { input: { accountId: alice.accountId, username: `alice-p${i}` } });
      expect(r.createSystemUser.userErrors).toEqual([]);
    }
    // The worker shares the harness's statement counter: let the new users' operations end, and stop it meanwhile.
    await h.settle({}, await h.orm.em.fork().count(Operation), 120_000);
    await h.stopWorker();
    let small: { statements: number; n: number };
    let large: { statements: number; n: number };
    try {
      small = await count(2);
      large = await count(50);
    } finally {
      await h.startWorker();
    }
    expect(large.n).toBeGreaterThan(small.n);
    expect(large.statements).toBe(small.statements);
  });
});

function toGid(type: string, id: string): string {
  return Buffer.from(`${type}:${id}`).toString('base64url');
}

describe('limit actions', () => {
  test('exceeded and recovery fire once per transition over five runs (above, above, below, below, above); the shell changes on the host', async () => {
    await contactFor(alice.client, alice.accountId, 'Ada');
    const limited = await createResource({
      name: 'quota', model: 'SystemUser', aggregation: 'LAST', unit: 'MB', scale: '10**6', monitors: ['system-user-disk'], limitActions: true, defaultAllocation: 1000,
    });
    const set = await h.admin.data(SetResourceAllocationDocument, { input: { resourceId: limited.id, objectId: alice.webId, allocated: 2 } });
    expect(set.setResourceAllocation.userErrors).toEqual([]);
    const webId = idOf('SystemUser', alice.webId);
    const saves = () => h.orm.em.fork().count(Operation, { model: 'SystemUser', objectId: webId, action: 'save' });
    const savesBefore = await saves();
    expect(await passwdEntry(h.hosts.web1, 'alice-web')).toMatch(/:\/bin\/bash$/);

    await sh('mkdir -p /home/alice-web/site');
    const sizes = [3_000_000, 2_500_000, 0, 0, 4_000_000];
    const expectShell = ['nologin', 'nologin', 'bash', 'bash', 'nologin'];
    const outcomes: MonitoringOutcome[] = [];
    for (const [i, size] of sizes.entries()) {
      await writeFile('/home/alice-web/site/big.bin', size);
      outcomes.push(await monitorNow(limited.id, [alice.webId]));
      const ops = await h.settle({ model: 'SystemUser', objectId: webId }, 1, 120_000);
      expect(ops.every((o) => o.state === RunState.SUCCESS)).toBe(true);
      const entry = await passwdEntry(h.hosts.web1, 'alice-web');
      expect(entry.endsWith(expectShell[i] === 'bash' ? ':/bin/bash' : '/nologin')).toBe(true);
    }
    expect(outcomes.map((o) => [o.exceeded, o.recovered])).toEqual([[1, 0], [0, 0], [0, 1], [0, 0], [1, 0]]);
    // Three transitions, three saves: no action on the runs that crossed nothing.
    expect((await saves()) - savesBefore).toBe(3);
    // And three e-mails to the account's contact, through the mail queue, received by a real SMTP server.
    const notices = await pollUntil('three notices', async () => sink.messages.filter((m) => m.data.includes('alice-web')), (m) => m.length >= 3, 120_000);
    expect(notices.map((m) => /^Subject: (.*)$/m.exec(m.data)![1]!.trim())).toEqual([
      'Over the allocation: quota of alice-web', 'Back within the allocation: quota of alice-web', 'Over the allocation: quota of alice-web',
    ]);
    expect(notices.every((m) => m.from === 'panel@example.net' && JSON.stringify(m.to) === JSON.stringify(['ada@example.org']))).toBe(true);
    expect(notices[0]!.data).toContain('Its login shell is disabled');
    // Back under for the tests after.
    await writeFile('/home/alice-web/site/big.bin', 0);
    await monitorNow(limited.id, [alice.webId]);
    await h.settle({ model: 'SystemUser', objectId: webId }, 1, 120_000);
  });
});

describe('monitoring does not queue behind configuration', () => {
  test('a host whose configuration queue is blocked by a long-running script is still monitored', async () => {
    // useradd hangs: the next system user's save blocks web1's configuration queue.
    // It keeps its pid in the host's private /var/lib/orchestra, so the test ends exactly that process.
    await installStub(h.hosts.web1, 'useradd', '#!/bin/bash\necho $$ > /var/lib/orchestra/useradd-stub.pid\nexec sleep 600\n');
    try {
      const r = await h.admin.data(CreateSystemUserDocument, { input: { accountId: alice.accountId, username: 'alice-stuck' } });
      expect(r.createSystemUser.userErrors).toEqual([]);
      await pollUntil('the blocking script to start', () => h.orm.em.fork().findOne(Operation, { objectLabel: 'alice-stuck' }, { populate: ['run'] }), (op) => op?.run.getEntity().state === RunState.STARTED, 120_000);
      await writeFile('/home/alice/c.bin', 4321);
      const outcome = await monitorNow(userDisk.id, [toGid('SystemUser', alice.mainId)]);
      expect(outcome.runs).toEqual([expect.objectContaining({ state: 'SUCCESS', stored: 1 })]);
      const main = await h.admin.data(SystemUserResourcesDocument, { id: toGid('SystemUser', alice.mainId) });
      expect(main.systemUser.resources.find((x) => x.name === 'disk')!.used).toBe(await findBytes('/home/alice'));
      // The configuration script is still running.
      const stuck = await h.orm.em.fork().findOneOrFail(Operation, { objectLabel: 'alice-stuck' }, { populate: ['run'] });
      expect(stuck.run.getEntity().state).toBe(RunState.STARTED);
    } finally {
      await removeStub(h.hosts.web1, 'useradd');
      await sh('if [ -s /var/lib/orchestra/useradd-stub.pid ]; then kill "$(cat /var/lib/orchestra/useradd-stub.pid)" || true; fi');
    }
  });

  test('hostile monitor output is recorded against the run, never stored, never run', async () => {
    const mainId = alice.mainId;
    await installStub(h.hosts.web1, 'du', `#!/bin/bash\nprintf '%s\\t%s\\n' '777' "$3"\nprintf '%s\\n' "${mainId} \\$(touch /tmp/pwned)" '1 2 3' '99999 5' "${mainId} 5;id"\n`);
    try {
      const before = await h.orm.em.fork().count(MonitorData, { objectId: mainId });
      await monitorNow(userDisk.id, [toGid('SystemUser', mainId)]);
      const run = await h.orm.em.fork().findOneOrFail(MonitorRun, { objectIds: { $contains: [mainId] } }, { orderBy: { id: 'desc' } });
      expect(run.malformed.length).toBeGreaterThan(0);
      // Only the one well-formed line of the object (777 bytes, du's first line) became a sample.
      const samples = await h.orm.em.fork().find(MonitorData, { objectId: mainId }, { orderBy: { id: 'desc' } });
      expect(samples.length - before).toBe(1);
      expect(samples[0]!.value).toBe(777);
      expect((await sh('test -e /tmp/pwned && echo yes || echo no')).stdout.trim()).toBe('no');
    } finally {
      await removeStub(h.hosts.web1, 'du');
    }
  });
});

describe('bad input', () => {
  test.each([
    ['input.crontab', { crontab: '61 * * * *' }],
    ['input.crontab', { crontab: '* * * *' }],
    ['input.scale', { scale: '__import__("os").system("id")' }],
    ['input.scale', { scale: 'ten' }],
    ['input.monitors[0]', { monitors: ['no-such-monitor'] }],
    ['input.monitors[0]', { model: 'SystemUser', monitors: ['postgresql-size'] }],
    ['input.defaultAllocation', { defaultAllocation: -1 }],
    ['input.defaultAllocation', { onDemand: true, defaultAllocation: 5 }],
    ['input.name', { name: 'Bad Name' }],
  ] as const)('%s: %j is refused, nothing written', async (field, overrides) => {
    const before = await h.orm.em.fork().count(Resource);
    const r = await h.admin.data(CreateResourceDocument, { input: { name: 'bad', model: 'Account', aggregation: 'LAST', ...overrides } as CreateResourceInput });
    expect(r.createResource.resource).toBeNull();
    expect(r.createResource.userErrors.map((e) => e.field)).toContain(field);
    expect(await h.orm.em.fork().count(Resource)).toBe(before);
  });

  test('a monitor that cannot reach the model names the broken path', async () => {
    const r = await h.admin.data(CreateResourceDocument, { input: { name: 'bad', model: 'SystemUser', aggregation: 'LAST', monitors: ['mariadb-size'] } });
    expect(r.createResource.userErrors[0]!.message).toContain('no path Database → SystemUser');
  });

  test('a negative allocation, or one beyond the maximum, is refused and changes nothing', async () => {
    const bounded = await createResource({ name: 'inodes', model: 'SystemUser', aggregation: 'LAST', defaultAllocation: 5, maxAllocation: 10, monitors: [] });
    for (const allocated of [-1, 11]) {
      const r = await h.admin.data(SetResourceAllocationDocument, { input: { resourceId: bounded.id, objectId: alice.webId, allocated } });
      expect(r.setResourceAllocation.userErrors.map((e) => e.field)).toEqual(['input.allocated']);
    }
    const wrongModel = await h.admin.data(SetResourceAllocationDocument, { input: { resourceId: bounded.id, objectId: alice.accountId, allocated: 1 } });
    expect(wrongModel.setResourceAllocation.userErrors.map((e) => e.field)).toEqual(['input.objectId']);
    const web = await h.admin.data(SystemUserResourcesDocument, { id: alice.webId });
    expect(web.systemUser.resources.find((x) => x.name === 'inodes')!.allocated).toBe(5);
  });
});
