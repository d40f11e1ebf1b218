import { Entity, Index, PrimaryKey, Property } from '@mikro-orm/decorators/legacy';

/**
 * One sample of a monitor for one object: all samples of a run share its timestamp. `state` is a counter monitor's
 * raw reading (src/resources/counter.ts); `value` is then what was used since the run before.
 */
@Entity()
@Index({ properties: ['monitor', 'objectId', 'createdAt'] })
export class MonitorData {
  @PrimaryKey({ type: 'bigint', autoincrement: true })
  id!: string;

  @Property({ length: 64 })
  monitor!: string;

  @Property({ length: 32 })
  model!: string;

  @Property({ type: 'bigint' })
  objectId!: string;

  @Property({ type: 'bigint', nullable: true })
  runId: string | null = null;

  @Property({ type: 'datetime', columnType: 'timestamptz' })
  createdAt!: Date;

  @Property({ type: 'double' })
  value!: number;

  @Property({ type: 'double', nullable: true })
  state: number | null = null;
}
