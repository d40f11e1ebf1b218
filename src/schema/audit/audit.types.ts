import { Field, ID, InputType, ObjectType, registerEnumType } from 'type-graphql';
import { AuditOutcome } from '../../entities/audit/audit-entry.js';
import { Node } from '../relay/node.js';
import { Connection } from '../relay/connection.js';

registerEnumType(AuditOutcome, { name: 'AuditOutcome' });

@ObjectType('AuditEntry', { implements: Node, description: 'One mutation: who, what, which objects, from where, how it ended.' })
export class AuditEntryNode extends Node {
  @Field({ description: 'When it happened.' }) createdAt!: Date;
  @Field({ description: 'Username of the caller (or the username a failed login tried).' }) actor!: string;
  @Field(() => String, { nullable: true, description: 'Username of the account concerned.' }) accountUsername!: string | null;
  @Field() operation!: string;
  @Field(() => [String], { description: 'Global ids of the objects concerned.' }) objectIds!: string[];
  @Field(() => [String], { description: 'Names of the fields changed; never their values.' }) changedFields!: string[];
  @Field(() => AuditOutcome) outcome!: AuditOutcome;
  @Field(() => String, { nullable: true }) clientAddress!: string | null;
  @Field(() => String, { nullable: true }) userAgent!: string | null;
}

export const AuditEntryConnection = Connection(AuditEntryNode, 'AuditEntry');

@InputType()
export class AuditFilter {
  @Field(() => ID, { nullable: true }) accountId?: string;
  @Field({ nullable: true }) operation?: string;
  @Field({ nullable: true }) actor?: string;
  @Field(() => AuditOutcome, { nullable: true }) outcome?: AuditOutcome;
  @Field(() => ID, { nullable: true, description: 'Entries that concern this object.' }) objectId?: string;
  @Field({ nullable: true }) since?: Date;
  @Field({ nullable: true }) until?: Date;
}
