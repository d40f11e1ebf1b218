import { Entity, Enum, Property } from '@mikro-orm/decorators/legacy';
import { BaseEntity } from '../base.js';
import { ProcessState } from './payment-enums.js';

/** One processing of waiting transactions of a method: the SEPA file it produced (validated against its XSD). */
@Entity()
export class TransactionProcess extends BaseEntity<'state' | 'file' | 'fileName'> {
  @Enum({ items: () => ProcessState, nativeEnumName: 'process_state' })
  state: ProcessState = ProcessState.CREATED;

  @Property({ length: 128 })
  fileName: string = '';

  @Property({ type: 'text', lazy: true })
  file: string = '';
}
