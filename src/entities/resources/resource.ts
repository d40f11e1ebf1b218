import { Entity, Property, Unique } from '@mikro-orm/decorators/legacy';
import { BaseEntity } from '../base.js';

/**
 * Something measured or allocated per object of a model (an account's disk, a system user's traffic): how its
 * monitors' samples are aggregated, its unit and scale, its default allocation, when it is monitored (a Temporal
 * Schedule per resource, src/resources/resource-schedules.ts) and whether crossing the allocation acts.
 */
@Entity()
@Unique({ properties: ['name', 'model'] })
export class Resource extends BaseEntity<
  'description' | 'aggregationDays' | 'unit' | 'scale' | 'onDemand' | 'defaultAllocation' | 'minAllocation' | 'maxAllocation' | 'monitors' | 'crontab' | 'limitActions' | 'isActive'
> {
  /** Lowercase identifier, e.g. `disk`. */
  @Property({ length: 32 })
  name!: string;

  /** The model it hangs on: Account, SystemUser, Database. */
  @Property({ length: 32 })
  model!: string;

  @Property({ length: 256 })
  description: string = '';

  /** src/resources/aggregations.ts */
  @Property({ length: 16 })
  aggregation!: string;

  /** For last-n-days-avg. */
  @Property()
  aggregationDays: number = 10;

  @Property({ length: 16 })
  unit: string = '';

  /** A number or arithmetic expression (src/resources/scale-expression.ts): used = raw / scale. */
  @Property({ length: 64 })
  scale: string = '1';

  /** No allocation: usage only. */
  @Property()
  onDemand: boolean = false;

  @Property({ type: 'double', nullable: true })
  defaultAllocation: number | null = null;

  @Property({ type: 'double' })
  minAllocation: number = 0;

  @Property({ type: 'double', nullable: true })
  maxAllocation: number | null = null;

  /** Monitor names (src/resources/monitors/registry.ts). */
  @Property({ type: 'text[]' })
  monitors: string[] = [];

  /** Five cron fields (UTC); null: not monitored on a schedule. */
  @Property({ length: 200, nullable: true })
  crontab: string | null = null;

  /** Crossing the allocation runs the exceeded / recovery actions. */
  @Property()
  limitActions: boolean = false;

  @Property()
  isActive: boolean = true;
}
