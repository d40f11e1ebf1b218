import type { EntityManager } from '@mikro-orm/postgresql';
import type { EntityMetadata } from '@mikro-orm/core';
import { accountIdOf, type BilledEntity } from './billed-models.js';
import { billingContexts, contextValue, relationProps, scalarProps, variableOf } from './expressions/billing-context.js';
import { billingContextProviders, mergeProvided } from './expressions/context-provider.js';
import { objectLabelOf } from './orders/object-label.js';

/** A billed object as orders need it: whose it is, a label, and the plain object its service expressions read. */
export interface BilledObject {
  id: string;
  accountId: string;
  label: string;
  context: Record<string, unknown>;
}

/** From ORM entities (relations loaded): the collector's objects, a few per commit. */
export async function billedObjectsFromEntities(em: EntityManager, model: string, entities: readonly BilledEntity[]): Promise<BilledObject[]> {
  const contexts = await billingContexts(em, model, entities as unknown as Record<string, unknown>[]);
  return entities.map((entity) => ({
    id: entity.id,
    accountId: accountIdOf(model, entity),
    label: objectLabelOf(model, entity as unknown as Record<string, unknown>),
    context: contexts.get(entity.id)!,
  }));
}

const quote = (identifier: string) => `"${identifier.replace(/"/g, '""')}"`;

/**
 * A page of billed objects straight from SQL (keyset on id): the same contexts as billedObjectsFromEntities, without
 * hydrating entities, which cost the paged runs most of their time (bench/orders-update.ts). One statement (plus one
 * per context provider). Names come from the ORM's metadata, never from input.
 */
export async function billedObjectsPage(em: EntityManager, model: string, afterId: string, limit: number): Promise<BilledObject[]> {
  const metadata = em.getMetadata();
  const meta = metadata.getByClassName(model);
  const accountMeta = metadata.getByClassName('Account');
  const selects: string[] = ['t.id::text as "id"'];
  const joins: string[] = [];
  const pick = (alias: string, m: EntityMetadata, prefix: string) => {
    for (const prop of scalarProps(m)) selects.push(`${alias}.${quote(prop.fieldNames[0]!)} as ${quote(`${prefix}${prop.name}`)}`);
  };
  pick('t', meta, 'own.');
  relationProps(meta).forEach((relation, i) => {
    joins.push(`left join ${quote(relation.targetMeta!.tableName)} r${i} on r${i}.id = t.${quote(relation.fieldNames[0]!)}`);
    pick(`r${i}`, relation.targetMeta!, `rel${i}.`);
  });
  if (model !== 'Account') {
    const accountColumn = meta.properties.account!.fieldNames[0]!;
    selects.push(`t.${quote(accountColumn)}::text as "accountId"`);
    joins.push(`left join ${quote(accountMeta.tableName)} a on a.id = t.${quote(accountColumn)}`);
    pick('a', accountMeta, 'account.');
  }
  const rows: Record<string, unknown>[] = await em.execute(
    // The page's rows first, then their joins: otherwise the planner may join whole tables before it limits.
    `select ${selects.join(', ')} from (select * from ${quote(meta.tableName)} where id > ? order by id limit ?) t ${joins.join(' ')} order by t.id`,
    [afterId, limit],
  );
  // The columns each context object is read from, worked out once per page: per row, only the copying is left.
  const columnsOf = (m: EntityMetadata, prefix: string) => scalarProps(m).map((prop) => ({ prop, key: `${prefix}${prop.name}` }));
  const read = (columns: ReturnType<typeof columnsOf>, row: Record<string, unknown>) => {
    const out: Record<string, unknown> = {};
    for (const { prop, key } of columns) out[prop.name] = contextValue(prop, row[key]);
    return out;
  };
  const own = columnsOf(meta, 'own.');
  const relations = relationProps(meta).map((relation, i) => ({ name: relation.name, idKey: `rel${i}.id`, columns: columnsOf(relation.targetMeta!, `rel${i}.`) }));
  const account = columnsOf(accountMeta, 'account.');
  const objects = rows.map((row) => {
    const fields = read(own, row);
    for (const relation of relations) fields[relation.name] = row[relation.idKey] == null ? null : read(relation.columns, row);
    const context: Record<string, unknown> = { [variableOf(model)]: fields };
    if (model !== 'Account') context.account = read(account, row);
    const id = String(row.id);
    return { id, accountId: model === 'Account' ? id : String(row.accountId), label: objectLabelOf(model, fields), context };
  });
  for (const provider of billingContextProviders()) {
    const values = await provider.values(em, model, objects.map((o) => o.id));
    for (const object of objects) mergeProvided(object.context, values.get(object.id) ?? {});
  }
  return objects;
}
