import type { Decimal } from 'decimal.js';
import { BillingDecimal } from '../billing/money.js';
import { BillingPeriod, OnCancel, PaymentStyle, PricingPeriod } from '../entities/billing/billing-enums.js';
import { FAR_FUTURE, maxDay, minDay } from './days.js';
import { chunks, compensate, intersect, lengthOf, type Interval } from './intervals.js';
import { buildLine } from './line-builder.js';
import { addPricingPeriods, billingPointOf, effectivePricingPeriod, priceSize } from './periods.js';
import { hasRates, type Pricer } from './pricing.js';
import { SublineType, type AccountServiceInput, type BillingOptions, type ComputedLine, type InvoicingOrder } from './invoicing-types.js';

/** The billing of one account's orders under one service, being computed. */
export interface BillingState {
  /** The day each order being billed is billed up to. */
  newUntil: Map<string, string>;
  newMetric: Map<string, Decimal>;
  /** Givers' billedUntil moved back to where their unused time was handed over. */
  giverUntil: Map<string, string>;
  /** The compensation pieces each receiver got. */
  compensations: Map<string, Interval[]>;
}

export function emptyState(): BillingState {
  return { newUntil: new Map(), newMetric: new Map(), giverUntil: new Map(), compensations: new Map() };
}

/**
 * The original's ordering of orders for compensation and positions: billed-until latest first, then by id; an order
 * never billed compares by its registration against the other's billed-until.
 */
export function byBilledUntilOrRegistered(a: InvoicingOrder, b: InvoicingOrder): number {
  if (a.billedUntil === b.billedUntil) return Number(BigInt(a.id) - BigInt(b.id));
  const ka = a.billedUntil ?? a.registeredOn;
  const kb = b.billedUntil ?? b.registeredOn;
  if (a.billedUntil && b.billedUntil) return kb < ka ? -1 : kb > ka ? 1 : 0;
  if (a.billedUntil) return kb < ka ? -1 : kb > ka ? 1 : 0;
  return kb < ka ? -1 : kb > ka ? 1 : 0;
}

/**
 * Services without a metric (inventory §6.3 `bill_with_orders`): each pending order is billed from where it was
 * billed to (or its registration) up to its billing point, at the nominal price, or by position among the account's
 * concurrent orders (periodic, no pricing period) or by the registrations and renewals in the pricing period before
 * it (with a pricing period), when the account has rates; prepaid unused time of cancelled orders compensates.
 */
export function billWithOrders(input: AccountServiceInput, options: BillingOptions, price: Pricer, state: BillingState): ComputedLine[] {
  const { service } = input;
  const selected: InvoicingOrder[] = [];
  let ini = FAR_FUTURE;
  let end = '0001-01-01';
  for (const order of input.orders) {
    if (input.billIds && !input.billIds.has(order.id)) continue;
    let cini = order.registeredOn;
    if (order.billedUntil) {
      if (service.onCancel !== OnCancel.REFUND && order.cancelledOn && order.billedUntil > order.cancelledOn) continue;
      cini = order.billedUntil;
    }
    const bp = billingPointOf(service, order, options);
    if (order.billedUntil && order.billedUntil >= bp) continue;
    if (bp <= cini && service.billingPeriod !== BillingPeriod.ONE_TIME) continue;
    state.newUntil.set(order.id, bp);
    ini = minDay(ini, cini);
    end = maxDay(end, bp);
    selected.push(order);
  }
  if (selected.length === 0) return [];

  let receivers = selected;
  if (service.paymentStyle === PaymentStyle.PREPAY && service.onCancel === OnCancel.COMPENSATE) {
    const givers = input.orders
      .filter((o) => o.cancelledOn !== null && o.billedUntil !== null && o.cancelledOn <= o.billedUntil && o.billedUntil > ini && o.registeredOn < end)
      .sort(byBilledUntilOrRegistered);
    receivers = [...selected].sort(byBilledUntilOrRegistered);
    assignCompensations(givers, receivers, state);
  }

  const pricing = effectivePricingPeriod(service);
  const periodic = service.billingPeriod !== BillingPeriod.ONE_TIME;
  if (hasRates(input) && (periodic || pricing !== PricingPeriod.NEVER)) {
    const concurrent = periodic && pricing === PricingPeriod.NEVER;
    if (!concurrent) ini = addPricingPeriods(ini, pricing, -1);
    const selectedIds = new Set(selected.map((o) => o.id));
    const porders = input.orders
      .filter((o) => selectedIds.has(o.id) || (o.billedUntil !== null && o.billedUntil > ini && o.registeredOn < end))
      .sort(byBilledUntilOrRegistered);
    return concurrent ? billConcurrent(input, porders, selectedIds, price, ini, end, state) : billRegisterOrRenew(input, porders, selectedIds, price, state);
  }
  return receivers.map((order) => lineWithCompensations(input, order, service.nominalPrice, state));
}

function assignCompensations(givers: InvoicingOrder[], receivers: InvoicingOrder[], state: BillingState): void {
  let available: Interval[] = givers
    .filter((g) => g.cancelledOn! < g.billedUntil!)
    .map((g) => ({ ini: g.cancelledOn!, end: g.billedUntil!, giverId: g.id }));
  const byId = new Map(givers.map((g) => [g.id, g]));
  for (const receiver of receivers) {
    const until = state.newUntil.get(receiver.id)!;
    if (receiver.billedUntil && receiver.billedUntil >= until) continue;
    const stretch = { ini: receiver.billedUntil ?? receiver.registeredOn, end: receiver.cancelledOn ?? FAR_FUTURE };
    const { used, remaining } = compensate(stretch, available);
    available = remaining;
    state.compensations.set(receiver.id, used);
    for (const piece of used) {
      const giver = byId.get(piece.giverId!)!;
      state.giverUntil.set(giver.id, minDay(giver.billedUntil!, piece.ini, state.giverUntil.get(giver.id) ?? FAR_FUTURE));
    }
  }
}

/**
 * The size of the compensations an order got over the stretch it is billed for, and a later end when a compensation
 * reaches beyond it: the stretch is extended to its end (also when the compensation starts after the billing point
 * but is more than three times longer than the gap, which is then billed too). `onlyBeyond`: only the part after
 * the billing point (the part before was priced per chunk).
 */
function applyCompensations(input: AccountServiceInput, order: InvoicingOrder, state: BillingState, onlyBeyond: boolean): { size: Decimal; newEnd: string | null } {
  let size = new BillingDecimal(0);
  const ini = order.billedUntil ?? order.registeredOn;
  const beyond = state.newUntil.get(order.id)!;
  let newEnd: string | null = null;
  for (const comp of state.compensations.get(order.id) ?? []) {
    const overlap = intersect(comp, { ini, end: beyond });
    if (overlap) {
      let cini = overlap.ini;
      let cend = overlap.end;
      if (comp.end > beyond) {
        cend = comp.end;
        newEnd = newEnd ? maxDay(newEnd, cend) : cend;
        if (onlyBeyond) cini = beyond;
      } else if (onlyBeyond) continue;
      size = size.plus(priceSize(input.service, cini, cend));
    } else if (comp.end > beyond && lengthOf(comp) > 3 * lengthOf({ ini: beyond, end: comp.ini })) {
      newEnd = newEnd ? maxDay(newEnd, comp.end) : comp.end;
      size = size.plus(priceSize(input.service, comp.ini, comp.end));
    }
  }
  return { size, newEnd };
}

function giversOf(order: InvoicingOrder, input: AccountServiceInput, state: BillingState): { orderId: string; billedUntil: string }[] {
  const ids = new Set((state.compensations.get(order.id) ?? []).map((c) => c.giverId!));
  return input.orders.filter((o) => ids.has(o.id)).map((o) => ({ orderId: o.id, billedUntil: o.billedUntil! }));
}

/** A line at a price per period, compensated (nominal price, or register-or-renew). */
function lineWithCompensations(input: AccountServiceInput, order: InvoicingOrder, unitPrice: Decimal, state: BillingState): ComputedLine {
  const { size, newEnd } = applyCompensations(input, order, state, false);
  if (newEnd) state.newUntil.set(order.id, newEnd);
  const line = buildLine(input.service, order, {
    price: unitPrice,
    ini: order.billedUntil ?? order.registeredOn,
    end: state.newUntil.get(order.id)!,
    discounts: size.isZero() ? [] : [{ type: SublineType.COMPENSATION, amount: size.times(unitPrice).negated() }],
  });
  line.givers = giversOf(order, input, state);
  return line;
}

function billConcurrent(input: AccountServiceInput, porders: InvoicingOrder[], selected: Set<string>, price: Pricer, ini: string, end: string, state: BillingState): ComputedLine[] {
  const timeline = porders.map((o) => ({ ...o, billedUntil: state.newUntil.get(o.id) ?? state.giverUntil.get(o.id) ?? o.billedUntil }));
  const priced = new Map<string, { price: Decimal; compensation: Decimal; unit: Decimal }>();
  for (const chunk of chunks(timeline, ini, end)) {
    const size = priceSize(input.service, chunk.ini, chunk.end);
    const metric = new BillingDecimal(chunk.orders.length);
    chunk.orders.forEach((order, k) => {
      let csize = new BillingDecimal(0);
      for (const comp of state.compensations.get(order.id) ?? []) {
        const overlap = intersect(comp, chunk);
        if (overlap) csize = csize.plus(priceSize(input.service, overlap.ini, overlap.end));
      }
      const unit = price(metric, k + 1);
      const sum = priced.get(order.id) ?? { price: new BillingDecimal(0), compensation: new BillingDecimal(0), unit };
      priced.set(order.id, { price: sum.price.plus(unit.times(size)), compensation: sum.compensation.plus(unit.times(csize)), unit });
    });
  }
  const lines: ComputedLine[] = [];
  for (const order of porders) {
    const sums = priced.get(order.id);
    if (!selected.has(order.id) || !sums) continue;
    let { price: total, compensation } = sums;
    const beyond = applyCompensations(input, order, state, true);
    // Beyond the billing point the order's last unit price holds (the original multiplied by the accumulated price).
    compensation = compensation.plus(beyond.size.times(sums.unit));
    if (beyond.newEnd) {
      total = total.plus(sums.unit.times(priceSize(input.service, state.newUntil.get(order.id)!, beyond.newEnd)));
      state.newUntil.set(order.id, beyond.newEnd);
    }
    const line = buildLine(input.service, order, {
      price: total,
      computed: true,
      ini: order.billedUntil ?? order.registeredOn,
      end: state.newUntil.get(order.id)!,
      discounts: compensation.isZero() ? [] : [{ type: SublineType.COMPENSATION, amount: compensation.negated() }],
    });
    line.givers = giversOf(order, input, state);
    lines.push(line);
  }
  return lines;
}

/** How many orders were registered or renewed within (ini, end]: the metric of register-or-renew pricing. */
function registerOrRenewEvents(porders: InvoicingOrder[], ini: string, end: string, state: BillingState): number {
  let counter = 0;
  const within = (day: string) => day > ini && day <= end;
  for (const order of porders) {
    const bu = state.newUntil.get(order.id) ?? order.billedUntil;
    if (!bu) continue;
    if (within(order.registeredOn)) counter++;
    if (order.registeredOn !== bu && within(bu)) counter++;
    if (order.billedUntil && order.billedUntil !== bu && order.registeredOn !== order.billedUntil && within(order.billedUntil)) counter++;
  }
  return counter;
}

function billRegisterOrRenew(input: AccountServiceInput, porders: InvoicingOrder[], selected: Set<string>, price: Pricer, state: BillingState): ComputedLine[] {
  const pricing = effectivePricingPeriod(input.service);
  const lines: ComputedLine[] = [];
  porders.forEach((order, k) => {
    if (!selected.has(order.id)) return;
    const pend = order.billedUntil ?? order.registeredOn;
    const metric = registerOrRenewEvents(porders, addPricingPeriods(pend, pricing, -1), pend, state);
    const unit = price(new BillingDecimal(Math.max(metric, 1)), Math.min(k + 1, Math.max(metric, 1)));
    lines.push(lineWithCompensations(input, order, unit, state));
  });
  return lines;
}
