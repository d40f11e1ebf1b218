import { Field, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import { BillType } from '../../entities/bills/bill-enums.js';
import { BillEmailState } from '../../entities/bills/bill-email.js';
import { PaymentMethod, TransactionState } from '../../entities/payments/payment-enums.js';
import { SublineType } from '../../invoicing/invoicing-types.js';
import { Connection } from '../relay/connection.js';
import { Node } from '../relay/node.js';

registerEnumType(BillType, { name: 'BillType' });
registerEnumType(SublineType, { name: 'BillSublineType' });
registerEnumType(TransactionState, { name: 'TransactionState' });
registerEnumType(PaymentMethod, { name: 'PaymentMethod' });
registerEnumType(BillEmailState, { name: 'BillEmailState' });

export enum DocumentFormat {
  HTML = 'HTML',
  PDF = 'PDF',
}
registerEnumType(DocumentFormat, { name: 'DocumentFormat' });

@ObjectType('Bill', { implements: Node, description: 'An invoice, fee, amendment or proforma. Account users read their own.' })
export class BillNode extends Node {
  @Field(() => BillType) type!: BillType;
  @Field(() => String, { nullable: true, description: 'Given when closed: <prefix><year><sequence>, gapless per prefix and year.' }) number!: string | null;
  @Field() isOpen!: boolean;
  @Field() isSent!: boolean;
  @Field(() => String, { nullable: true, description: 'YYYY-MM-DD' }) closedOn!: string | null;
  @Field(() => String, { nullable: true, description: 'YYYY-MM-DD' }) dueOn!: string | null;
  @Field() language!: string;
  @Field() createdAt!: Date;
}
export const BillConnection = Connection(BillNode, 'Bill');

@ObjectType('BillEmail', { implements: Node, description: 'One e-mail of a closed bill (its PDF) to its account\'s billing contacts. Admins only.' })
export class BillEmailNode extends Node {
  @Field(() => [String], { description: 'The billing contacts\' addresses when it was queued.' }) recipients!: string[];
  @Field(() => String, { nullable: true, description: 'Given at the first attempt, the same for every retry.' }) messageId!: string | null;
  @Field(() => BillEmailState) state!: BillEmailState;
  @Field(() => Int, { description: 'Attempts to hand it to the SMTP server.' }) attempts!: number;
  @Field(() => String, { nullable: true, description: 'Why the last attempt failed.' }) lastError!: string | null;
  @Field(() => String, { nullable: true, description: 'The SMTP server\'s answer when it took the message.' }) smtpResponse!: string | null;
  @Field(() => Date, { nullable: true }) sentAt!: Date | null;
  @Field({ description: 'Who queued it (closeBill, sendBill).' }) requestedBy!: string;
  @Field() createdAt!: Date;
}

@ObjectType('BillSubline', { description: 'A discount on a line (negative, decimal text with 2 places).' })
export class BillSublineNode {
  @Field(() => SublineType) type!: SublineType;
  @Field() description!: string;
  @Field() total!: string;
}

@ObjectType('BillLine', { implements: Node })
export class BillLineNode extends Node {
  @Field() description!: string;
  @Field({ description: 'Unit price, decimal text.' }) rate!: string;
  @Field({ description: 'metric × size, decimal text.' }) quantity!: string;
  @Field() verboseQuantity!: string;
  @Field({ description: 'rate × quantity in cents, decimal text.' }) subtotal!: string;
  @Field({ description: 'Percent, decimal text.' }) taxRate!: string;
  @Field({ description: 'YYYY-MM-DD' }) startOn!: string;
  @Field(() => String, { nullable: true, description: 'YYYY-MM-DD (exclusive); null for a one-time service.' }) endOn!: string | null;
}

@ObjectType('BillTaxTotal', { description: 'A bill\'s amounts at one tax rate: computed from its lines and sublines.' })
export class TaxTotalNode {
  @Field() taxRate!: string;
  @Field() base!: string;
  @Field() tax!: string;
  @Field() total!: string;
}

@ObjectType('BillDocument')
export class BillDocumentNode {
  @Field(() => DocumentFormat) format!: DocumentFormat;
  @Field() contentType!: string;
  @Field() fileName!: string;
  @Field({ description: 'HTML as text; PDF in base64.' }) content!: string;
}

@ObjectType('BillPreviewLine')
export class PreviewLineNode {
  @Field(() => ID) orderId!: string;
  @Field() description!: string;
  @Field() startOn!: string;
  @Field(() => String, { nullable: true }) endOn!: string | null;
  @Field() quantity!: string;
  @Field() rate!: string;
  @Field() subtotal!: string;
  @Field(() => [BillSublineNode]) sublines!: BillSublineNode[];
}

@ObjectType('BillPreview', { description: 'A bill billOrders would write (preview: nothing was written).' })
export class BillPreviewNode {
  @Field(() => ID) accountId!: string;
  @Field(() => BillType) type!: BillType;
  @Field(() => [PreviewLineNode]) lines!: PreviewLineNode[];
  @Field(() => [TaxTotalNode]) totals!: TaxTotalNode[];
  @Field() total!: string;
}

@ObjectType('BillingRun')
export class BillingRunNode {
  @Field(() => Int) accounts!: number;
  @Field(() => Int) lines!: number;
  @Field(() => [BillNode], { description: 'The bills written or added to (none for a preview).' }) bills!: object[];
  @Field(() => [BillPreviewNode]) previews!: BillPreviewNode[];
}

@ObjectType('PaymentSource', { implements: Node, description: 'How an account pays. Account users read their own.' })
export class PaymentSourceNode extends Node {
  @Field(() => PaymentMethod) method!: PaymentMethod;
  @Field() iban!: string;
  @Field() bic!: string;
  @Field() holder!: string;
  @Field() label!: string;
  @Field() isActive!: boolean;
}
export const PaymentSourceConnection = Connection(PaymentSourceNode, 'PaymentSource');

@ObjectType('Transaction', { implements: Node, description: 'A payment of a closed bill. Account users read their own.' })
export class TransactionNode extends Node {
  @Field(() => TransactionState) state!: TransactionState;
  @Field({ description: 'Decimal text; negative: a refund.' }) amount!: string;
  @Field() currency!: string;
  @Field() createdAt!: Date;
}
export const TransactionConnection = Connection(TransactionNode, 'Transaction');
