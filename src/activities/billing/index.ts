import type { EntityManager } from '@mikro-orm/postgresql';
import type { BillingActivities } from '../../workflows/contracts/billing.js';
import { cleanupMetrics } from '../../billing/orders/cleanup-metrics.js';
import { periodicServices, updateServiceOrders, type PageRunner } from '../../billing/orders/update-service-orders.js';
import type { ActivityDeps } from '../activity-deps.js';

/** The billing schedules' activities; each page of work commits in a transaction of its own. */
export function billingActivities(deps: ActivityDeps): BillingActivities {
  const runPage: PageRunner = (page) => deps.orm.em.fork().transactional((tx) => page(tx as EntityManager));
  return {
    async updatePeriodicOrders() {
      const em = deps.orm.em.fork();
      const services = await periodicServices(em);
      const counts = await updateServiceOrders(em, services, { runPage });
      return { services: services.length, ...counts };
    },
    async cleanupOrderMetrics() {
      return cleanupMetrics(deps.orm.em.fork(), { runPage });
    },
  };
}
