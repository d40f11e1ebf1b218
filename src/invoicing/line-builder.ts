import type { Decimal } from 'decimal.js';
import { BillingDecimal, roundMoney } from '../billing/money.js';
import { BillingPeriod } from '../entities/billing/billing-enums.js';
import { priceSize } from './periods.js';
import { SublineType, type ComputedLine, type ComputedSubline, type InvoicingOrder, type InvoicingService } from './invoicing-types.js';

export interface LineRequest {
  /** The rated price: per period (multiplied by the size here) or, when `computed`, already for the whole stretch. */
  price: Decimal;
  ini: string;
  end: string;
  metric?: Decimal;
  computed?: boolean;
  /** Compensation or prepay discounts (negative), capped so that the line never turns negative. */
  discounts?: { type: SublineType; amount: Decimal }[];
}

/**
 * One bill line (the original's `generate_line`): subtotal = nominal × size × metric; a cheaper rated price is a PLAN
 * discount; then the compensation and prepay discounts, each capped at what is left of the line. Every amount is
 * rounded to cents here, where it leaves the computation (src/billing/money.ts), so a line's net is exactly the sum
 * of its stored subtotal and sublines.
 */
export function buildLine(service: InvoicingService, order: InvoicingOrder, request: LineRequest): ComputedLine {
  const metric = request.metric ?? new BillingDecimal(1);
  const size = priceSize(service, request.ini, request.end);
  const priced = roundMoney(request.computed ? request.price : request.price.times(size));
  const subtotal = roundMoney(service.nominalPrice.times(size).times(metric));
  const sublines: ComputedSubline[] = [];
  let net = subtotal;
  if (subtotal.greaterThan(priced)) {
    sublines.push({ type: SublineType.PLAN, total: priced.minus(subtotal) });
    net = priced;
  }
  for (const discount of request.discounts ?? []) {
    let amount = roundMoney(discount.amount);
    if (net.plus(amount).isNegative()) amount = net.negated();
    if (amount.isZero()) continue;
    sublines.push({ type: discount.type, total: amount });
    net = net.plus(amount);
  }
  const oneTime = service.billingPeriod === BillingPeriod.ONE_TIME;
  return {
    orderId: order.id,
    description: order.description,
    startOn: request.ini,
    endOn: oneTime ? null : request.end,
    size,
    metric,
    rate: service.nominalPrice,
    subtotal,
    sublines,
    taxRate: service.taxRate,
    isFee: service.isFee,
    givers: [],
  };
}
