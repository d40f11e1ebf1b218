/**
 * Adding a service is declaring it: a toy service model made entirely inside this test (its entity and table, its
 * service module, its backend) is served by the collector, preview, server sync, the `orchestrate` command and the
 * account cascade without any change to their code (issue "One place per service").
 */
import { afterAll, beforeAll, expect, test } from '@jest/globals';
import type { Ref } from '@mikro-orm/core';
import { Entity, ManyToOne, Property } from '@mikro-orm/decorators/legacy';
import { startApi, type ApiHandle } from '../src/api/app.js';
import { createAccount, deleteAccount, setAccountActive } from '../src/accounts/account.use-cases.js';
import { bootstrapFirstAdmin } from '../src/auth/bootstrap.js';
import { Account } from '../src/entities/accounts/account.js';
import { AuditEntry } from '../src/entities/audit/audit-entry.js';
import { BaseEntity } from '../src/entities/base.js';
import { ALL_ENTITIES } from '../src/entities/index.js';
import { Operation } from '../src/entities/orchestration/operation.js';
import { Route } from '../src/entities/orchestration/route.js';
import { Server } from '../src/entities/orchestration/server.js';
import { defineBackend } from '../src/orchestration/backends/backend.js';
import { registerBackend, unregisterBackend } from '../src/orchestration/backends/registry.js';
import { renderPlan } from '../src/orchestration/collector/render-plan.js';
import { parseOrchestrateArgs, planOrchestrate } from '../src/orchestration/orchestrate-command.js';
import { sh } from '../src/orchestration/shell/quote.js';
import { toGlobalId } from '../src/schema/relay/global-id.js';
import { defineServiceModule } from '../src/services/service-module.js';
import { registerServiceModule, unregisterServiceModule } from '../src/services/registry.js';
import { systemActor } from '../src/use-cases/actor.js';
import { runUseCase } from '../src/use-cases/run-use-case.js';
import type { UseCase } from '../src/use-cases/use-case.js';
import { LoginDocument, PreviewOperationsDocument, SyncServerDocument } from './generated/graphql.js';
import { createTestDatabase } from './support/database.js';
import { GraphQLClient } from './support/graphql-client.js';
import { testConfig } from './support/test-config.js';
import { Client, Connection } from '@temporalio/client';

@Entity({ tableName: 'toy' })
class Toy extends BaseEntity<'isActive'> {
  @ManyToOne(() => Account, { ref: true, deleteRule: 'cascade' })
  account!: Ref<Account>;

  @Property({ length: 64 })
  name!: string;

  @Property()
  isActive: boolean = true;
}

interface ToySnapshot {
  name: string;
  active: boolean;
}

const toyBackend = defineBackend<ToySnapshot>({
  name: 'toys',
  description: 'Toys, for a test',
  model: 'Toy',
  actions: ['save', 'delete'],
  timeoutMs: 10_000,
  matchFields: [],
  snapshot: (source) => source as ToySnapshot,
  parseSnapshot: (raw) => raw as ToySnapshot,
  matchContext: () => ({}),
  label: (toy) => toy.name,
  section: (op) => sh`echo ${op.action} toy ${op.snapshot.name} ${op.snapshot.active ? 'on' : 'off'}`,
});

const toyModule = defineServiceModule<Toy>({
  model: 'Toy',
  entity: Toy,
  populate: ['account'],
  async source(_em, toy) {
    const account = toy.account.isInitialized() ? toy.account.getEntity() : await toy.account.load({ filters: false });
    return { account: account!, label: toy.name, source: { name: toy.name, active: toy.isActive && account!.isActive } };
  },
  savedWhen: [{ model: 'Account', fields: ['isActive'], objects: (em, account) => em.find(Toy, { account: account.id }, { populate: ['account'], filters: false }) }],
  ownedBy: [{ model: 'Account', where: (accountId) => ({ account: accountId }) }],
  filterFields: ['id', 'name'],
});

let db: Awaited<ReturnType<typeof createTestDatabase>>;
let api: ApiHandle;
let connection: Connection;
let admin: GraphQLClient;
let serverId: string;
const actor = systemActor('toy-test');
const run = <T>(name: string, body: (uc: UseCase) => Promise<T>) => runUseCase(db.orm.em.fork(), actor, name, body);
const toyOperations = () => db.orm.em.fork().find(Operation, { model: 'Toy' }, { orderBy: { id: 'asc' }, populate: ['run'] });

beforeAll(async () => {
  db = await createTestDatabase({ entities: [...ALL_ENTITIES, Toy] });
  await db.orm.em.getConnection().execute(`create table toy (
    id bigserial primary key, created_at timestamptz not null, updated_at timestamptz not null,
    account_id bigint not null references account (id) on delete cascade, name varchar(64) not null, is_active boolean not null)`);
  registerServiceModule(toyModule);
  registerBackend(toyBackend);
  const em = db.orm.em.fork();
  const server = em.create(Server, { name: 'toyhost', address: '192.0.2.1' });
  em.create(Route, { backend: 'toys', server });
  await em.flush();
  serverId = toGlobalId('Server', server.id);
  const config = testConfig(db.url, {});
  connection = await Connection.connect({ address: config.temporalAddress });
  const credentials = (await bootstrapFirstAdmin(db.orm))!;
  api = await startApi({ config, orm: db.orm, temporal: new Client({ connection, namespace: config.temporalNamespace }), log: () => {} });
  const client = new GraphQLClient(api.url);
  admin = client.as((await client.data(LoginDocument, { input: credentials })).login.token!);
}, 60_000);

afterAll(async () => {
  unregisterServiceModule('Toy');
  unregisterBackend('toys');
  await api?.close();
  await connection?.close();
  await db?.drop();
});

test('the collector writes a toy\'s operations, with the saves an account change implies, and the account cascade deletes it', async () => {
  const account = (await run('createAccount', (uc) => createAccount(uc, { username: 'toyowner' }))).result!;
  const created = await run('createToy', async ({ em }) => {
    const toy = em.create(Toy, { account: account.id, name: 'teddy' });
    await em.flush();
    return toy;
  });
  let ops = await toyOperations();
  expect(ops.map((o) => [o.action, o.objectId, o.objectLabel, o.state])).toEqual([['save', created.result!.id, 'teddy', 'RECEIVED']]);
  expect(ops[0].run.getEntity().script).toContain("echo 'save' toy 'teddy' 'on'");

  // The module says a disabled account's toys are saved again.
  await run('disableAccount', (uc) => setAccountActive(uc, toGlobalId('Account', account.id), false));
  ops = await toyOperations();
  expect(ops.map((o) => [o.action, o.snapshot])).toEqual([
    ['save', { name: 'teddy', active: true }],
    ['save', { name: 'teddy', active: false }],
  ]);

  // The module says toys go with their account: each becomes a delete on its servers.
  await run('deleteAccount', (uc) => deleteAccount(uc, toGlobalId('Account', account.id)));
  ops = await toyOperations();
  expect(ops.map((o) => o.action)).toEqual(['save', 'save', 'delete']);
  expect(ops[2].run.getEntity().script).toContain("echo 'delete' toy 'teddy' 'off'");
  expect(await db.orm.em.fork().count(Toy, {})).toBe(0);

  // Orchestra acting by itself (a CLI, a schedule) is audited like a user: one entry per use case, its actor named.
  const audited = await db.orm.em.fork().find(AuditEntry, { actor: 'toy-test' }, { orderBy: { id: 'asc' } });
  expect(audited.map((e) => [e.operation, e.outcome, e.userId])).toEqual([
    ['createAccount', 'OK', null],
    ['createToy', 'OK', null],
    ['disableAccount', 'OK', null],
    ['deleteAccount', 'OK', null],
  ]);
});

test('preview, server sync and the orchestrate command serve a toy', async () => {
  const account = (await run('createAccount', (uc) => createAccount(uc, { username: 'toyshop' }))).result!;
  const toy = (
    await run('createToys', async ({ em }) => {
      const first = em.create(Toy, { account: account.id, name: 'ball' });
      em.create(Toy, { account: account.id, name: 'kite' });
      await em.flush();
      return first;
    })
  ).result!;

  const preview = await admin.data(PreviewOperationsDocument, { objectId: toGlobalId('Toy', toy.id), action: 'DELETE' });
  expect(preview.previewOperations.map((p) => [p.serverName, p.backend, p.operations.map((o) => [o.action, o.objectLabel])])).toEqual([
    ['toyhost', 'toys', [['delete', 'ball']]],
  ]);

  const synced = await admin.data(SyncServerDocument, { serverId, backend: 'toys' });
  expect(synced.syncServer.userErrors).toEqual([]);
  expect(synced.syncServer.operations.map((o) => [o.backend, o.action, o.objectLabel])).toEqual([
    ['toys', 'save', 'ball'],
    ['toys', 'save', 'kite'],
  ]);

  const plan = renderPlan(await planOrchestrate(db.orm.em.fork(), parseOrchestrateArgs(['Toy', 'name=kite', '--dry-run'])));
  expect(plan.map((p) => [p.serverName, p.backend, p.operations.map((o) => o.objectLabel)])).toEqual([['toyhost', 'toys', ['kite']]]);
});
