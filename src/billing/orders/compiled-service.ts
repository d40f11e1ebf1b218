import type { EntityManager } from '@mikro-orm/postgresql';
import type { Service } from '../../entities/billing/service.js';
import { billingFieldsOf } from '../expressions/billing-context.js';
import { compileBillingMatch, compileBillingMetric, type CompiledBillingMatch, type CompiledBillingMetric } from '../expressions/billing-expression.js';
import { compileOrderDescription, type CompiledDescription } from '../expressions/order-description.js';

export interface CompiledService {
  match: CompiledBillingMatch;
  metric: CompiledBillingMetric;
  description: CompiledDescription;
}

/** Compiles a service's match, metric and description against its model's fields (the service save checks them). */
export function compileService(em: EntityManager, service: Pick<Service, 'model' | 'match' | 'metric' | 'orderDescription'>): CompiledService {
  const fields = billingFieldsOf(em, service.model);
  return {
    match: compileBillingMatch(service.match, fields),
    metric: compileBillingMetric(service.metric, fields),
    description: compileOrderDescription(service.orderDescription, fields.fields),
  };
}
