import type { EntityManager } from '@mikro-orm/postgresql';
import { Service } from '../../entities/billing/service.js';
import { billedObjectsPage } from '../billed-objects.js';
import { addCounts, cancelOrdersOfDeleted, emptyCounts, updateOrdersOfObjects, type OrderCounts } from './update-orders.js';

export const ORDERS_PAGE_SIZE = 1000;

/** How a paged run commits: each page in a transaction of its own (the schedule), or all in the caller's (a mutation). */
export type PageRunner = (page: (em: EntityManager) => Promise<void>) => Promise<void>;

/**
 * Re-evaluates the orders of these services over every object of their models, a page of objects at a time (keyset
 * on id, the identity map cleared between pages: never the whole table in memory), then cancels the active orders of
 * objects that no longer exist (rows removed by the database's own cascade). Idempotent: a second run over unchanged
 * objects changes nothing. Returns the counts.
 */
export async function updateServiceOrders(
  em: EntityManager,
  services: readonly Service[],
  options: { pageSize?: number; at?: Date; runPage?: PageRunner } = {},
): Promise<OrderCounts & { objects: number; pages: number }> {
  const pageSize = options.pageSize ?? ORDERS_PAGE_SIZE;
  const runPage: PageRunner = options.runPage ?? ((page) => page(em));
  const at = options.at ?? new Date();
  let counts = emptyCounts();
  let objects = 0;
  let pages = 0;
  const byModel = new Map<string, Service[]>();
  for (const s of services) byModel.set(s.model, [...(byModel.get(s.model) ?? []), s]);
  for (const [model, modelServices] of byModel) {
    const meta = em.getMetadata().getByClassName(model);
    let after = '0';
    for (;;) {
      let size = 0;
      await runPage(async (pageEm) => {
        const page = await billedObjectsPage(pageEm, model, after, pageSize);
        size = page.length;
        if (size === 0) return;
        // The services are only read (rules, ids), so the caller's rows serve every page: no statement per page for them.
        counts = addCounts(counts, await updateOrdersOfObjects(pageEm, model, page, { services: modelServices, at }));
        after = page.at(-1)!.id;
        pageEm.clear();
      });
      if (size === 0) break;
      objects += size;
      pages++;
    }
    await runPage(async (pageEm) => {
      const gone: { object_id: string }[] = await pageEm.execute(
        `select distinct o.object_id::text from billing_order o
          where o.model = ? and o.cancelled_on is null and o.service_id in (select (jsonb_array_elements_text(?::jsonb))::bigint)
            and not exists (select 1 from "${meta.tableName}" t where t.id = o.object_id)`,
        [model, JSON.stringify(modelServices.map((s) => s.id))],
      );
      counts.cancelled += await cancelOrdersOfDeleted(pageEm, model, gone.map((g) => g.object_id), at);
    });
  }
  return { ...counts, objects, pages };
}

/** The services the daily `orders-update` schedule re-evaluates: active and marked for periodic updates. */
export function periodicServices(em: EntityManager): Promise<Service[]> {
  return em.find(Service, { isActive: true, periodicUpdate: true }, { filters: false, orderBy: { id: 'asc' } });
}
