import type { EntityManager } from '@mikro-orm/postgresql';
import { billedObjectsPage } from '../billed-objects.js';
import type { CompiledService } from '../orders/compiled-service.js';

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
  let after = '0';
  for (;;) {
    // In the saving transaction: objects it created are checked too.
    const page = await billedObjectsPage(em, model, after, PAGE);
    if (page.length === 0) return null;
    for (const object of page) {
      if (!compiled.match.evaluate(object.context)) continue;
      const result = compiled.metric.evaluate(object.context);
      if (!result.ok) return { model, objectId: object.id, label: object.label, message: result.message };
    }
    after = page.at(-1)!.id;
  }
}
