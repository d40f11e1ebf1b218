import { Entity, Property, Unique } from '@mikro-orm/decorators/legacy';
import { BaseEntity } from '../base.js';

/**
 * The last number given per bill prefix and year. Closing a bill increments its row in the closing transaction
 * (`insert … on conflict do update … returning`), which locks the row until commit: concurrent closings queue on it,
 * and a rolled-back closing gives its number back — numbers are gapless and unique (never max + 1).
 */
@Entity()
@Unique({ properties: ['prefix', 'year'] })
export class BillCounter extends BaseEntity {
  @Property({ length: 4 })
  prefix!: string;

  @Property({ type: 'integer' })
  year!: number;

  @Property({ type: 'integer' })
  last!: number;
}
