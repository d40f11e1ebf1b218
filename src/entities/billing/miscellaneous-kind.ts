import { Entity, Property } from '@mikro-orm/decorators/legacy';
import { BaseEntity } from '../base.js';

/**
 * A kind of billable item with no server effect (inventory §2.12): domain registrations at a registrar, hours of
 * work, prepaid traffic packs. Its `name` picks the identifier check (src/billing/miscellaneous/identifier-rules.ts).
 */
@Entity()
export class MiscellaneousKind extends BaseEntity<'verboseName' | 'description' | 'hasIdentifier' | 'hasAmount' | 'isActive'> {
  @Property({ length: 64, unique: true })
  name!: string;

  @Property({ length: 128 })
  verboseName: string = '';

  @Property({ type: 'text' })
  description: string = '';

  @Property()
  hasIdentifier: boolean = false;

  @Property()
  hasAmount: boolean = false;

  @Property()
  isActive: boolean = true;
}
