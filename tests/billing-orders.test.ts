/**
 * Orders kept in step with what accounts have, through the real API: a service's match creates, updates and cancels
 * orders in the very transaction of the change (the order collector), cancellations inside the ignore period are
 * ignored (one month included), account types a service does not bill give ignored orders, a rolled-back change leaves
 * no order, metrics follow the object, and saving a service checks its expressions (hostile ones refused unevaluated).
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { Order } from '../src/entities/billing/order.js';
import { OrderMetric } from '../src/entities/billing/order-metric.js';
import { Service } from '../src/entities/billing/service.js';
import { SystemUser, SystemUserShell } from '../src/entities/services/system-user.js';
import { Account } from '../src/entities/accounts/account.js';
import { UserInputError } from '../src/errors/user-input-error.js';
import { systemActor } from '../src/use-cases/actor.js';
import { runUseCase } from '../src/use-cases/run-use-case.js';
import { addDays, dayOf } from '../src/billing/orders/calendar.js';
import { idOf } from '../src/schema/relay/global-id.js';
import {
  CreateAccountDocument, CreateBillingServiceDocument, CreateMiscellaneousDocument, CreateMiscellaneousKindDocument, CreateSystemUserDocument,
  CreateSystemUserPlanDocument, DeleteSystemUserDocument, OrdersDocument, UpdateAccountDocument, UpdateBillingServiceDocument, UpdateMiscellaneousDocument,
  UpdateServiceOrdersDocument, UpdateSystemUserDocument, type CreateServiceInput,
} from './generated/graphql.js';
import { startApiHarness, type ApiHarness } from './support/api-harness.js';
import { registerBillingContextProvider, unregisterBillingContextProvider, type BillingContextProvider } from '../src/billing/expressions/context-provider.js';
import { Crontab } from '../src/entities/services/crontab.js';
import { crontabFor } from './support/service-fixtures.js';
import { accountWithUser, PASSWORD } from './support/fixtures.js';

let h: ApiHarness;
let accountId: string;
let n = 0;

beforeAll(async () => {
  h = await startApiHarness();
  accountId = (await accountWithUser(h.admin, 'ordco')).account.id;
});
afterAll(() => h?.close());

async function service(input: Partial<CreateServiceInput> & { model: string }) {
  const result = await h.admin.data(CreateBillingServiceDocument, { input: { description: `service ${++n}`, nominalPrice: '10', ...input } });
  expect(result.createService.userErrors).toEqual([]);
  return result.createService.service!;
}

async function systemUser(username: string, shell: 'BASH' | 'NOLOGIN' = 'NOLOGIN', account = accountId) {
  const result = await h.admin.data(CreateSystemUserDocument, { input: { accountId: account, username, shell } });
  expect(result.createSystemUser.userErrors).toEqual([]);
  return result.createSystemUser.systemUser!;
}

const ordersOf = async (serviceId: string) => (await h.admin.data(OrdersDocument, { filter: { serviceId }, first: 100 })).orders.nodes;
const dbOrders = (serviceId: string) => h.orm.em.fork().find(Order, { service: idOf('Service', serviceId) }, { orderBy: { id: 'asc' } });

describe('lifecycle through GraphQL mutations', () => {
  test('creating a matching object creates its order in the same commit; the main user does not match', async () => {
    const ftp = await service({ model: 'SystemUser', match: 'not systemuser.isMain' });
    const user = await systemUser('ftpone');
    const orders = await ordersOf(ftp.id);
    expect(orders).toEqual([
      expect.objectContaining({
        model: 'SystemUser', objectId: user.id, objectLabel: 'ftpone', registeredOn: dayOf(new Date()), cancelledOn: null, ignore: false,
        isActive: true, billingState: 'PENDING', description: `${ftp.description}: ftpone`, serviceDescription: ftp.description, metric: null,
        account: { id: accountId, username: 'ordco' },
      }),
    ]);
  });

  test('a change that breaks the match cancels the order (inside the ignore period: ignored)', async () => {
    const shells = await service({ model: 'SystemUser', match: 'systemuser.shell == "/bin/bash"', orderDescription: 'Shell {systemuser.username} ({account.username})' });
    const user = await systemUser('shellone', 'BASH');
    expect((await ordersOf(shells.id)).map((o) => [o.description, o.isActive])).toEqual([['Shell shellone (ordco)', true]]);
    const updated = await h.admin.data(UpdateSystemUserDocument, { input: { id: user.id, shell: 'NOLOGIN' } });
    expect(updated.updateSystemUser.userErrors).toEqual([]);
    expect((await ordersOf(shells.id)).map((o) => [o.cancelledOn, o.ignore, o.isActive])).toEqual([[dayOf(new Date()), true, false]]);
    // Matching again: a new order (the cancelled one stays, for invoicing).
    await h.admin.data(UpdateSystemUserDocument, { input: { id: user.id, shell: 'BASH' } });
    expect((await dbOrders(shells.id)).map((o) => o.cancelledOn === null)).toEqual([false, true]);
  });

  test('deleting the object inside the ignore period: cancelled and ignored; with no ignore period: cancelled, billed', async () => {
    const trial = await service({ model: 'SystemUser', match: 'systemuser.username == "delone"', ignorePeriod: 'TEN_DAYS' });
    const never = await service({ model: 'SystemUser', match: 'systemuser.username == "delone"', ignorePeriod: 'NEVER' });
    const user = await systemUser('delone');
    expect(await h.admin.data(DeleteSystemUserDocument, { id: user.id })).toMatchObject({ deleteSystemUser: { userErrors: [] } });
    expect((await ordersOf(trial.id)).map((o) => [o.cancelledOn, o.ignore])).toEqual([[dayOf(new Date()), true]]);
    expect((await ordersOf(never.id)).map((o) => [o.cancelledOn, o.ignore])).toEqual([[dayOf(new Date()), false]]);
  });

  test('one month of ignore period: a deletion 20 days after registration is ignored; ten days would not be', async () => {
    const month = await service({ model: 'SystemUser', match: 'systemuser.username == "monthone"', ignorePeriod: 'ONE_MONTH' });
    const tenDays = await service({ model: 'SystemUser', match: 'systemuser.username == "monthone"', ignorePeriod: 'TEN_DAYS' });
    const user = await systemUser('monthone');
    const twentyDaysAgo = addDays(dayOf(new Date()), -20);
    await h.orm.em.fork().nativeUpdate(Order, { objectId: idOf('SystemUser', user.id), model: 'SystemUser' }, { registeredOn: twentyDaysAgo });
    await h.admin.data(DeleteSystemUserDocument, { id: user.id });
    expect((await ordersOf(month.id)).map((o) => [o.registeredOn, o.cancelledOn, o.ignore])).toEqual([[twentyDaysAgo, dayOf(new Date()), true]]);
    expect((await ordersOf(tenDays.id)).map((o) => o.ignore)).toEqual([false]);
  });

  test('an account type the service does not bill gets ignored orders; a type change re-evaluates its objects', async () => {
    const perAccount = await service({ model: 'Account', match: 'account.username == "friendco"' });
    const companies = await service({ model: 'SystemUser', match: 'account.type == "COMPANY" and systemuser.username == "friendftp"' });
    const created = await h.admin.data(CreateAccountDocument, { input: { username: 'friendco', type: 'FRIEND', password: PASSWORD } });
    const friend = created.createAccount.account!.id;
    expect((await ordersOf(perAccount.id)).map((o) => [o.objectLabel, o.ignore])).toEqual([['friendco', true]]);
    await systemUser('friendftp', 'NOLOGIN', friend);
    expect(await ordersOf(companies.id)).toEqual([]);
    // The account's type is a change of another row that re-renders its system users: their orders follow.
    expect((await h.admin.data(UpdateAccountDocument, { input: { id: friend, type: 'COMPANY' } })).updateAccount.userErrors).toEqual([]);
    expect((await ordersOf(companies.id)).map((o) => [o.objectLabel, o.isActive, o.ignore])).toEqual([['friendftp', true, false]]);
    // Filters: by account type, ignored, active.
    const ignoredFriends = await h.admin.data(OrdersDocument, { filter: { ignore: true, accountType: 'COMPANY', serviceId: perAccount.id } });
    expect(ignoredFriends.orders.totalCount).toBe(1);
    expect((await h.admin.data(OrdersDocument, { filter: { isActive: false, serviceId: companies.id } })).orders.totalCount).toBe(0);
  });

  test('a rolled-back change leaves no order: a dry run, and a use case that fails after its flush', async () => {
    const all = await service({ model: 'SystemUser', match: 'systemuser.username == "ghost"' });
    const plan = await h.admin.data(CreateSystemUserPlanDocument, { input: { accountId, username: 'ghost' } });
    expect(plan.createSystemUser.dryRun).toBe(true);
    expect(await dbOrders(all.id)).toEqual([]);
    const outcome = await runUseCase(h.orm.em.fork(), systemActor('test'), 'failing', async ({ em }) => {
      const account = await em.findOneOrFail(Account, { id: idOf('Account', accountId) });
      em.create(SystemUser, { account, username: 'ghost', shell: SystemUserShell.NOLOGIN });
      await em.flush();
      throw new UserInputError('input.username', 'refused after the flush');
    });
    expect(outcome.userErrors).toHaveLength(1);
    expect(await h.orm.em.fork().count(SystemUser, { username: 'ghost' })).toBe(0);
    expect(await dbOrders(all.id)).toEqual([]);
    // The same use case committing does write its order.
    await runUseCase(h.orm.em.fork(), systemActor('test'), 'committing', async ({ em }) => {
      const account = await em.findOneOrFail(Account, { id: idOf('Account', accountId) });
      em.create(SystemUser, { account, username: 'ghost', shell: SystemUserShell.NOLOGIN });
      await em.flush();
    });
    expect((await dbOrders(all.id)).map((o) => o.objectLabel)).toEqual(['ghost']);
  });
});

describe('metrics and miscellaneous items', () => {
  test('the metric follows the object; one metric row per day, overwritten', async () => {
    const kind = (await h.admin.data(CreateMiscellaneousKindDocument, { input: { name: 'hours', hasAmount: true } })).createMiscellaneousKind.kind!;
    const hours = await service({ model: 'Miscellaneous', match: 'miscellaneous.kind.name == "hours"', metric: 'miscellaneous.amount * 1.5', billingPeriod: 'ONE_TIME' });
    const item = (await h.admin.data(CreateMiscellaneousDocument, { input: { accountId, kindId: kind.id, amount: 3, description: 'support' } })).createMiscellaneous.miscellaneous!;
    expect((await ordersOf(hours.id)).map((o) => o.metric)).toEqual(['4.500']);
    expect((await h.admin.data(UpdateMiscellaneousDocument, { input: { id: item.id, amount: 7 } })).updateMiscellaneous.userErrors).toEqual([]);
    const [order] = await ordersOf(hours.id);
    expect(order!.metric).toBe('10.500');
    const rows = await h.orm.em.fork().find(OrderMetric, { order: idOf('Order', order!.id) });
    expect(rows.map((r) => [r.createdOn, r.value])).toEqual([[dayOf(new Date()), '10.500']]);
  });

  test('saving a service evaluates its metric on existing objects and names the first that fails', async () => {
    const kind = (await h.admin.data(CreateMiscellaneousKindDocument, { input: { name: 'packs', hasAmount: true } })).createMiscellaneousKind.kind!;
    const item = (await h.admin.data(CreateMiscellaneousDocument, { input: { accountId, kindId: kind.id, amount: 3 } })).createMiscellaneous.miscellaneous!;
    const before = await h.orm.em.fork().count(Service);
    const bad = await h.admin.data(CreateBillingServiceDocument, {
      input: { description: 'broken packs', model: 'Miscellaneous', nominalPrice: '1', match: 'miscellaneous.kind.name == "packs"', metric: '10 / (miscellaneous.amount - 3)' },
    });
    expect(bad.createService.userErrors).toEqual([
      expect.objectContaining({ field: 'input.metric', code: 'INVALID', message: expect.stringContaining(`Miscellaneous ${item.id}`) }),
    ]);
    expect(bad.createService.userErrors[0]!.message).toMatch(/division by zero/);
    expect(await h.orm.em.fork().count(Service)).toBe(before);
  });

  test.each([
    ['match', 'systemuser.__proto__ == 1', /"__proto__" is not a field/],
    ['match', 'constructor.constructor("return process")() == 1', /function calls are not allowed/],
    ['metric', 'process.exit(1)', /function calls are not allowed|unknown field/],
    ['metric', 'eval("1")', /function calls are not allowed/],
    ['metric', '10 ** 1000', /exponent .* from 0 to 64/],
    ['metric', '2 ** systemuser.id', /exponent .* from 0 to 64/],
    ['metric', '('.repeat(40) + '1' + ')'.repeat(40), /nested more than 32/],
    ['metric', '-'.repeat(40) + '1', /nested more than 32/],
    ['match', 'systemuser.passwordHash == "x"', /unknown field/],
    ['metric', 'systemuser.username', null],
    ['orderDescription', 'x {systemuser.passwordHash}', /unknown field/],
  ] as const)('%s %s is a userError, nothing saved', async (field, source, message) => {
    const before = await h.orm.em.fork().count(Service);
    const result = await h.admin.data(CreateBillingServiceDocument, { input: { description: `hostile ${++n}`, model: 'SystemUser', nominalPrice: '1', [field]: source } });
    expect(result.createService.userErrors).toHaveLength(1);
    expect(result.createService.userErrors[0]!.field).toBe(`input.${field}`);
    if (message) expect(result.createService.userErrors[0]!.message).toMatch(message);
    expect(await h.orm.em.fork().count(Service)).toBe(before);
  });

  test('bad plain fields are userErrors too', async () => {
    const result = await h.admin.data(CreateBillingServiceDocument, {
      input: { description: ' ', model: 'Nope', nominalPrice: '1.23456', taxRate: '101', ignoredAccountTypes: ['ROBOT'] },
    });
    expect(result.createService.userErrors.map((e) => `${e.field}:${e.code}`).sort()).toEqual([
      'input.description:REQUIRED', 'input.ignoredAccountTypes:INVALID', 'input.model:INVALID', 'input.nominalPrice:INVALID', 'input.taxRate:INVALID',
    ]);
  });

  test('updateServiceOrders brings existing objects in, and a second run changes nothing', async () => {
    await systemUser('lateone');
    const late = await service({ model: 'SystemUser', match: 'systemuser.username == "lateone"', metric: '1 + 1' });
    expect(await ordersOf(late.id)).toEqual([]);
    const first = await h.admin.data(UpdateServiceOrdersDocument, { id: late.id });
    expect(first.updateServiceOrders.counts).toMatchObject({ created: 1, updated: 0, cancelled: 0 });
    const second = await h.admin.data(UpdateServiceOrdersDocument, { id: late.id });
    expect(second.updateServiceOrders.counts).toMatchObject({ created: 0, updated: 0, cancelled: 0, unchanged: 1 });
    expect((await ordersOf(late.id)).map((o) => o.metric)).toEqual(['2.000']);
    // Deactivated, its orders stay as they are; the match changed through updateService applies on the next update.
    const off = await h.admin.data(UpdateBillingServiceDocument, { input: { id: late.id, match: 'systemuser.username == "nobody"' } });
    expect(off.updateService.userErrors).toEqual([]);
    expect((await h.admin.data(UpdateServiceOrdersDocument, { id: late.id })).updateServiceOrders.counts).toMatchObject({ cancelled: 1 });
  });
});

describe('the context provider (how resources plug in after the merge)', () => {
  // A provider like the resources domain will register: a per-object value read in bulk from real rows (here the
  // number of crontab lines of a system user, as `resources.cron.used`), and the rows whose changes change it.
  const provider: BillingContextProvider = {
    fields: async (_em, model) => (model === 'SystemUser' ? { fields: ['resources.cron.used'], booleanFields: [] } : { fields: [], booleanFields: [] }),
    async values(em, model, objectIds) {
      if (model !== 'SystemUser') return new Map();
      const rows: { id: string; n: number }[] = await em.execute(
        'select u.id::text as id, count(c.id)::int as n from "system_user" u left join crontab c on c.system_user_id = u.id where u.id in (select (jsonb_array_elements_text(?::jsonb))::bigint) group by u.id',
        [JSON.stringify(objectIds)],
      );
      return new Map(rows.map((r) => [r.id, { resources: { cron: { used: r.n } } }]));
    },
    related: [{ model: 'Crontab', objects: async (em, changed) => [{ model: 'SystemUser', id: (changed.entity as Crontab).systemUser.id }] }],
  };
  beforeAll(() => registerBillingContextProvider(provider));
  afterAll(() => unregisterBillingContextProvider(provider));

  test('its fields compile, its values feed the metric, and a change of a related row updates the order in the same commit', async () => {
    const cron = await service({ model: 'SystemUser', match: 'systemuser.username == "cronbill"', metric: 'max(resources.cron.used - 1, 0)' });
    const user = await systemUser('cronbill');
    expect((await ordersOf(cron.id)).map((o) => o.metric)).toEqual(['0.000']);
    await crontabFor(h.admin, user.id, 'echo one');
    await crontabFor(h.admin, user.id, 'echo two');
    await crontabFor(h.admin, user.id, 'echo three');
    expect((await ordersOf(cron.id)).map((o) => o.metric)).toEqual(['2.000']);
    // Without the provider the field does not exist: refused when a service is saved.
    unregisterBillingContextProvider(provider);
    try {
      const refused = await h.admin.data(CreateBillingServiceDocument, { input: { description: `no provider ${++n}`, model: 'SystemUser', nominalPrice: '1', metric: 'resources.cron.used' } });
      expect(refused.createService.userErrors).toEqual([expect.objectContaining({ field: 'input.metric', message: expect.stringMatching(/unknown field "resources.cron.used"/) })]);
    } finally {
      registerBillingContextProvider(provider);
    }
  });
});
