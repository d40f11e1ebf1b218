import type { EntityManager } from '@mikro-orm/postgresql';
import { ReferenceKind, type EntityMetadata, type EntityProperty } from '@mikro-orm/core';
import { billingContextProviders, mergeProvided } from './context-provider.js';

/** Never readable by an expression, whatever the model declares: secrets and their hashes. */
const SECRET = /password|hash|secret|token|key/i;

/** The name an object goes by in its expressions: its model in lower case (`systemuser.isMain`, `miscellaneous.amount`). */
export function variableOf(model: string): string {
  return model.toLowerCase();
}

function readable(prop: EntityProperty): boolean {
  return prop.kind === ReferenceKind.SCALAR && !prop.hidden && !SECRET.test(prop.name) && prop.persist !== false;
}

export function scalarProps(meta: EntityMetadata): EntityProperty[] {
  return meta.props.filter(readable);
}

function isBoolean(prop: EntityProperty): boolean {
  return prop.runtimeType === 'boolean';
}

/** Relations (other than the account) whose own fields an expression may read one level down (`contractedplan.plan.name`). */
export function relationProps(meta: EntityMetadata): EntityProperty[] {
  return meta.props.filter((p) => p.kind === ReferenceKind.MANY_TO_ONE && p.name !== 'account');
}

export interface BillingFields {
  fields: string[];
  booleanFields: string[];
}

/**
 * The fields billing expressions over objects of `model` may read: the object's own (`<model>.<field>`), one level
 * into its relations (`crontab.systemUser.username`), its account's (`account.type`), and what registered context
 * providers add (resources, whose names are rows: read once per evaluation batch, never per object).
 */
export async function billingFieldsOf(em: EntityManager, model: string): Promise<BillingFields> {
  const fields: string[] = [];
  const booleanFields: string[] = [];
  const add = (path: string, prop: EntityProperty) => {
    fields.push(path);
    if (isBoolean(prop)) booleanFields.push(path);
  };
  const meta = em.getMetadata().getByClassName(model);
  const variable = variableOf(model);
  for (const prop of scalarProps(meta)) add(`${variable}.${prop.name}`, prop);
  for (const relation of relationProps(meta)) {
    for (const prop of scalarProps(relation.targetMeta!)) add(`${variable}.${relation.name}.${prop.name}`, prop);
  }
  if (model !== 'Account') {
    for (const prop of scalarProps(em.getMetadata().getByClassName('Account'))) add(`account.${prop.name}`, prop);
  }
  for (const provider of billingContextProviders()) {
    const extra = await provider.fields(em, model);
    fields.push(...extra.fields);
    booleanFields.push(...extra.booleanFields);
  }
  return { fields, booleanFields };
}

/**
 * A column's value as expressions see it, whether it came through the ORM or straight from SQL: dates as ISO text
 * (comparable as strings), number columns as numbers (bigint ids stay text).
 */
export function contextValue(prop: EntityProperty, value: unknown): unknown {
  if (value instanceof Date) return value.toISOString();
  if (prop.runtimeType === 'number' && typeof value === 'string') return Number(value);
  return value ?? null;
}

function plain(meta: EntityMetadata, entity: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const prop of scalarProps(meta)) out[prop.name] = contextValue(prop, entity[prop.name]);
  return out;
}

/**
 * The objects expressions evaluate over, one per entity (keyed by id): `{ <model>: {...}, account: {...}, ...provided }`.
 * The entities' relations must be loaded (populate them in bulk, `billingPopulate`).
 */
export async function billingContexts(em: EntityManager, model: string, entities: readonly Record<string, unknown>[]): Promise<Map<string, Record<string, unknown>>> {
  const meta = em.getMetadata().getByClassName(model);
  const accountMeta = em.getMetadata().getByClassName('Account');
  const variable = variableOf(model);
  const contexts = new Map<string, Record<string, unknown>>();
  for (const entity of entities) {
    const own = plain(meta, entity);
    for (const relation of relationProps(meta)) {
      const related = unwrap(entity[relation.name]);
      own[relation.name] = related ? plain(relation.targetMeta!, related) : null;
    }
    const context: Record<string, unknown> = { [variable]: own };
    if (model !== 'Account') {
      const account = unwrap(entity.account);
      context.account = account ? plain(accountMeta, account) : null;
    }
    contexts.set(String(entity.id), context);
  }
  const ids = entities.map((e) => String(e.id));
  for (const provider of billingContextProviders()) {
    const values = await provider.values(em, model, ids);
    for (const [id, extra] of values) {
      const context = contexts.get(id);
      if (context) mergeProvided(context, extra);
    }
  }
  return contexts;
}

/** The relations billingContexts reads, to populate in bulk. */
export function billingPopulate(em: EntityManager, model: string): string[] {
  const meta = em.getMetadata().getByClassName(model);
  const relations = relationProps(meta).map((p) => p.name);
  return model === 'Account' ? relations : ['account', ...relations];
}

function unwrap(value: unknown): Record<string, unknown> | null {
  if (!value || typeof value !== 'object') return null;
  const ref = value as { isInitialized?: () => boolean; unwrap?: () => unknown };
  if (typeof ref.unwrap === 'function') return ref.unwrap() as Record<string, unknown>;
  return value as Record<string, unknown>;
}
