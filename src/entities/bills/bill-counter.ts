import { Entity, PrimaryKey, Property } from '@mikro-orm/decorators/legacy';

/**
 * The last number given per bill prefix and year. Closing a bill increments its row in the closing transaction
 * (`insert … on conflict do update … returning`), which locks the row until commit: concurrent closings queue on it,
 * and a rolled-back closing gives its number back — numbers are gapless and unique (never max + 1).
 */
@Entity()
export class BillCounter {
  @PrimaryKey({ length: 4 })
  prefix!: string;

  @PrimaryKey({ type: 'integer' })
  year!: number;

  @Property({ type: 'integer' })
  last!: number;
}
