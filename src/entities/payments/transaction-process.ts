import { Entity, Enum, Property } from '@mikro-orm/decorators/legacy';
import { BaseEntity } from '../base.js';
import { PaymentMethod, ProcessKind, ProcessState } from './payment-enums.js';

/**
 * One processing of waiting transactions of a method (src/payments/process/): the SEPA file it produced, validated
 * against its XSD before it was stored. No account: processes hold many accounts' payments, so they are admin only.
 */
@Entity()
export class TransactionProcess extends BaseEntity<'state' | 'file' | 'fileName'> {
  @Enum({ items: () => ProcessState, nativeEnumName: 'process_state' })
  state: ProcessState = ProcessState.CREATED;

  @Enum({ items: () => PaymentMethod, nativeEnumName: 'payment_method' })
  method!: PaymentMethod;

  @Enum({ items: () => ProcessKind, nativeEnumName: 'process_kind' })
  kind!: ProcessKind;

  @Property({ length: 128 })
  fileName: string = '';

  @Property({ type: 'text', lazy: true })
  file: string = '';
}
