/**
 * Closing the API waits for the batch starts its last commits began, so the caller can close the Temporal connection
 * after it: a start still retrying in the Temporal client when its connection closed threw "Channel has been shut
 * down" from the client's retry timer, an uncaught exception that failed a CI run's test file.
 */
import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { Route } from '../src/entities/orchestration/route.js';
import { Server } from '../src/entities/orchestration/server.js';
import { setBatchStarter } from '../src/orchestration/outbox/outbox-registry.js';
import { CreateAccountDocument } from './generated/graphql.js';
import { startApiHarness, type ApiHarness } from './support/api-harness.js';
import { pollUntil } from './support/resilience.js';

let h: ApiHarness;
beforeAll(async () => {
  h = await startApiHarness();
  const em = h.orm.em.fork();
  const server = em.create(Server, { name: 'closing1', address: '192.0.2.40' });
  em.create(Route, { backend: 'system-users', server });
  await em.flush();
});
afterAll(() => h?.close());

test('close() returns only after the starts of committed batches have ended, and a second close() is the same close', async () => {
  const events: string[] = [];
  const begun: string[] = [];
  let finishStart!: () => void;
  const startEnds = new Promise<void>((resolve) => (finishStart = resolve));
  // A start that is slow to end, as one retrying against a busy Temporal is.
  setBatchStarter(h.orm, {
    start: async (id) => {
      begun.push(id);
      await startEnds;
      events.push('start ended');
    },
  });
  const created = await h.admin.data(CreateAccountDocument, { input: { username: 'closer' } });
  expect(created.createAccount.userErrors).toEqual([]);
  await pollUntil('the committed batch being started', async () => begun.length, (n) => n === 1);

  const closing = h.api.close().then(() => events.push('closed'));
  setTimeout(finishStart, 1_500);
  await closing;
  expect(events).toEqual(['start ended', 'closed']);
  await h.api.close(); // afterAll closes again: the same, ended close
});
