import { Field, ID, InputType, ObjectType } from 'type-graphql';
import { Node } from '../relay/node.js';
import { Connection } from '../relay/connection.js';

@ObjectType('Route', { implements: Node, description: 'Runs a backend on a server for the objects its match expression selects.' })
export class RouteNode extends Node {
  @Field() backend!: string;
  @Field({ description: 'A safe expression over the backend\'s match fields; empty: every object.' }) match!: string;
  @Field() isActive!: boolean;
  @Field() createdAt!: Date;
}

export const RouteConnection = Connection(RouteNode, 'Route');

@ObjectType('Backend', { description: 'Something Orchestra configures on servers (system users, crontabs, …).' })
export class BackendInfo {
  @Field() name!: string;
  @Field() description!: string;
  @Field() model!: string;
  @Field(() => [String]) actions!: string[];
  @Field(() => [String], { description: 'Field paths a route\'s match expression may use.' }) matchFields!: string[];
}

@InputType()
export class CreateRouteInput {
  @Field() backend!: string;
  @Field(() => ID) serverId!: string;
  @Field({ nullable: true }) match?: string;
  @Field({ nullable: true }) isActive?: boolean;
}

@InputType()
export class UpdateRouteInput {
  @Field(() => ID) id!: string;
  @Field({ nullable: true }) match?: string;
  @Field({ nullable: true }) isActive?: boolean;
}
