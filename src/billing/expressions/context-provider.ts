import type { EntityManager } from '@mikro-orm/postgresql';

/**
 * What billing expressions may read beyond an object's own fields, added by other domains. The resources domain is
 * to register one exposing each object's allocated and used resources as `resources.<name>.allocated` and
 * `resources.<name>.used` (resource names are rows, so `fields` must first become asynchronous); until then no
 * provider is registered and no such field exists (an expression naming one is refused when compiled, never
 * evaluated as null).
 */
export interface BillingContextProvider {
  /** The field paths it adds for objects of `model` (e.g. `resources.disk.allocated`), and which are booleans. */
  fields(model: string): { fields: string[]; booleanFields: string[] };
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

const providers: BillingContextProvider[] = [];

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
