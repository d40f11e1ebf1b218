import type { EntityManager } from '@mikro-orm/postgresql';
import { ReferenceKind, type EntityClass } from '@mikro-orm/core';

/**
 * How a monitor's objects reach a resource's model (roll-ups): the same model (''), or a many-to-one relation of the
 * monitor's model to it (`account`: an account's disk is the sum of its system users' and databases'). Read from the
 * ORM's metadata, so a new service model with an `account` relation rolls up by itself. Null: no path.
 */
export function relationPath(em: EntityManager, fromModel: string, toModel: string): string | null {
  if (fromModel === toModel) return '';
  const meta = em.getMetadata().getByClassName(fromModel, false);
  if (!meta) return null;
  for (const prop of Object.values(meta.properties)) {
    if (prop.kind === ReferenceKind.MANY_TO_ONE && prop.targetMeta?.className === toModel) return prop.name;
  }
  return null;
}

/** The models a resource may hang on: those with a GraphQL `resources` field (src/schema/resources/). */
export const RESOURCE_MODELS = ['Account', 'SystemUser', 'Database', 'Mailbox', 'Website'] as const;

/** The entity class of a model name (MikroORM 7 takes classes, not names). */
export function entityClassOf<T extends object>(em: EntityManager, model: string): EntityClass<T> {
  return em.getMetadata().getByClassName(model).class as EntityClass<T>;
}
