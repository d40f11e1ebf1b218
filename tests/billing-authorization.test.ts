/**
 * The authorisation matrix for billing: anonymous, a user of account A, a user of account B and an admin, over every
 * billing query, mutation and field. Account users read their own orders, contracts and miscellaneous items and
 * change none of them (the original let customers write orders and bills); everything else is admin only. A denied
 * call changes nothing.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { ContractedPlan } from '../src/entities/billing/contracted-plan.js';
import { Miscellaneous } from '../src/entities/billing/miscellaneous.js';
import { MiscellaneousKind } from '../src/entities/billing/miscellaneous-kind.js';
import { Order } from '../src/entities/billing/order.js';
import { Plan } from '../src/entities/billing/plan.js';
import { Rate } from '../src/entities/billing/rate.js';
import { Service } from '../src/entities/billing/service.js';
import { SCHEDULES, reconcileSchedules } from '../src/temporal/schedules/index.js';
import { scheduleId } from '../src/temporal/schedules/schedule-declaration.js';
import {
  BillingNodeDocument, BillingServiceDocument, BillingServicesDocument, CancelContractDocument, ContractedPlanWithPlanDocument, ContractedPlansDocument,
  ContractPlanDocument, CreateBillingServiceDocument, CreateMiscellaneousDocument, CreateMiscellaneousKindDocument, CreatePlanDocument, DeleteBillingServiceDocument,
  DeleteMiscellaneousDocument, DeleteMiscellaneousKindDocument, DeletePlanDocument, DeleteRateDocument, MiscellaneousItemDocument, MiscellaneousItemsDocument,
  MiscellaneousKindsDocument, OrderDocument, OrdersDocument, OrderWithServiceDocument, PlansDocument, RunOrdersCleanupMetricsDocument, RunOrdersUpdateDocument,
  SetRateDocument, UpdateBillingServiceDocument, UpdateMiscellaneousDocument, UpdateMiscellaneousKindDocument, UpdatePlanDocument, UpdateServiceOrdersDocument,
} from './generated/graphql.js';
import { startApiHarness, type ApiHarness } from './support/api-harness.js';
import { ADMIN_ONLY, ANY_USER, OWNER_OR_ADMIN, type Caller, type Case, type Expect } from './support/authorization-matrix.js';
import { accountWithUser, outcome } from './support/fixtures.js';
import type { GraphQLClient } from './support/graphql-client.js';

let h: ApiHarness;
let clients: Record<Caller, GraphQLClient>;
const ids: Record<string, string> = {};
let n = 0;

/** Hidden from account users: NOT_FOUND for both, like another account's objects. */
const HIDDEN: Record<Caller, Expect> = { anonymous: 'UNAUTHENTICATED', userA: 'NOT_FOUND', userB: 'NOT_FOUND', admin: 'ok' };
/** An admin-only field of an object account A reads: A gets FORBIDDEN at the field, B never reaches it (NOT_FOUND). */
const ADMIN_FIELD_OF_A: Record<Caller, Expect> = { anonymous: 'UNAUTHENTICATED', userA: 'FORBIDDEN', userB: 'NOT_FOUND', admin: 'ok' };
/** The same in a list B sees empty. */
const ADMIN_FIELD_IN_LIST: Record<Caller, Expect> = { anonymous: 'UNAUTHENTICATED', userA: 'FORBIDDEN', userB: 'ok', admin: 'ok' };

async function snapshot() {
  const em = h.orm.em.fork();
  const strip = (rows: object[]) => rows.map((r) => JSON.stringify({ ...r, updatedAt: undefined }));
  const all = async (entity: Parameters<typeof em.find>[0]) => strip(await em.find(entity, {}, { orderBy: { id: 'asc' } as never }));
  return {
    services: await all(Service), plans: await all(Plan), rates: await all(Rate), contracts: await all(ContractedPlan), orders: await all(Order),
    kinds: await all(MiscellaneousKind), items: await all(Miscellaneous),
  };
}

beforeAll(async () => {
  h = await startApiHarness();
  await reconcileSchedules(h.temporal, h.config.temporalTaskQueue, SCHEDULES);
  const service = (await h.admin.data(CreateBillingServiceDocument, { input: { description: 'membership', model: 'Account', nominalPrice: '5' } })).createService.service!;
  const a = await accountWithUser(h.admin, 'alpha');
  const b = await accountWithUser(h.admin, 'bravo');
  clients = { anonymous: h.client, userA: a.client, userB: b.client, admin: h.admin };
  ids.accountA = a.account.id;
  ids.service = service.id;
  ids.plan = (await h.admin.data(CreatePlanDocument, { input: { name: 'basic', allowMultiple: true } })).createPlan.billingPlan!.id;
  ids.rate = (await h.admin.data(SetRateDocument, { input: { serviceId: service.id, planId: ids.plan, quantity: 0, price: '4' } })).setRate.rate!.id;
  ids.contract = (await h.admin.data(ContractPlanDocument, { input: { accountId: ids.accountA, planId: ids.plan } })).contractPlan.contractedPlan!.id;
  ids.kind = (await h.admin.data(CreateMiscellaneousKindDocument, { input: { name: 'domain', hasIdentifier: true } })).createMiscellaneousKind.kind!.id;
  ids.item = (await h.admin.data(CreateMiscellaneousDocument, { input: { accountId: ids.accountA, kindId: ids.kind, identifier: 'alpha.example' } })).createMiscellaneous.miscellaneous!.id;
  await h.admin.data(CreateMiscellaneousDocument, { input: { accountId: b.account.id, kindId: ids.kind, identifier: 'bravo.example' } });
  ids.order = (await h.admin.data(OrdersDocument, { filter: { accountId: ids.accountA } })).orders.nodes[0]!.id;
});
afterAll(async () => {
  for (const declaration of SCHEDULES) await h?.temporal.schedule.getHandle(scheduleId(h.config.temporalTaskQueue, declaration)).delete().catch(() => undefined);
  await h?.close();
});

const cases: Case[] = [
  { name: 'query service (every field, rates)', run: (c) => c.request(BillingServiceDocument, { id: ids.service! }), expected: ADMIN_ONLY },
  { name: 'query services', run: (c) => c.request(BillingServicesDocument, {}), expected: ADMIN_ONLY },
  { name: 'query node(service)', run: (c) => c.request(BillingNodeDocument, { id: ids.service! }), expected: HIDDEN },
  { name: 'mutation createService', run: (c) => c.request(CreateBillingServiceDocument, { input: { description: `s${++n}`, model: 'Account', nominalPrice: '1' } }), expected: ADMIN_ONLY, mutates: true },
  { name: 'mutation updateService', run: (c) => c.request(UpdateBillingServiceDocument, { input: { id: ids.service!, nominalPrice: `${++n}` } }), expected: ADMIN_ONLY, mutates: true },
  { name: 'mutation updateServiceOrders', run: (c) => c.request(UpdateServiceOrdersDocument, { id: ids.service! }), expected: ADMIN_ONLY, mutates: true },
  { name: 'query plans', run: (c) => c.request(PlansDocument, {}), expected: ADMIN_ONLY },
  { name: 'query node(plan)', run: (c) => c.request(BillingNodeDocument, { id: ids.plan! }), expected: HIDDEN },
  { name: 'mutation createPlan', run: (c) => c.request(CreatePlanDocument, { input: { name: `p${++n}` } }), expected: ADMIN_ONLY, mutates: true },
  { name: 'mutation updatePlan', run: (c) => c.request(UpdatePlanDocument, { input: { id: ids.plan!, verboseName: `v${++n}` } }), expected: ADMIN_ONLY, mutates: true },
  { name: 'mutation setRate', run: (c) => c.request(SetRateDocument, { input: { serviceId: ids.service!, planId: ids.plan!, quantity: ++n, price: '1' } }), expected: ADMIN_ONLY, mutates: true },
  { name: 'query contractedPlans (with planName)', run: (c) => c.request(ContractedPlansDocument, { filter: { accountId: ids.accountA! } }), expected: ANY_USER },
  { name: 'query contractedPlans { plan } (admin-only field)', run: (c) => c.request(ContractedPlanWithPlanDocument, { filter: { accountId: ids.accountA! } }), expected: ADMIN_FIELD_IN_LIST },
  { name: 'query node(contract A)', run: (c) => c.request(BillingNodeDocument, { id: ids.contract! }), expected: OWNER_OR_ADMIN },
  { name: 'mutation contractPlan(A)', run: (c) => c.request(ContractPlanDocument, { input: { accountId: ids.accountA!, planId: ids.plan! } }), expected: ADMIN_ONLY, mutates: true },
  { name: 'query order(A) (every field)', run: (c) => c.request(OrderDocument, { id: ids.order! }), expected: OWNER_OR_ADMIN },
  { name: 'query order(A) { service } (admin-only field)', run: (c) => c.request(OrderWithServiceDocument, { id: ids.order! }), expected: ADMIN_FIELD_OF_A },
  { name: 'query node(order A)', run: (c) => c.request(BillingNodeDocument, { id: ids.order! }), expected: OWNER_OR_ADMIN },
  { name: 'query orders', run: (c) => c.request(OrdersDocument, {}), expected: ANY_USER },
  { name: 'query miscellaneousKinds', run: (c) => c.request(MiscellaneousKindsDocument, {}), expected: ADMIN_ONLY },
  { name: 'mutation createMiscellaneousKind', run: (c) => c.request(CreateMiscellaneousKindDocument, { input: { name: `k${++n}` } }), expected: ADMIN_ONLY, mutates: true },
  { name: 'mutation updateMiscellaneousKind', run: (c) => c.request(UpdateMiscellaneousKindDocument, { input: { id: ids.kind!, verboseName: `v${++n}` } }), expected: ADMIN_ONLY, mutates: true },
  { name: 'query miscellaneousItems', run: (c) => c.request(MiscellaneousItemsDocument, {}), expected: ANY_USER },
  { name: 'query miscellaneous(A)', run: (c) => c.request(MiscellaneousItemDocument, { id: ids.item! }), expected: OWNER_OR_ADMIN },
  { name: 'mutation createMiscellaneous(A)', run: (c) => c.request(CreateMiscellaneousDocument, { input: { accountId: ids.accountA!, kindId: ids.kind!, identifier: `x${++n}.example` } }), expected: ADMIN_ONLY, mutates: true },
  { name: 'mutation updateMiscellaneous(A)', run: (c) => c.request(UpdateMiscellaneousDocument, { input: { id: ids.item!, description: `d${++n}` } }), expected: ADMIN_ONLY, mutates: true },
  { name: 'mutation runOrdersUpdate', run: (c) => c.request(RunOrdersUpdateDocument, {}), expected: ADMIN_ONLY, mutates: true },
  { name: 'mutation runOrdersCleanupMetrics', run: (c) => c.request(RunOrdersCleanupMetricsDocument, {}), expected: ADMIN_ONLY, mutates: true },
];

describe.each(['anonymous', 'userB', 'userA', 'admin'] as Caller[])('as %s', (caller) => {
  test.each(cases.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    const before = c.mutates ? await snapshot() : null;
    const result = await c.run(clients[caller]);
    expect(outcome(result)).toBe(c.expected[caller]);
    if (c.expected[caller] !== 'ok' && before) expect(await snapshot()).toEqual(before);
    if (c.expected[caller] === 'ok') expect(result.data).toBeTruthy();
  });
});

test('lists show account users only their own orders, contracts and items', async () => {
  const accounts = async (c: GraphQLClient) => ({
    orders: new Set((await c.data(OrdersDocument, { first: 100 })).orders.nodes.map((o) => o.account.username)),
    contracts: (await c.data(ContractedPlansDocument, {})).contractedPlans.nodes.map((p) => p.account.username),
    items: new Set((await c.data(MiscellaneousItemsDocument, {})).miscellaneousItems.nodes.map((i) => i.account.username)),
  });
  expect(await accounts(clients.userA)).toEqual({ orders: new Set(['alpha']), contracts: expect.arrayContaining(['alpha']), items: new Set(['alpha']) });
  const bravo = await accounts(clients.userB);
  expect(bravo.orders).toEqual(new Set(['bravo']));
  expect(bravo.contracts).toEqual([]);
  expect(bravo.items).toEqual(new Set(['bravo']));
  // The admin's own account is an account too: the service bills it.
  expect((await accounts(clients.admin)).orders).toEqual(new Set(['admin', 'alpha', 'bravo']));
});

test('deletes: only admins; denied ones change nothing', async () => {
  const before = await snapshot();
  for (const caller of ['anonymous', 'userA', 'userB'] as const) {
    for (const run of [
      () => clients[caller].request(DeleteBillingServiceDocument, { id: ids.service! }),
      () => clients[caller].request(DeletePlanDocument, { id: ids.plan! }),
      () => clients[caller].request(DeleteRateDocument, { id: ids.rate! }),
      () => clients[caller].request(CancelContractDocument, { id: ids.contract! }),
      () => clients[caller].request(DeleteMiscellaneousKindDocument, { id: ids.kind! }),
      () => clients[caller].request(DeleteMiscellaneousDocument, { id: ids.item! }),
    ]) {
      expect(outcome(await run())).toBe(caller === 'anonymous' ? 'UNAUTHENTICATED' : 'FORBIDDEN');
    }
  }
  expect(await snapshot()).toEqual(before);
  // Admins: a service with orders and a contracted plan are refused (NOT_ALLOWED), the rest goes.
  const refused = await h.admin.data(DeleteBillingServiceDocument, { id: ids.service! });
  expect(refused.deleteService.userErrors).toEqual([expect.objectContaining({ code: 'NOT_ALLOWED' })]);
  expect((await h.admin.data(DeletePlanDocument, { id: ids.plan! })).deletePlan.userErrors).toEqual([expect.objectContaining({ code: 'NOT_ALLOWED' })]);
  expect(outcome(await h.admin.request(DeleteRateDocument, { id: ids.rate! }))).toBe('ok');
  expect(outcome(await h.admin.request(DeleteMiscellaneousDocument, { id: ids.item! }))).toBe('ok');
  expect(outcome(await h.admin.request(CancelContractDocument, { id: ids.contract! }))).toBe('ok');
});
