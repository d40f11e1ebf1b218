/**
 * A burst of changes to the same few objects, end to end (GraphQL → outbox → Temporal → SSH → a sandboxed sshd
 * host): 200 crontab updates over 6 entries of 3 system users, 8 requests in flight, so commits touching the same
 * user's crontab interleave. The host must end exactly as the database says, and its queue must have run the
 * scripts one at a time in commit order. (Crontabs go to one server here: a run costs ~0.35 s of workflow and SSH
 * round trips on a test machine, and the order is per server anyway.)
 */
import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { Operation } from '../src/entities/orchestration/operation.js';
import { RunState } from '../src/entities/orchestration/run-state.js';
import { CreateAccountDocument, CreateCrontabDocument, UpdateCrontabDocument } from './generated/graphql.js';
import { startOrchestraHarness, type OrchestraHarness } from './support/orchestra-harness.js';
import { assertSerialInIdOrder, dbId, expectedCrontab, hostCrontab, mapConcurrent, settleCount } from './support/resilience.js';
import { systemUserFor } from './support/service-fixtures.js';

let h: OrchestraHarness;
beforeAll(async () => {
  h = await startOrchestraHarness(['web1']);
  await h.startWorker();
  await h.addServer('web1', ['system-users', 'crontabs']);
}, 120_000);
afterAll(() => h?.close());

test('a burst of 200 crontab changes to the same entries: the host ends equal to the database, applied one at a time in commit order', async () => {
  const created = await h.admin.data(CreateAccountDocument, { input: { username: 'burst', type: 'INDIVIDUAL' } });
  const accountId = created.createAccount.account!.id;
  const users = ['burst1', 'burst2', 'burst3'];
  const entries: string[] = [];
  for (const [i, username] of users.entries()) {
    const userId = (await systemUserFor(h.admin, accountId, username)).id;
    for (const [minute, suffix] of [['*/5', 'a'], ['7', 'b']]) {
      const result = await h.admin.data(CreateCrontabDocument, { input: { systemUserId: userId, minute, command: `echo start-${i}-${suffix}` } });
      entries.push(result.createCrontab.crontab!.id);
    }
  }
  const before = await h.orm.em.fork().count(Operation, {});

  // Each update touches one of the 6 entries (2 per user) and gives it a command no other update uses.
  await mapConcurrent(
    Array.from({ length: 200 }, (_, i) => i),
    8,
    async (i) => {
      const result = await h.admin.data(UpdateCrontabDocument, { input: { id: entries[(i * 7) % entries.length], command: `echo burst-${i} >/dev/null # 100% ${i}` } });
      if (result.updateCrontab.userErrors.length) throw new Error(JSON.stringify(result.updateCrontab.userErrors));
    },
  );
  await settleCount(h, before + 200, 240_000);
  const burst = await h.orm.em.fork().find(Operation, { id: { $gt: String(before) } }, { orderBy: { id: 'asc' } });
  expect(burst).toHaveLength(200);
  expect(burst.filter((o) => o.state !== RunState.SUCCESS).map((o) => [o.id, o.state])).toEqual([]);

  // The host has what the database has: every entry with its last command.
  for (const username of users) {
    const expected = await expectedCrontab(h, username);
    expect(expected).toContain('burst-');
    expect({ username, crontab: await hostCrontab(h.hosts.web1, username) }).toEqual({ username, crontab: expected });
  }
  // One script at a time, in id (= commit) order.
  const runs = await assertSerialInIdOrder(h, dbId('Server', h.serverIds.web1));
  expect(runs.length).toBeGreaterThanOrEqual(200 + 6 + 4);
}, 300_000);
