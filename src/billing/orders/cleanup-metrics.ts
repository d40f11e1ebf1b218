import type { EntityManager } from '@mikro-orm/postgresql';
import type { PageRunner } from './update-service-orders.js';

/** Metric history invoicing may still need: from 40 days before an order was last billed on. */
export const METRIC_RETENTION_DAYS = 40;
export const CLEANUP_PAGE_SIZE = 10_000;

/**
 * Prunes metric history invoicing no longer reads (inventory §7.5 `orders.cleanup_metrics`): for each billed order,
 * the rows older than `billed_on − 40 days`, except the last of them (the value in effect at that day). Pages of
 * orders by id range, one statement each. Idempotent: a second run deletes nothing. Returns the rows deleted.
 */
export async function cleanupMetrics(em: EntityManager, options: { pageSize?: number; runPage?: PageRunner } = {}): Promise<{ deleted: number; pages: number }> {
  const pageSize = options.pageSize ?? CLEANUP_PAGE_SIZE;
  const runPage: PageRunner = options.runPage ?? ((page) => page(em));
  const bounds: { max: string | null }[] = await em.execute('select max(id)::text as max from billing_order');
  const max = Number(bounds[0]?.max ?? 0);
  let deleted = 0;
  let pages = 0;
  for (let from = 0; from < max; from += pageSize) {
    await runPage(async (pageEm) => {
      const result: { n: string }[] = await pageEm.execute(
        `with gone as (
           delete from order_metric m using billing_order o
            where m.order_id = o.id and o.id > ? and o.id <= ? and o.billed_on is not null
              and m.created_on < o.billed_on - ?::int
              and exists (select 1 from order_metric n where n.order_id = m.order_id and n.created_on > m.created_on and n.created_on <= o.billed_on - ?::int)
            returning 1)
         select count(*)::text as n from gone`,
        [from, from + pageSize, METRIC_RETENTION_DAYS, METRIC_RETENTION_DAYS],
      );
      deleted += Number(result[0]!.n);
    });
    pages++;
  }
  return { deleted, pages };
}
