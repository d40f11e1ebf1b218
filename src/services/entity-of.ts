import type { Reference } from '@mikro-orm/core';

/** A to-one reference's entity, loaded if needed (without tenant filters); deleted rows are still in the identity map. */
export async function entityOf<T extends object>(ref: Reference<T>): Promise<T> {
  return ref.isInitialized() ? ref.getEntity() : ((await ref.load({ filters: false })) as T);
}
