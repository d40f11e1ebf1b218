/**
 * Every kind of service a set-up description may list, applied through the services' use cases to the outbox (no
 * worker: the operations are read, not run; tests/account-setup.test.ts runs them on hosts): what each kind writes,
 * that the same description again writes nothing, that a changed field writes only its object, and that what a
 * listed kind no longer lists is deleted, in dependency order.
 */
import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { Operation } from '../src/entities/orchestration/operation.js';
import { Route } from '../src/entities/orchestration/route.js';
import { Server } from '../src/entities/orchestration/server.js';
import { databaseSettings } from '../src/services/databases/database-settings.js';
import { applyDescription } from '../src/standup/apply-description.js';
import { systemActor } from '../src/use-cases/actor.js';
import { runUseCase } from '../src/use-cases/run-use-case.js';
import { startApiHarness, type ApiHarness } from './support/api-harness.js';

let h: ApiHarness;

beforeAll(async () => {
  h = await startApiHarness();
  const em = h.orm.em.fork();
  const server = em.create(Server, { name: 'all1', address: '192.0.2.1' });
  for (const backend of ['system-users', 'crontabs', 'mariadb-users', 'mariadb-databases', 'bind9-master', 'dovecot-mailboxes']) {
    em.create(Route, { backend, server, match: '' });
  }
  await em.flush();
});
afterAll(() => h?.close());

/** Applies a description as the standUpAccount mutation does; returns its userErrors and its operations, in order. */
async function apply(description: unknown) {
  const outcome = await runUseCase(h.orm.em.fork(), systemActor('test'), 'standUpAccount', (uc) => applyDescription(uc, description, databaseSettings(h.config)));
  const ops = outcome.batchIds.length ? await h.orm.em.fork().find(Operation, { batch: { $in: outcome.batchIds } }, { orderBy: { id: 'asc' } }) : [];
  return { userErrors: outcome.userErrors, ops: ops.map((o) => `${o.backend}:${o.action}:${o.objectLabel}`) };
}

function full(changes: { ttl?: number; mailboxes?: unknown[]; spam?: string } = {}) {
  return {
    account: { username: 'every', password: 'every main password' },
    systemUsers: [{ username: 'every_web', shell: 'BASH', password: 'web password' }],
    crontabs: [{ systemUser: 'every_web', hour: '3', minute: '0', command: 'backup --all' }],
    databaseUsers: [{ type: 'MARIADB', username: 'every_db', password: 'db password' }],
    databases: [{ type: 'MARIADB', name: 'every_shop', users: ['every_db'] }],
    domains: [{ name: 'Every.Example', records: [{ type: 'A', value: '192.0.2.10', ...(changes.ttl ? { ttl: changes.ttl } : {}) }, { type: 'MX', value: '10 mail.example.net' }] }],
    mailboxes: changes.mailboxes ?? [
      { name: 'every', password: 'mailbox password', spamFilter: changes.spam ?? 'SUBJECT_TAG' },
      { name: 'every_info', password: 'info password' },
    ],
  };
}

test('each kind becomes its operations; the same description again writes nothing', async () => {
  const first = await apply(full());
  expect(first.userErrors).toEqual([]);
  expect([...first.ops].sort()).toEqual([
    'bind9-master:save:every.example',
    'crontabs:save:every_web: backup --all',
    'dovecot-mailboxes:save:every',
    'dovecot-mailboxes:save:every_info',
    'mariadb-databases:save:every_shop (mariadb)',
    'mariadb-users:save:every_db (mariadb)',
    'system-users:save:every',
    'system-users:save:every_web',
  ]);
  expect(await apply(full())).toEqual({ userErrors: [], ops: [] });
});

test('a changed field writes only its object', async () => {
  expect(await apply(full({ ttl: 600 }))).toEqual({ userErrors: [], ops: ['bind9-master:save:every.example'] });
  expect(await apply(full({ ttl: 600, spam: 'REJECT' }))).toEqual({ userErrors: [], ops: ['dovecot-mailboxes:save:every'] });
  expect(await apply(full({ ttl: 600, spam: 'REJECT' }))).toEqual({ userErrors: [], ops: [] });
});

test('what a listed kind no longer lists is deleted; a kind left out is left alone', async () => {
  const fewer = { ...full({ ttl: 600, spam: 'REJECT', mailboxes: [{ name: 'every', password: 'mailbox password', spamFilter: 'REJECT' }] }), databases: [], databaseUsers: [] };
  // Deletes run in reverse dependency order: the mailboxes (a later kind) first, the database before the user it names.
  expect(await apply(fewer)).toEqual({
    userErrors: [],
    ops: ['dovecot-mailboxes:delete:every_info', 'mariadb-databases:delete:every_shop (mariadb)', 'mariadb-users:delete:every_db (mariadb)'],
  });
  const { account } = full();
  expect(await apply({ account })).toEqual({ userErrors: [], ops: [] });
});

test('a use case refusing an item is a userError at its path, and nothing of the description is written', async () => {
  const before = await h.orm.em.fork().count(Operation);
  const result = await apply({ account: { username: 'refused' }, systemUsers: [{ username: 'refused_x' }], domains: [{ name: 'refused.example', records: [{ type: 'A', value: 'not an address' }] }] });
  expect(result.userErrors.map((e) => `${e.field} ${e.code}`)).toEqual(['input.description.domains[0].records[0].value INVALID']);
  expect(await h.orm.em.fork().count(Operation)).toBe(before);
});
