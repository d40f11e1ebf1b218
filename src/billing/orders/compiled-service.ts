import type { Service } from '../../entities/billing/service.js';
import type { BillingFields } from '../expressions/billing-context.js';
import { compileBillingMatch, compileBillingMetric, type CompiledBillingMatch, type CompiledBillingMetric } from '../expressions/billing-expression.js';
import { compileOrderDescription, type CompiledDescription } from '../expressions/order-description.js';

export interface CompiledService {
  match: CompiledBillingMatch;
  metric: CompiledBillingMetric;
  description: CompiledDescription;
}

/**
 * Compiles a service's match, metric and description against its model's fields (`billingFieldsOf`, read once per
 * evaluation batch by the caller); the service's save checks them.
 */
export function compileService(service: Pick<Service, 'match' | 'metric' | 'orderDescription'>, fields: BillingFields): CompiledService {
  return {
    match: compileBillingMatch(service.match, fields),
    metric: compileBillingMetric(service.metric, fields),
    description: compileOrderDescription(service.orderDescription, fields.fields),
  };
}
