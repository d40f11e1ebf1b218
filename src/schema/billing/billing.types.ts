import { Field, Int, ObjectType, registerEnumType } from 'type-graphql';
import { BillingPeriod, BillingPoint, IgnorePeriod, OnCancel, PaymentStyle, PricingPeriod } from '../../entities/billing/billing-enums.js';
import { RateAlgorithm } from '../../billing/rating/rate-algorithm.js';
import { Connection } from '../relay/connection.js';
import { Node } from '../relay/node.js';

registerEnumType(BillingPeriod, { name: 'BillingPeriod' });
registerEnumType(BillingPoint, { name: 'BillingPoint' });
registerEnumType(PaymentStyle, { name: 'PaymentStyle' });
registerEnumType(PricingPeriod, { name: 'PricingPeriod' });
registerEnumType(OnCancel, { name: 'OnCancel' });
registerEnumType(IgnorePeriod, { name: 'IgnorePeriod' });
registerEnumType(RateAlgorithm, { name: 'RateAlgorithm' });

/** Whether an order still has something to bill. */
export enum OrderBillingState {
  /** Never billed, or billed until a day already past. */
  PENDING = 'PENDING',
  BILLED = 'BILLED',
}
registerEnumType(OrderBillingState, { name: 'OrderBillingState' });

@ObjectType('Service', { implements: Node, description: 'A billing rule: which objects of a model are billed, by what metric, how often, at what price. Admin only.' })
export class ServiceNode extends Node {
  @Field() description!: string;
  @Field({ description: 'The billed model: a service model (SystemUser, Crontab…), Account, ContractedPlan or Miscellaneous.' }) model!: string;
  @Field({ description: 'A condition over the object (e.g. `not systemuser.isMain`); empty: every object.' }) match!: string;
  @Field({ description: 'A number from the object (e.g. `max(miscellaneous.amount - 1, 0)`); empty: priced per order.' }) metric!: string;
  @Field() isActive!: boolean;
  @Field({ description: 'Re-evaluated daily by the orders-update schedule.' }) periodicUpdate!: boolean;
  @Field(() => BillingPeriod) billingPeriod!: BillingPeriod;
  @Field(() => BillingPoint) billingPoint!: BillingPoint;
  @Field(() => PaymentStyle) paymentStyle!: PaymentStyle;
  @Field(() => PricingPeriod) pricingPeriod!: PricingPeriod;
  @Field(() => RateAlgorithm) rateAlgorithm!: RateAlgorithm;
  @Field({ description: 'Decimal text, up to 4 places.' }) nominalPrice!: string;
  @Field({ description: 'Percent, decimal text.' }) taxRate!: string;
  @Field(() => OnCancel) onCancel!: OnCancel;
  @Field(() => IgnorePeriod) ignorePeriod!: IgnorePeriod;
  @Field() isFee!: boolean;
  @Field(() => [String], { description: 'Account types whose new orders are ignored.' }) ignoredAccountTypes!: string[];
  @Field({ description: 'Text with {field} placeholders; empty: "<description>: <object>".' }) orderDescription!: string;
}
export const ServiceConnection = Connection(ServiceNode, 'Service');

@ObjectType('Plan', { implements: Node })
export class PlanNode extends Node {
  @Field() name!: string;
  @Field() verboseName!: string;
  @Field() isActive!: boolean;
  @Field({ description: 'Its rates apply to every account.' }) isDefault!: boolean;
  @Field() isCombinable!: boolean;
  @Field() allowMultiple!: boolean;
}
export const PlanConnection = Connection(PlanNode, 'Plan');

@ObjectType('Rate', { implements: Node, description: 'From unit `quantity` on, under its plan, a unit of its service costs `price`.' })
export class RateNode extends Node {
  @Field(() => Int) quantity!: number;
  @Field({ description: 'Decimal text, up to 4 places.' }) price!: string;
}

@ObjectType('ContractedPlan', { implements: Node })
export class ContractedPlanNode extends Node {
  @Field() createdAt!: Date;
}
export const ContractedPlanConnection = Connection(ContractedPlanNode, 'ContractedPlan');

@ObjectType('Order', { implements: Node, description: 'One object billed under one service. Written by Orchestra only.' })
export class OrderNode extends Node {
  @Field() model!: string;
  @Field({ description: 'The object as last seen (kept after it is deleted).' }) objectLabel!: string;
  @Field({ description: 'YYYY-MM-DD' }) registeredOn!: string;
  @Field(() => String, { nullable: true }) cancelledOn!: string | null;
  @Field(() => String, { nullable: true }) billedOn!: string | null;
  @Field(() => String, { nullable: true }) billedUntil!: string | null;
  @Field(() => String, { nullable: true, description: 'Decimal text.' }) billedMetric!: string | null;
  @Field(() => String, { nullable: true, description: 'The latest metric, decimal text; null for a service without metric.' }) metric!: string | null;
  @Field({ description: 'Never billed (cancelled inside the ignore period, or an account type the service does not bill).' }) ignore!: boolean;
  @Field() description!: string;
}
export const OrderConnection = Connection(OrderNode, 'Order');

@ObjectType('MiscellaneousKind', { implements: Node, description: 'A kind of billable item with no server effect.' })
export class MiscellaneousKindNode extends Node {
  @Field() name!: string;
  @Field() verboseName!: string;
  @Field() description!: string;
  @Field() hasIdentifier!: boolean;
  @Field() hasAmount!: boolean;
  @Field() isActive!: boolean;
}
export const MiscellaneousKindConnection = Connection(MiscellaneousKindNode, 'MiscellaneousKind');

@ObjectType('Miscellaneous', { implements: Node, description: 'A billable item of an account (a domain registration, hours of work).' })
export class MiscellaneousNode extends Node {
  @Field(() => String, { nullable: true }) identifier!: string | null;
  @Field() description!: string;
  @Field(() => Int) amount!: number;
  @Field() isActive!: boolean;
}
export const MiscellaneousConnection = Connection(MiscellaneousNode, 'Miscellaneous');

@ObjectType({ description: 'What a scheduled run was asked to do.' })
export class ScheduleTrigger {
  @Field({ description: 'The Temporal Schedule triggered.' }) scheduleId!: string;
}
