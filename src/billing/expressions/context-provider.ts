import type { EntityManager } from '@mikro-orm/postgresql';
import { resourcesBillingContext } from '../../resources/resources-billing-context.js';

/**
 * What billing expressions may read beyond an object's own fields, added by other domains: the resources domain's
 * `resources.<name>.allocated` and `resources.<name>.used` (src/resources/resources-billing-context.ts). Its field
 * names are rows, so the field list is read from the database, once per evaluation batch (a service's save, a
 * commit's orders, a page of orders.update). A field no provider offers is refused when compiled, never evaluated as
 * null.
 */
export interface BillingContextProvider {
  /** The field paths it adds for objects of `model` (e.g. `resources.disk.allocated`), and which are booleans. */
  fields(em: EntityManager, model: string): Promise<{ fields: string[]; booleanFields: string[] }>;
  /**
   * Their values for these objects, one plain object per object id, merged at the top of the expression's object
   * (`{ resources: { disk: { allocated: 10, used: 3 } } }`). Called once per page of objects: read them in bulk.
   */
  values(em: EntityManager, model: string, objectIds: readonly string[]): Promise<Map<string, Record<string, unknown>>>;
  /**
   * Rows of other models whose changes change these values (a resource allocation, a usage sample): the order
   * collector then updates the orders of the objects they belong to, in the same commit.
   */
  related?: readonly { model: string; objects(em: EntityManager, changed: { id: string; entity: object }): Promise<{ model: string; id: string }[]> }[];
}

/** The registered providers: the registry other domains add theirs to. */
const providers: BillingContextProvider[] = [resourcesBillingContext];

export function registerBillingContextProvider(provider: BillingContextProvider): void {
  providers.push(provider);
}

/** For tests that register a provider of their own and must leave the list as they found it. */
export function unregisterBillingContextProvider(provider: BillingContextProvider): void {
  const i = providers.indexOf(provider);
  if (i >= 0) providers.splice(i, 1);
}

export function billingContextProviders(): readonly BillingContextProvider[] {
  return providers;
}

const isPlainObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v) && Object.getPrototypeOf(v) === Object.prototype;

/** Adds a provider's values to an object's context, merging nested objects (two providers may both add `resources.…`). */
export function mergeProvided(context: Record<string, unknown>, provided: Record<string, unknown>): void {
  for (const [key, value] of Object.entries(provided)) {
    const current = context[key];
    if (isPlainObject(current) && isPlainObject(value)) mergeProvided(current, value);
    else context[key] = value;
  }
}
