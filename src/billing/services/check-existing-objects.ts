import type { EntityManager } from '@mikro-orm/postgresql';
import { entityClassOf, type BilledEntity } from '../billed-models.js';
import { billingContexts, billingPopulate } from '../expressions/billing-context.js';
import type { CompiledService } from '../orders/compiled-service.js';
import { objectLabelOf } from '../orders/object-label.js';

const PAGE = 500;

export interface ObjectFailure {
  model: string;
  objectId: string;
  label: string;
  message: string;
}

/**
 * Evaluates a service's metric on every existing object of its model its match selects, a page at a time, and gives
 * the first that fails (not a number, negative, a division by zero…), so an admin learns it when saving the service,
 * not from a missing order later. Conditions never fail (a comparison that cannot be made is false).
 */
export async function firstFailureOnExistingObjects(em: EntityManager, model: string, compiled: CompiledService): Promise<ObjectFailure | null> {
  if (!compiled.match.ok || !compiled.metric.ok || compiled.metric.empty) return null;
  const entity = entityClassOf(em, model);
  const scratch = em.fork({ clear: true });
  let after = '0';
  for (;;) {
    const page = (await scratch.find(entity as never, { id: { $gt: after } } as never, {
      orderBy: { id: 'asc' } as never,
      limit: PAGE,
      populate: billingPopulate(em, model) as never[],
      filters: false,
    })) as BilledEntity[];
    if (page.length === 0) return null;
    const contexts = await billingContexts(scratch, model, page as unknown as Record<string, unknown>[]);
    for (const object of page) {
      const context = contexts.get(object.id)!;
      if (!compiled.match.evaluate(context)) continue;
      const result = compiled.metric.evaluate(context);
      if (!result.ok) return { model, objectId: object.id, label: objectLabelOf(model, object as unknown as Record<string, unknown>), message: result.message };
    }
    after = page.at(-1)!.id;
    scratch.clear();
  }
}
