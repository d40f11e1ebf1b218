import { Entity, Property } from '@mikro-orm/decorators/legacy';
import { BaseEntity } from '../base.js';

/** A set of rates (inventory §2.13). A default plan's rates apply to every account; others to those who contract it. */
@Entity()
export class Plan extends BaseEntity<'verboseName' | 'isActive' | 'isDefault' | 'isCombinable' | 'allowMultiple'> {
  @Property({ length: 64, unique: true })
  name!: string;

  @Property({ length: 128 })
  verboseName: string = '';

  @Property()
  isActive: boolean = true;

  @Property()
  isDefault: boolean = false;

  /** Its rates join those of other combinable plans (step price); otherwise it is priced on its own. */
  @Property()
  isCombinable: boolean = true;

  /** An account may contract it more than once (its cheaper tiers widen with each contract). */
  @Property()
  allowMultiple: boolean = false;
}
