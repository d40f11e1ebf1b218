/**
 * Regression (the scope once iterated a Map with Object.values and silently scoped nothing but Account): for every
 * entity the ORM knows, an account user's EntityManager returns exactly the rows of their account, and an
 * anonymous one returns none. List pages read rows instead of entities (src/schema/relay/read-rows.ts): the same
 * scope, and the same values; and in plain SQL (src/schema/relay/row-sql.ts) the same rows, pages and counts as
 * MikroORM's query building.
 */
import { afterAll, beforeAll, expect, test } from '@jest/globals';
import type { EntityManager } from '@mikro-orm/postgresql';
import { ReferenceKind, wrap } from '@mikro-orm/core';
import { applyTenantScope, isAccountOwned } from '../src/auth/tenant-scope.js';
import { countRows, findRows, findRowsThroughOrm } from '../src/schema/relay/read-rows.js';
import { countRowsSql, selectRowsSql } from '../src/schema/relay/row-sql.js';
import { paginate } from '../src/schema/relay/connection.js';
import { Contact } from '../src/entities/accounts/contact.js';
import { Operation } from '../src/entities/orchestration/operation.js';
import { AuditEntry } from '../src/entities/audit/audit-entry.js';
import { ANONYMOUS } from '../src/auth/viewer.js';
import { MonitorData } from '../src/entities/resources/monitor-data.js';
import { MonitorRun } from '../src/entities/resources/monitor-run.js';
import { Resource } from '../src/entities/resources/resource.js';
import { ResourceData } from '../src/entities/resources/resource-data.js';
import { ResourceScheduleChange } from '../src/entities/resources/resource-schedule-change.js';
import { Account } from '../src/entities/accounts/account.js';
import { User } from '../src/entities/auth/user.js';
import { Route } from '../src/entities/orchestration/route.js';
import { Server } from '../src/entities/orchestration/server.js';
import { Crontab } from '../src/entities/services/crontab.js';
import { Domain } from '../src/entities/dns/domain.js';
import { DomainRecord } from '../src/entities/dns/domain-record.js';
import { SystemUser } from '../src/entities/services/system-user.js';
import { toGlobalId } from '../src/schema/relay/global-id.js';
import { addMonths, dayOf } from '../src/billing/orders/calendar.js';
import {
  BillOrdersDocument, CloseBillDocument, ContractPlanDocument, CreateAddressDocument, CreatePaymentSourceDocument, CreateApiTokenDocument, CreateBillingServiceDocument, CreateDatabaseDocument, CreateDatabaseUserDocument,
  CreateMailboxDocument, CreateMailingListDocument, CreateMiscellaneousDocument, CreateMiscellaneousKindDocument, CreatePlanDocument, CreateWebAppDocument, CreateWebsiteDocument, LoginDocument, SetBillContactDocument,
  SetRateDocument, UpdateAccountDocument,
} from './generated/graphql.js';
import { startApiHarness, type ApiHarness } from './support/api-harness.js';
import { accountWithUser, contactFor } from './support/fixtures.js';

let h: ApiHarness;
let alphaId: string;
beforeAll(async () => {
  h = await startApiHarness();
  // A server routed for system users, so accounts produce operations (batches, script runs) too.
  const em = h.orm.em.fork();
  const server = em.create(Server, { name: 'web1', address: '127.0.0.1', sshPort: 1 });
  em.create(Route, { backend: 'system-users', server });
  await em.flush();
  // Billing: a service on accounts (each account's creation then writes its order and first metric), a plan with a
  // rate, and per account a contract and a miscellaneous item.
  const created = await h.admin.data(CreateBillingServiceDocument, { input: { description: 'membership', model: 'Account', nominalPrice: '5', metric: '1' } });
  if (!created.createService.service) throw new Error(JSON.stringify(created.createService.userErrors));
  const service = created.createService.service;
  const plan = (await h.admin.data(CreatePlanDocument, { input: { name: 'basic' } })).createPlan.billingPlan!;
  await h.admin.data(SetRateDocument, { input: { serviceId: service.id, planId: plan.id, quantity: 0, price: '4' } });
  const kind = (await h.admin.data(CreateMiscellaneousKindDocument, { input: { name: 'hours', hasAmount: true } })).createMiscellaneousKind.kind!;
  for (const name of ['alpha', 'bravo']) {
    const { account, client } = await accountWithUser(h.admin, name);
    await contactFor(client, account.id);
    await client.data(SetBillContactDocument, { input: { accountId: account.id, name, address: 'A 1', city: 'C', zipcode: '08001', country: 'ES' } });
    await client.data(CreateApiTokenDocument, { input: { name } });
    await client.data(UpdateAccountDocument, { input: { id: account.id, fullName: name } }); // an audit entry
    await h.orm.em.fork().transactional(async (tx) => {
      const user = await tx.findOneOrFail(SystemUser, { username: name });
      tx.create(Crontab, { account: user.account, systemUser: user, command: 'true' });
      const domain = tx.create(Domain, { account: user.account, name: `${name}.example` });
      tx.create(DomainRecord, { account: user.account, domain, type: 'A', value: '192.0.2.1' });
    });
    const dbUser = await client.data(CreateDatabaseUserDocument, { input: { accountId: account.id, type: 'MARIADB', username: `${name}_db`, password: 'a long password' } });
    await client.data(CreateDatabaseDocument, { input: { accountId: account.id, type: 'MARIADB', name: `${name}_db`, userIds: [dbUser.createDatabaseUser.databaseUser!.id] } });
    // Resources: an allocation (account-owned) and the admin-only rows of monitoring.
    await h.orm.em.fork().transactional(async (tx) => {
      const account = await tx.findOneOrFail(Account, { username: name });
      const resource = tx.create(Resource, { name: `disk-${name}`, model: 'Account', aggregation: 'last' });
      tx.create(ResourceData, { resource, model: 'Account', objectId: account.id, account, allocated: 1 });
      tx.create(MonitorData, { monitor: 'system-user-disk', model: 'SystemUser', objectId: account.id, createdAt: new Date(), value: 1 });
      tx.create(MonitorRun, { server: server.id, monitor: 'system-user-disk', script: '' });
      await tx.flush();
      tx.create(ResourceScheduleChange, { resourceId: resource.id, createdAt: new Date() });
    });
    const mailbox = await client.data(CreateMailboxDocument, { input: { accountId: account.id, name: `${name}-mbox`, password: 'a long password' } });
    const domain = await h.orm.em.fork().findOneOrFail(Domain, { name: `${name}.example` });
    await client.data(CreateAddressDocument, { input: { domainId: toGlobalId('Domain', domain.id), name: 'info', mailboxIds: [mailbox.createMailbox.mailbox!.id] } });
    await client.data(CreateMailingListDocument, { input: { domainId: toGlobalId('Domain', domain.id), name: `${name}-list`, adminEmail: `owner@${name}.example`, password: 'a long password' } });
    const app = await client.data(CreateWebAppDocument, { input: { accountId: account.id, name: 'site', type: 'STATIC' as never } });
    await client.data(CreateWebsiteDocument, { input: { accountId: account.id, name: 'main', domainIds: [toGlobalId('Domain', domain.id)], contents: [{ path: '/', webAppId: app.createWebApp.webApp!.id }] } });
    await h.admin.data(ContractPlanDocument, { input: { accountId: account.id, planId: plan.id } });
    await h.admin.data(CreateMiscellaneousDocument, { input: { accountId: account.id, kindId: kind.id, amount: 2 } });
  }
  // Bills and payments: a closed invoice per account (its lines, a plan discount, a transaction, the counter, its
  // e-mail: admin only), a payment source, and a processing run (admin only).
  for (const name of ['alpha', 'bravo']) {
    const account = await h.orm.em.fork().findOneOrFail(Account, { username: name });
    const accountId = toGlobalId('Account', account.id);
    const billed = await h.admin.data(BillOrdersDocument, { input: { accountIds: [accountId], billingPoint: addMonths(dayOf(new Date()), 12), fixedPoint: true } });
    if (!billed.billOrders.run?.bills[0]) throw new Error(JSON.stringify(billed));
    await h.admin.data(CloseBillDocument, { id: billed.billOrders.run.bills[0].id });
    await h.admin.data(CreatePaymentSourceDocument, { input: { accountId, method: 'BANK_TRANSFER' } });
  }
  await h.orm.em.fork().execute("insert into transaction_process (created_at, updated_at, state, method, kind, file_name, file) values (now(), now(), 'CREATED', 'SEPA_DIRECT_DEBIT', 'DIRECT_DEBIT', 'x.xml', '')");
  alphaId = (await h.orm.em.fork().findOneOrFail(Account, { username: 'alpha' })).id;
  await h.client.data(LoginDocument, { input: { username: 'alpha', password: 'a wrong password' } }); // a login attempt
});
afterAll(() => h?.close());

function scoped(viewer: Parameters<typeof applyTenantScope>[1]): EntityManager {
  const em = h.orm.em.fork();
  applyTenantScope(em, viewer);
  return em;
}

test('every entity is scoped: account users see only their account\'s rows, anonymous callers see none', async () => {
  const alphaUser = await h.orm.em.fork().findOneOrFail(User, { username: 'alpha' });
  const alpha = scoped({ kind: 'user', userId: alphaUser.id, username: 'alpha', accountId: alphaId, isAdmin: false, apiTokenId: null });
  const anonymous = scoped(ANONYMOUS);
  const unscoped = h.orm.em.fork();
  const metas = [...h.orm.getMetadata()].filter((m) => !m.abstract && !m.embeddable);
  expect(metas.length).toBeGreaterThanOrEqual(6);
  for (const meta of metas) {
    const all = await unscoped.count(meta.class, {});
    expect([meta.className, all > 0]).toEqual([meta.className, true]);
    const own = meta.class === Account ? 1 : isAccountOwned(meta) ? await unscoped.count(meta.class, { account: alphaId }) : 0;
    expect([meta.className, await alpha.count(meta.class, {})]).toEqual([meta.className, own]);
    expect([meta.className, await anonymous.count(meta.class, {})]).toEqual([meta.className, 0]);
  }
});

test('list pages read rows with the same scope and the same values as entities, for every entity', async () => {
  const alphaUser = await h.orm.em.fork().findOneOrFail(User, { username: 'alpha' });
  const viewers = [
    { kind: 'user' as const, userId: alphaUser.id, username: 'alpha', accountId: alphaId, isAdmin: false, apiTokenId: null },
    ANONYMOUS,
    { kind: 'user' as const, userId: alphaUser.id, username: 'alpha', accountId: alphaId, isAdmin: true, apiTokenId: null },
  ];
  const metas = [...h.orm.getMetadata()].filter((m) => !m.abstract && !m.embeddable);
  let compared = 0;
  for (const viewer of viewers) {
    for (const meta of metas) {
      const entities = await scoped(viewer).find(meta.class, {}, { orderBy: { id: 'asc' } });
      const rows = await findRows(scoped(viewer), meta.class, {}, { orderBy: { id: 'asc' } });
      const expected = entities.map((entity) => {
        const values: Record<string, unknown> = {};
        const data = wrap(entity, true).toObject() as Record<string, unknown>;
        for (const prop of Object.values(meta.properties)) {
          if (prop.persist === false) continue;
          if (prop.kind === ReferenceKind.SCALAR) values[prop.name] = (entity as Record<string, unknown>)[prop.name];
          else if (prop.kind === ReferenceKind.MANY_TO_ONE) values[prop.name] = data[prop.name] ?? null;
        }
        return values;
      });
      const actual = rows.map((row) => {
        const values: Record<string, unknown> = {};
        for (const prop of Object.values(meta.properties)) {
          if (prop.persist === false) continue;
          const value = (row as Record<string, unknown>)[prop.name];
          if (prop.kind === ReferenceKind.SCALAR) values[prop.name] = value;
          else if (prop.kind === ReferenceKind.MANY_TO_ONE) values[prop.name] = (value as { id: string } | null)?.id ?? null;
        }
        return values;
      });
      expect([meta.className, actual]).toEqual([meta.className, expected]);
      compared += rows.length;
    }
  }
  expect(compared).toBeGreaterThan(20);
});

/** The rows as plain values (relations as their keys), to compare two reads. */
function valuesOf(rows: object[]): unknown[] {
  return rows.map((row) => {
    const values: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(row)) values[key] = value && typeof value === 'object' && 'load' in value ? (value as { id: string }).id : value;
    return values;
  });
}

function viewersForPlainSql(alphaUserId: string) {
  return [
    { kind: 'user' as const, userId: alphaUserId, username: 'alpha', accountId: alphaId, isAdmin: false, apiTokenId: null },
    ANONYMOUS,
    { kind: 'user' as const, userId: alphaUserId, username: 'alpha', accountId: alphaId, isAdmin: true, apiTokenId: null },
  ];
}

test('plain SQL reads every entity\'s list pages: the same rows, keyset pages and counts as MikroORM\'s queries, per viewer', async () => {
  const alphaUser = await h.orm.em.fork().findOneOrFail(User, { username: 'alpha' });
  const metas = [...h.orm.getMetadata()].filter((m) => !m.abstract && !m.embeddable);
  let pages = 0;
  for (const viewer of viewersForPlainSql(alphaUser.id)) {
    for (const meta of metas) {
      const em = scoped(viewer);
      // Every entity's list is covered (nothing falls back to MikroORM for a page without filters).
      expect([meta.className, selectRowsSql(em, meta, {}, { orderBy: { id: 'desc' }, first: 2 }) !== undefined]).toEqual([meta.className, true]);
      expect([meta.className, countRowsSql(em, meta, {}) !== undefined]).toEqual([meta.className, true]);
      expect([meta.className, await countRows(em, meta.class, {})]).toEqual([meta.className, await scoped(viewer).count(meta.class, {})]);
      // Walk the whole list in pages of 2, newest first, both ways: the same rows on every page.
      let after: string | undefined;
      do {
        const options = { orderBy: { id: 'desc' as const }, first: 2, overfetch: true, ...(after && { after }) };
        const plain = await findRows(scoped(viewer), meta.class, {}, options);
        const orm = await findRowsThroughOrm(scoped(viewer), meta.class, {}, options);
        expect([meta.className, valuesOf(plain)]).toEqual([meta.className, valuesOf(orm)]);
        const page = await paginate(scoped(viewer), meta.class as never, {}, { id: 'desc' }, { first: 2, after });
        after = page.pageInfo.hasNextPage ? page.pageInfo.endCursor! : undefined;
        pages++;
      } while (after);
    }
  }
  expect(pages).toBeGreaterThan(3 * metas.length);
});

test('plain SQL writes the resolvers\' filters as MikroORM does, sorts by a second key, and leaves what it does not know to MikroORM', async () => {
  const alphaUser = await h.orm.em.fork().findOneOrFail(User, { username: 'alpha' });
  const accountIds = (await h.orm.em.fork().find(Account, {})).map((a) => a.id);
  const since = new Date(Date.now() - 3_600_000);
  const cases: [string, { class: never }, object, Record<string, 'asc' | 'desc' | 'ASC' | 'DESC'>][] = [
    ['search', Account as never, { $or: [{ username: { $ilike: '%LPH%' } }, { shortName: { $ilike: '%lph%' } }, { fullName: { $ilike: '%x%' } }] }, { username: 'asc' }],
    ['enum and boolean', Account as never, { type: 'INDIVIDUAL', isActive: true }, { createdAt: 'DESC' }],
    ['relation keys', Contact as never, { account: { $in: accountIds } }, { shortName: 'asc' }],
    ['one relation key', Contact as never, { account: alphaId }, { id: 'asc' }],
    ['null and not null', Domain as never, { top: null }, { id: 'asc' }],
    ['not null', Domain as never, { top: { $ne: null } }, { id: 'asc' }],
    ['enum list and a time range', Operation as never, { state: { $in: ['RECEIVED', 'ERROR', 'RETRYING', 'STARTED'] }, createdAt: { $gte: since, $lt: new Date(Date.now() + 60_000) } }, { id: 'desc' }],
    ['and of ors', Account as never, { $and: [{ $or: [{ isActive: true }, { isActive: false }] }, { username: { $like: '%a%' } }] }, { username: 'desc' }],
    ['time order', AuditEntry as never, {}, { createdAt: 'desc' }],
  ];
  for (const viewer of viewersForPlainSql(alphaUser.id)) {
    for (const [name, entity, where, orderBy] of cases) {
      const meta = h.orm.getMetadata().get(entity.class ?? entity);
      const fullOrder = { ...orderBy, id: Object.values(orderBy).at(-1)! };
      expect([name, selectRowsSql(scoped(viewer), meta, where, { orderBy: fullOrder, first: 1 }) !== undefined]).toEqual([name, true]);
      expect([name, await countRows(scoped(viewer), meta.class, where)]).toEqual([name, await scoped(viewer).count(meta.class, where)]);
      let after: string | undefined;
      let seen = 0;
      do {
        const options = { orderBy: fullOrder, first: 1, overfetch: true, ...(after && { after }) };
        const plain = await findRows(scoped(viewer), meta.class, where, options as never);
        expect([name, valuesOf(plain)]).toEqual([name, valuesOf(await findRowsThroughOrm(scoped(viewer), meta.class, where, options as never))]);
        const page = await paginate(scoped(viewer), meta.class as never, where, orderBy as never, { first: 1, after });
        seen += page.nodes.length;
        after = page.pageInfo.hasNextPage ? page.pageInfo.endCursor! : undefined;
      } while (after);
      expect([name, seen]).toEqual([name, await scoped(viewer).count(meta.class, where)]);
    }
  }
  // Not written in plain SQL: an array containment, a nested relation condition, an entity as a value, an unscoped
  // EntityManager, a cursor that is not one value per key.
  const em = scoped(ANONYMOUS);
  const contactMeta = h.orm.getMetadata().get(Contact);
  expect(selectRowsSql(em, contactMeta, { emailUsages: { $contains: ['BILLING'] } }, {})).toBeUndefined();
  expect(selectRowsSql(em, contactMeta, { account: { type: 'INDIVIDUAL' } }, {})).toBeUndefined();
  expect(selectRowsSql(em, contactMeta, { account: alphaUser }, {})).toBeUndefined();
  expect(selectRowsSql(h.orm.em.fork(), contactMeta, {}, {})).toBeUndefined();
  expect(selectRowsSql(em, contactMeta, {}, { orderBy: { id: 'asc' }, after: Buffer.from('[1,2]').toString('base64url') })).toBeUndefined();
});

test('inside a transaction, list pages and counts read on the transaction\'s connection: its uncommitted rows are seen', async () => {
  // Plain SQL runs as prepared statements on the pool (src/db/prepared-read.ts); a transaction's statements must run
  // on its own connection, or a use case would not see what it has just written.
  const alphaUser = await h.orm.em.fork().findOneOrFail(User, { username: 'alpha' });
  const viewer = viewersForPlainSql(alphaUser.id)[0];
  const committed = await countRows(scoped(viewer), Contact, { account: alphaId });
  const tx = h.orm.em.fork();
  await tx.begin();
  try {
    applyTenantScope(tx, viewer);
    tx.create(Contact, { account: alphaId, shortName: 'uncommitted', email: 'uncommitted@example.org' });
    await tx.flush();
    expect(await countRows(tx, Contact, { account: alphaId })).toBe(committed + 1);
    const rows = await findRows(tx, Contact, { account: { $in: [alphaId] } }, { orderBy: { id: 'desc' }, first: 1 });
    expect(rows.map((row) => row.shortName)).toEqual(['uncommitted']);
  } finally {
    await tx.rollback();
  }
  expect(await countRows(scoped(viewer), Contact, { account: alphaId })).toBe(committed);
});
