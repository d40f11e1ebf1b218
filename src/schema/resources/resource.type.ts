import { Field, Float, ID, InputType, Int, ObjectType, registerEnumType } from 'type-graphql';
import { Aggregation } from '../../resources/aggregations.js';
import { Connection } from '../relay/connection.js';
import { Node } from '../relay/node.js';

registerEnumType(Aggregation, {
  name: 'ResourceAggregation',
  description: 'How monitor samples become one used value.',
  valuesConfig: {
    LAST: { description: 'The latest sample of each monitored object (disk).' },
    MONTHLY_SUM: { description: 'The samples of the current month, summed (traffic).' },
    MONTHLY_AVG: { description: 'Time-weighted average since the month started.' },
    LAST_N_DAYS_AVG: { description: 'Time-weighted average over the last aggregationDays days.' },
  },
});

export enum ResourceModel {
  Account = 'Account',
  SystemUser = 'SystemUser',
  Database = 'Database',
  Mailbox = 'Mailbox',
  Website = 'Website',
}
registerEnumType(ResourceModel, { name: 'ResourceModel', description: 'The models resources may hang on.' });

@ObjectType('Resource', { implements: Node, description: 'Something measured or allocated per object of a model (admin only).' })
export class ResourceNode extends Node {
  @Field() name!: string;
  @Field(() => ResourceModel) model!: ResourceModel;
  @Field() description!: string;
  @Field(() => Aggregation) aggregation!: Aggregation;
  @Field(() => Int) aggregationDays!: number;
  @Field() unit!: string;
  @Field({ description: 'A number or arithmetic expression (10**9): used = raw monitor value / scale.' }) scale!: string;
  @Field() onDemand!: boolean;
  @Field(() => Float, { nullable: true }) defaultAllocation!: number | null;
  @Field(() => Float) minAllocation!: number;
  @Field(() => Float, { nullable: true }) maxAllocation!: number | null;
  @Field(() => [String]) monitors!: string[];
  @Field(() => String, { nullable: true, description: 'Five cron fields (UTC); null: no scheduled monitoring.' }) crontab!: string | null;
  @Field({ description: 'Crossing the allocation acts (no login shell, no writes) and crossing back undoes it.' }) limitActions!: boolean;
  @Field() isActive!: boolean;
  @Field() createdAt!: Date;
  @Field() updatedAt!: Date;
}

export const ResourceConnection = Connection(ResourceNode, 'Resource');

@ObjectType('ResourceUsage', { description: 'An object\'s usage and allocation of one resource.' })
export class ResourceUsage {
  @Field(() => ID) resourceId!: string;
  @Field() name!: string;
  @Field(() => Float, { nullable: true, description: 'In the resource\'s unit; null until measured.' }) used!: number | null;
  @Field(() => Float, { nullable: true, description: 'In the resource\'s unit; null: on demand, or no allocation.' }) allocated!: number | null;
  @Field() unit!: string;
  @Field(() => Date, { nullable: true, description: 'When `used` was last computed.' }) updatedAt!: Date | null;
  @Field({ description: 'Over its allocation, with limit actions applied.' }) limitExceeded!: boolean;
}

@ObjectType('MonitorInfo', { description: 'A monitor resources may use.' })
export class MonitorInfo {
  @Field() name!: string;
  @Field() description!: string;
  @Field() model!: string;
  @Field() backend!: string;
  @Field({ description: 'disk: keeps ends of equal runs when compressed; traffic: monthly sums.' }) kind!: string;
  @Field() counter!: boolean;
}

@ObjectType('ResourceHistoryPoint')
export class ResourceHistoryPoint {
  @Field({ description: 'Start of the bucket.' }) at!: Date;
  @Field(() => Float, { description: 'In the resource\'s unit: the bucket\'s mean for disk-like monitors, its sum for traffic-like ones.' }) value!: number;
}

export enum HistoryBucket {
  HOUR = 'hour',
  DAY = 'day',
  MONTH = 'month',
}
registerEnumType(HistoryBucket, { name: 'HistoryBucket' });

@ObjectType('MonitorNowResult')
export class MonitorNowResult {
  @Field(() => String, { nullable: true }) workflowId!: string | null;
  @Field(() => String, { nullable: true }) workflowUrl!: string | null;
}

@InputType()
export class CreateResourceInput {
  @Field() name!: string;
  @Field(() => ResourceModel) model!: ResourceModel;
  @Field(() => Aggregation) aggregation!: Aggregation;
  @Field({ nullable: true }) description?: string;
  @Field(() => Int, { nullable: true }) aggregationDays?: number;
  @Field({ nullable: true }) unit?: string;
  @Field({ nullable: true }) scale?: string;
  @Field({ nullable: true }) onDemand?: boolean;
  @Field(() => Float, { nullable: true }) defaultAllocation?: number | null;
  @Field(() => Float, { nullable: true }) minAllocation?: number;
  @Field(() => Float, { nullable: true }) maxAllocation?: number | null;
  @Field(() => [String], { nullable: true }) monitors?: string[];
  @Field(() => String, { nullable: true }) crontab?: string | null;
  @Field({ nullable: true }) limitActions?: boolean;
  @Field({ nullable: true }) isActive?: boolean;
}

@InputType()
export class UpdateResourceInput {
  @Field(() => ID) id!: string;
  @Field({ nullable: true }) name?: string;
  @Field(() => Aggregation, { nullable: true }) aggregation?: Aggregation;
  @Field({ nullable: true }) description?: string;
  @Field(() => Int, { nullable: true }) aggregationDays?: number;
  @Field({ nullable: true }) unit?: string;
  @Field({ nullable: true }) scale?: string;
  @Field({ nullable: true }) onDemand?: boolean;
  @Field(() => Float, { nullable: true }) defaultAllocation?: number | null;
  @Field(() => Float, { nullable: true }) minAllocation?: number;
  @Field(() => Float, { nullable: true }) maxAllocation?: number | null;
  @Field(() => [String], { nullable: true }) monitors?: string[];
  @Field(() => String, { nullable: true }) crontab?: string | null;
  @Field({ nullable: true }) limitActions?: boolean;
  @Field({ nullable: true }) isActive?: boolean;
}

@InputType()
export class SetResourceAllocationInput {
  @Field(() => ID) resourceId!: string;
  @Field(() => ID, { description: 'The Account, SystemUser or Database.' }) objectId!: string;
  @Field(() => Float, { nullable: true, description: 'In the resource\'s unit; null: back to the default.' }) allocated!: number | null;
}
