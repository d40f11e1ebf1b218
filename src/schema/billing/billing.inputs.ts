import { Field, ID, InputType, Int } from 'type-graphql';
import { BillingPeriod, BillingPoint, IgnorePeriod, OnCancel, PaymentStyle, PricingPeriod } from '../../entities/billing/billing-enums.js';
import { RateAlgorithm } from '../../billing/rating/rate-algorithm.js';
import { AccountType } from '../../entities/accounts/account-type.js';
import { OrderBillingState } from './billing.types.js';

@InputType()
export class CreateServiceInput {
  @Field() description!: string;
  @Field() model!: string;
  @Field({ description: 'Decimal text, up to 4 places.' }) nominalPrice!: string;
  @Field({ nullable: true }) match?: string;
  @Field({ nullable: true }) metric?: string;
  @Field({ nullable: true }) isActive?: boolean;
  @Field({ nullable: true }) periodicUpdate?: boolean;
  @Field(() => BillingPeriod, { nullable: true }) billingPeriod?: BillingPeriod;
  @Field(() => BillingPoint, { nullable: true }) billingPoint?: BillingPoint;
  @Field(() => PaymentStyle, { nullable: true }) paymentStyle?: PaymentStyle;
  @Field(() => PricingPeriod, { nullable: true }) pricingPeriod?: PricingPeriod;
  @Field(() => RateAlgorithm, { nullable: true }) rateAlgorithm?: RateAlgorithm;
  @Field({ nullable: true }) taxRate?: string;
  @Field(() => OnCancel, { nullable: true }) onCancel?: OnCancel;
  @Field(() => IgnorePeriod, { nullable: true }) ignorePeriod?: IgnorePeriod;
  @Field({ nullable: true }) isFee?: boolean;
  @Field(() => [String], { nullable: true }) ignoredAccountTypes?: string[];
  @Field({ nullable: true }) orderDescription?: string;
}

@InputType({ description: 'Omitted fields keep their value.' })
export class UpdateServiceInput {
  @Field(() => ID) id!: string;
  @Field({ nullable: true }) description?: string;
  @Field({ nullable: true }) model?: string;
  @Field({ nullable: true }) nominalPrice?: string;
  @Field({ nullable: true }) match?: string;
  @Field({ nullable: true }) metric?: string;
  @Field({ nullable: true }) isActive?: boolean;
  @Field({ nullable: true }) periodicUpdate?: boolean;
  @Field(() => BillingPeriod, { nullable: true }) billingPeriod?: BillingPeriod;
  @Field(() => BillingPoint, { nullable: true }) billingPoint?: BillingPoint;
  @Field(() => PaymentStyle, { nullable: true }) paymentStyle?: PaymentStyle;
  @Field(() => PricingPeriod, { nullable: true }) pricingPeriod?: PricingPeriod;
  @Field(() => RateAlgorithm, { nullable: true }) rateAlgorithm?: RateAlgorithm;
  @Field({ nullable: true }) taxRate?: string;
  @Field(() => OnCancel, { nullable: true }) onCancel?: OnCancel;
  @Field(() => IgnorePeriod, { nullable: true }) ignorePeriod?: IgnorePeriod;
  @Field({ nullable: true }) isFee?: boolean;
  @Field(() => [String], { nullable: true }) ignoredAccountTypes?: string[];
  @Field({ nullable: true }) orderDescription?: string;
}

@InputType()
export class ServiceFilter {
  @Field({ nullable: true }) model?: string;
  @Field({ nullable: true }) isActive?: boolean;
}

@InputType()
export class CreatePlanInput {
  @Field() name!: string;
  @Field({ nullable: true }) verboseName?: string;
  @Field({ nullable: true }) isActive?: boolean;
  @Field({ nullable: true }) isDefault?: boolean;
  @Field({ nullable: true }) isCombinable?: boolean;
  @Field({ nullable: true }) allowMultiple?: boolean;
}

@InputType()
export class UpdatePlanInput {
  @Field(() => ID) id!: string;
  @Field({ nullable: true }) name?: string;
  @Field({ nullable: true }) verboseName?: string;
  @Field({ nullable: true }) isActive?: boolean;
  @Field({ nullable: true }) isDefault?: boolean;
  @Field({ nullable: true }) isCombinable?: boolean;
  @Field({ nullable: true }) allowMultiple?: boolean;
}

@InputType({ description: 'Creates the rate of (service, plan, quantity), or changes its price.' })
export class SetRateInput {
  @Field(() => ID) serviceId!: string;
  @Field(() => ID) planId!: string;
  @Field(() => Int) quantity!: number;
  @Field({ description: 'Decimal text, up to 4 places.' }) price!: string;
}

@InputType()
export class ContractPlanInput {
  @Field(() => ID) accountId!: string;
  @Field(() => ID) planId!: string;
}

@InputType()
export class ContractedPlanFilter {
  @Field(() => ID, { nullable: true }) accountId?: string;
  @Field(() => ID, { nullable: true }) planId?: string;
}

@InputType()
export class OrderFilter {
  @Field(() => ID, { nullable: true }) accountId?: string;
  @Field(() => ID, { nullable: true }) serviceId?: string;
  @Field({ nullable: true, description: 'Not cancelled.' }) isActive?: boolean;
  @Field({ nullable: true }) ignore?: boolean;
  @Field(() => OrderBillingState, { nullable: true }) billingState?: OrderBillingState;
  @Field(() => AccountType, { nullable: true }) accountType?: AccountType;
}

@InputType()
export class CreateMiscellaneousKindInput {
  @Field() name!: string;
  @Field({ nullable: true }) verboseName?: string;
  @Field({ nullable: true }) description?: string;
  @Field({ nullable: true }) hasIdentifier?: boolean;
  @Field({ nullable: true }) hasAmount?: boolean;
  @Field({ nullable: true }) isActive?: boolean;
}

@InputType()
export class UpdateMiscellaneousKindInput {
  @Field(() => ID) id!: string;
  @Field({ nullable: true }) name?: string;
  @Field({ nullable: true }) verboseName?: string;
  @Field({ nullable: true }) description?: string;
  @Field({ nullable: true }) hasIdentifier?: boolean;
  @Field({ nullable: true }) hasAmount?: boolean;
  @Field({ nullable: true }) isActive?: boolean;
}

@InputType()
export class CreateMiscellaneousInput {
  @Field(() => ID) accountId!: string;
  @Field(() => ID) kindId!: string;
  @Field({ nullable: true }) identifier?: string;
  @Field({ nullable: true }) description?: string;
  @Field(() => Int, { nullable: true }) amount?: number;
}

@InputType()
export class UpdateMiscellaneousInput {
  @Field(() => ID) id!: string;
  @Field({ nullable: true }) identifier?: string;
  @Field({ nullable: true }) description?: string;
  @Field(() => Int, { nullable: true }) amount?: number;
  @Field({ nullable: true }) isActive?: boolean;
}

@InputType()
export class MiscellaneousFilter {
  @Field(() => ID, { nullable: true }) accountId?: string;
  @Field(() => ID, { nullable: true }) kindId?: string;
}
