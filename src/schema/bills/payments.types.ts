import { Field, ObjectType, registerEnumType } from 'type-graphql';
import { BillPaymentState } from '../../bills/payment-state.js';
import { ProcessKind, ProcessState } from '../../entities/payments/payment-enums.js';
import { PaymentMethod } from '../../entities/payments/payment-enums.js';
import { Connection } from '../relay/connection.js';
import { Node } from '../relay/node.js';
import { TransactionNode } from './bills.types.js';

registerEnumType(ProcessState, { name: 'TransactionProcessState' });
registerEnumType(ProcessKind, { name: 'TransactionProcessKind' });
registerEnumType(BillPaymentState, { name: 'BillPaymentState' });

/** The states an admin marks transactions or a whole process with. */
export enum TransactionMark {
  EXECUTED = 'EXECUTED',
  SECURED = 'SECURED',
  REJECTED = 'REJECTED',
}
registerEnumType(TransactionMark, { name: 'TransactionMark' });

@ObjectType('TransactionProcess', { implements: Node, description: 'One processing of waiting SEPA transactions: its file. Admins only.' })
export class TransactionProcessNode extends Node {
  @Field(() => ProcessState) state!: ProcessState;
  @Field(() => PaymentMethod) method!: PaymentMethod;
  @Field(() => ProcessKind) kind!: ProcessKind;
  @Field() fileName!: string;
  @Field() createdAt!: Date;
}
export const TransactionProcessConnection = Connection(TransactionProcessNode, 'TransactionProcess');

@ObjectType('TransactionProcessFile', { description: 'A process\'s SEPA file, as it was validated and stored.' })
export class ProcessFileNode {
  @Field() fileName!: string;
  @Field() contentType!: string;
  @Field({ description: 'The XML, UTF-8 text.' }) content!: string;
}

@ObjectType('MarkedTransactions')
export class MarkedTransactionsNode {
  @Field(() => [TransactionNode]) transactions!: object[];
}
