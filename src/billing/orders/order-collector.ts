import type { EntityManager } from '@mikro-orm/postgresql';
import type { EventSubscriber, FlushEventArgs, TransactionEventArgs } from '@mikro-orm/core';
import { ChangeSetType } from '@mikro-orm/core';
import type { Change } from '../../orchestration/collector/change.js';
import { collapseChanges } from '../../orchestration/collector/change.js';
import { impliedSaves } from '../../orchestration/collector/implied-saves.js';
import { bindingOf } from '../../orchestration/outbox/outbox-binding.js';
import { savesImpliedBy } from '../../services/index.js';
import { entityClassOf, isBilledModel, type BilledEntity } from '../billed-models.js';
import { billingPopulate } from '../expressions/billing-context.js';
import { billedObjectsFromEntities } from '../billed-objects.js';
import { billingContextProviders } from '../expressions/context-provider.js';
import { activeServicesOf, cancelOrdersOfDeleted, updateOrdersOfObjects } from './update-orders.js';
import { addCommitRider, readAtCommit, type CommitRider } from '../../db/commit-riders.js';

/**
 * The models active services bill, read at the commit: a rider (src/db/commit-riders.ts) the outbox's statement
 * carries when the commit writes one — as late as the read was on its own, just before the commit, so a commit
 * misses no service activated before it — or a statement of its own. (A per-process cache would need every API
 * process told of an activation, and would miss it until told.)
 */
const activeBilledModels = (): CommitRider => ({ sql: 'select array(select distinct model from service where is_active)::text[] as models', params: [], read: true });

/**
 * The order collector (inventory §6.2, rebuilt like the orchestration outbox's collector): records the changes of
 * billed models at each flush of a transaction and, just before that transaction commits, brings their orders in
 * line (update-orders.ts) — in the same transaction, so a committed change always has its orders and a rolled-back
 * one has none. Changes of other rows that the service modules declare as saves of an object (a DNS record → its
 * domain, an account's type → its system users) update that object's orders too. A dry run writes none (it rolls
 * back anyway).
 */
function relatedByProviders(model: string): boolean {
  return billingContextProviders().some((p) => p.related?.some((r) => r.model === model));
}

/** The objects whose context a context provider says changed with these rows (a resource allocation → its mailbox). */
async function providerSaves(em: EntityManager, changes: readonly Change[]): Promise<Change[]> {
  const saves: Change[] = [];
  for (const change of changes) {
    for (const provider of billingContextProviders()) {
      for (const related of provider.related ?? []) {
        if (related.model !== change.model) continue;
        for (const object of await related.objects(em, { id: change.id, entity: change.entity })) {
          saves.push({ model: object.model, id: object.id, kind: 'update', fields: ['*'], entity: {} });
        }
      }
    }
  }
  return saves;
}

/**
 * An account's change (its language, its name…) is a save of every object it has an active order for: their
 * descriptions are rendered in its language and expressions read `account.<field>`. Only objects with orders: the
 * service modules' implied saves already bring in the objects whose match an account's type or state changes.
 */
async function accountSaves(em: EntityManager, changes: readonly Change[]): Promise<Change[]> {
  const accountIds = changes.filter((c) => c.model === 'Account' && c.kind === 'update').map((c) => c.id);
  if (accountIds.length === 0) return [];
  const rows: { model: string; id: string }[] = await em.execute(
    `select distinct model, object_id::text as id from billing_order
      where account_id in (select (jsonb_array_elements_text(?::jsonb))::bigint) and cancelled_on is null and model <> 'Account'`,
    [JSON.stringify(accountIds)],
  );
  return rows.map((r) => ({ model: r.model, id: r.id, kind: 'update', fields: ['*'], entity: {} }));
}

export class OrderCollector implements EventSubscriber {
  private readonly pending = new WeakMap<object, Change[]>();
  /** The read of billed models owed at the commit of each open transaction with changes. */
  private readonly models = new WeakMap<object, CommitRider>();

  private static key(em: EntityManager | undefined, uow: object | undefined): object | undefined {
    return em?.getTransactionContext() ?? uow;
  }

  async onFlush(args: FlushEventArgs): Promise<void> {
    const key = OrderCollector.key(args.em as EntityManager, args.uow)!;
    const changes = this.pending.get(key) ?? [];
    for (const cs of args.uow.getChangeSets()) {
      const model = cs.meta.className;
      if (!isBilledModel(model) && savesImpliedBy(model).length === 0 && !relatedByProviders(model)) continue;
      const kind = cs.type === ChangeSetType.CREATE ? 'create' : cs.type === ChangeSetType.DELETE ? 'delete' : 'update';
      changes.push({ model, id: String(cs.getPrimaryKey() ?? ''), kind, fields: Object.keys(cs.payload ?? {}), entity: cs.entity });
    }
    if (changes.length) this.pending.set(key, changes);
    // Owed at the commit from now on, so a statement sent before this collector's turn there may carry it. (Not in a
    // savepoint, nor for a flush outside a transaction: read at the commit then.)
    const tx = (args.em as EntityManager).getTransactionContext();
    if (changes.length && tx && !tx.savepointName && !this.models.has(tx)) this.models.set(tx, await addCommitRider(args.em as EntityManager, activeBilledModels(), tx));
  }

  async afterFlush(args: FlushEventArgs): Promise<void> {
    const changes = this.pending.get(OrderCollector.key(args.em as EntityManager, args.uow)!);
    for (const change of changes ?? []) if (!change.id || change.id === 'null') change.id = String((change.entity as { id: string }).id);
  }

  async beforeTransactionCommit(args: TransactionEventArgs): Promise<void> {
    if (!args.transaction || args.transaction.savepointName) return;
    const key = [args.transaction, args.uow].find((k) => k && this.pending.has(k));
    const changes = (key && this.pending.get(key)) || [];
    if (key) this.pending.delete(key);
    const owedRead = this.models.get(args.transaction);
    this.models.delete(args.transaction);
    if (changes.length === 0 || bindingOf(args.transaction)?.dryRun) return;
    const em = args.em as EntityManager;
    // A flush outside an explicit transaction commits before afterFlush runs: creates get their id here.
    for (const change of changes) if (!change.id || change.id === 'null') change.id = String((change.entity as { id: string }).id);
    // Most commits bill nothing: one query, and no implied objects loaded, when no active service bills these models.
    const read = await readAtCommit(em, owedRead ?? (await addCommitRider(em, activeBilledModels(), args.transaction)), args.transaction);
    const models = new Set((read?.models as string[] | undefined) ?? []);
    if (models.size === 0) return;
    const all = [...changes, ...(await impliedSaves(em, changes)), ...(await providerSaves(em, changes)), ...(await accountSaves(em, changes))];
    const byModel = new Map<string, { saved: string[]; deleted: string[] }>();
    for (const change of collapseChanges(all)) {
      if (!isBilledModel(change.model) || !models.has(change.model)) continue;
      const entry = byModel.get(change.model) ?? { saved: [], deleted: [] };
      (change.action === 'delete' ? entry.deleted : entry.saved).push(change.id);
      byModel.set(change.model, entry);
    }
    const at = new Date();
    for (const [model, { saved, deleted }] of byModel) {
      await cancelOrdersOfDeleted(em, model, deleted, at);
      if (saved.length === 0) continue;
      const services = await activeServicesOf(em, model);
      if (services.length === 0) continue;
      const entities = (await em.find(entityClassOf(em, model) as never, { id: { $in: saved } }, { populate: billingPopulate(em, model) as never[], filters: false })) as BilledEntity[];
      await updateOrdersOfObjects(em, model, await billedObjectsFromEntities(em, model, entities), { services, at });
    }
  }

  async afterTransactionRollback(args: TransactionEventArgs): Promise<void> {
    if (args.transaction) this.pending.delete(args.transaction);
    if (args.transaction) this.models.delete(args.transaction);
    if (args.uow) this.pending.delete(args.uow);
  }
}
