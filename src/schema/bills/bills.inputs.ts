import { Field, ID, InputType } from 'type-graphql';
import { BillType } from '../../entities/bills/bill-enums.js';
import { PaymentMethod, TransactionState } from '../../entities/payments/payment-enums.js';

@InputType({ description: 'Which orders to bill, up to when, and how. Every list empty: every pending order.' })
export class BillOrdersInput {
  @Field(() => [ID], { nullable: true }) accountIds?: string[];
  @Field(() => [ID], { nullable: true }) serviceIds?: string[];
  @Field(() => [ID], { nullable: true }) orderIds?: string[];
  @Field(() => String, { nullable: true, description: 'YYYY-MM-DD; default today. Each order is billed to its service\'s next billing point from it, or to it exactly with fixedPoint.' }) billingPoint?: string;
  @Field({ defaultValue: false }) fixedPoint!: boolean;
  @Field({ defaultValue: false, description: 'Lines go to a proforma and the orders do not move.' }) proforma!: boolean;
  @Field({ defaultValue: false, description: 'A new invoice even if the account has an open one.' }) newOpen!: boolean;
  @Field({ defaultValue: false, description: 'Compute the bills and write nothing.' }) preview!: boolean;
}

@InputType()
export class AmendBillLineInput {
  @Field(() => ID, { description: 'A line of the amended bill.' }) lineId!: string;
  @Field({ description: 'The correction of its net amount, decimal text with up to 2 places; negative gives back (at most the line\'s net).' }) amount!: string;
}

@InputType({ description: 'An amendment of a closed invoice or fee: an open amendment bill with one line per amended line.' })
export class AmendBillInput {
  @Field(() => ID) billId!: string;
  @Field(() => [AmendBillLineInput]) lines!: AmendBillLineInput[];
}

@InputType()
export class BillFilter {
  @Field(() => ID, { nullable: true }) accountId?: string;
  @Field(() => BillType, { nullable: true }) type?: BillType;
  @Field({ nullable: true }) isOpen?: boolean;
}

@InputType()
export class TransactionFilter {
  @Field(() => ID, { nullable: true }) accountId?: string;
  @Field(() => ID, { nullable: true }) billId?: string;
  @Field(() => TransactionState, { nullable: true }) state?: TransactionState;
  @Field(() => ID, { nullable: true }) processId?: string;
}

@InputType()
export class CreatePaymentSourceInput {
  @Field(() => ID) accountId!: string;
  @Field(() => PaymentMethod) method!: PaymentMethod;
  @Field({ nullable: true, description: 'SEPA direct debit: the account holder\'s IBAN.' }) iban?: string;
  @Field({ nullable: true, description: 'SEPA direct debit: the bank\'s BIC.' }) bic?: string;
  @Field({ nullable: true, description: 'SEPA direct debit: the account holder.' }) holder?: string;
  @Field({ nullable: true, description: 'A card: what identifies it to people; never its number.' }) label?: string;
}
