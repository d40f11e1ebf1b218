import { Field, ID, InputType } from 'type-graphql';
import { ProcessState } from '../../entities/payments/payment-enums.js';

@InputType({ description: 'A transaction an admin records for a closed bill.' })
export class CreateTransactionInput {
  @Field(() => ID) billId!: string;
  @Field(() => ID, { nullable: true, description: 'An active source of the bill\'s account; default its first active one.' }) sourceId?: string;
  @Field({ nullable: true, description: 'Decimal text with the bill\'s sign; default what is left to cover.' }) amount?: string;
}

@InputType()
export class TransactionProcessFilter {
  @Field(() => ProcessState, { nullable: true }) state?: ProcessState;
}
