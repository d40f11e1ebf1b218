// The GraphQL side of billing (services, plans, rates, contracts, orders, miscellaneous items, the orders schedules).
import { MiscellaneousKindResolver, MiscellaneousResolver } from './miscellaneous.resolver.js';
import { OrderResolver } from './order.resolver.js';
import { OrdersScheduleResolver } from './orders-schedule.resolver.js';
import { ContractedPlanResolver, PlanResolver, RateResolver } from './plan.resolver.js';
import { ServiceResolver } from './service.resolver.js';

export const BILLING_RESOLVERS = [
  ServiceResolver, PlanResolver, RateResolver, ContractedPlanResolver, OrderResolver, MiscellaneousKindResolver, MiscellaneousResolver,
  OrdersScheduleResolver,
] as const;
