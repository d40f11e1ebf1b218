import { Entity, Index, PrimaryKey, Property } from '@mikro-orm/decorators/legacy';

/**
 * The outbox of resource schedules: a resource's change writes one in its own transaction; after commit (or, if
 * Temporal was down, the relay) its Temporal Schedule is made to match the resource as it is then, and the change is
 * marked applied. Applying reads the current row, so applying twice or late is harmless.
 */
@Entity()
@Index({ properties: ['appliedAt'] })
export class ResourceScheduleChange {
  @PrimaryKey({ type: 'bigint', autoincrement: true })
  id!: string;

  /** No foreign key: the resource may be gone (then its schedule is deleted). */
  @Property({ type: 'bigint' })
  resourceId!: string;

  @Property({ type: 'datetime', columnType: 'timestamptz' })
  createdAt: Date = new Date();

  @Property({ type: 'datetime', columnType: 'timestamptz', nullable: true })
  appliedAt: Date | null = null;
}
