import { Field, ObjectType } from 'type-graphql';
import { Connection } from '../relay/connection.js';
import { Node } from '../relay/node.js';

/** GraphQL shape of a Crontab line; resolvers return the ORM entity as the root value. */
@ObjectType('Crontab', { implements: Node, description: 'A scheduled command in a system user\'s crontab.' })
export class CrontabNode extends Node {
  @Field({ description: '0-59; "*", lists, ranges and steps as cron takes them.' }) minute!: string;
  @Field({ description: '0-23.' }) hour!: string;
  @Field({ description: '1-31.' }) dayOfMonth!: string;
  @Field({ description: '1-12 or jan…dec.' }) month!: string;
  @Field({ description: '0-7 (0 and 7 are Sunday) or sun…sat.' }) dayOfWeek!: string;
  @Field({ description: 'Run by /bin/sh as the system user; "%" is literal (the servers get it escaped).' }) command!: string;
  @Field() description!: string;
  @Field({ description: 'An inactive line is left out of the crontab on the servers.' }) isActive!: boolean;
  @Field() createdAt!: Date;
  @Field() updatedAt!: Date;
}

export const CrontabConnection = Connection(CrontabNode, 'Crontab');
