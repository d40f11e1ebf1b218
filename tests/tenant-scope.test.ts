/**
 * Regression (the scope once iterated a Map with Object.values and silently scoped nothing but Account): for every
 * entity the ORM knows, an account user's EntityManager returns exactly the rows of their account, and an
 * anonymous one returns none.
 */
import { afterAll, beforeAll, expect, test } from '@jest/globals';
import type { EntityManager } from '@mikro-orm/postgresql';
import { applyTenantScope, isAccountOwned } from '../src/auth/tenant-scope.js';
import { ANONYMOUS } from '../src/auth/viewer.js';
import { Account } from '../src/entities/accounts/account.js';
import { User } from '../src/entities/auth/user.js';
import { Route } from '../src/entities/orchestration/route.js';
import { Server } from '../src/entities/orchestration/server.js';
import { Crontab } from '../src/entities/services/crontab.js';
import { Domain } from '../src/entities/dns/domain.js';
import { DomainRecord } from '../src/entities/dns/domain-record.js';
import { SystemUser } from '../src/entities/services/system-user.js';
import {
  ContractPlanDocument, CreateApiTokenDocument, CreateBillingServiceDocument, CreateDatabaseDocument, CreateDatabaseUserDocument, CreateMiscellaneousDocument,
  CreateMiscellaneousKindDocument, CreatePlanDocument, LoginDocument, SetBillContactDocument, SetRateDocument, UpdateAccountDocument,
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
    await h.admin.data(ContractPlanDocument, { input: { accountId: account.id, planId: plan.id } });
    await h.admin.data(CreateMiscellaneousDocument, { input: { accountId: account.id, kindId: kind.id, amount: 2 } });
  }
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
