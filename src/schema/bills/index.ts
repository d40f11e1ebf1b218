// The GraphQL side of invoicing, bills and payments (issue 13).
import { BillEmailResolver, BillLineResolver, BillResolver } from './bills.resolver.js';
import { BillingScheduleResolver } from './billing-schedule.resolver.js';
import { BillPaymentResolver, PaymentSourceResolver, TransactionProcessResolver, TransactionResolver } from './payments.resolver.js';

export const BILLS_RESOLVERS = [BillResolver, BillLineResolver, BillEmailResolver, BillingScheduleResolver, PaymentSourceResolver, TransactionResolver, TransactionProcessResolver, BillPaymentResolver] as const;
