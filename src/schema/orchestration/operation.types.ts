import { Field, ID, InputType, Int, ObjectType, registerEnumType } from 'type-graphql';
import { RunState } from '../../entities/orchestration/run-state.js';
import { Node } from '../relay/node.js';
import { Connection } from '../relay/connection.js';
import { UserError } from '../../errors/user-input-error.js';

registerEnumType(RunState, { name: 'RunState', description: 'State of a script run and of its operations.' });

@ObjectType('Operation', { implements: Node, description: 'What one change means for one server: (backend, action, object).' })
export class OperationNode extends Node {
  @Field(() => RunState) state!: RunState;
  @Field() backend!: string;
  @Field() action!: string;
  @Field() model!: string;
  @Field({ description: 'Global id of the object (it may no longer exist).' }) objectId!: string;
  @Field() objectLabel!: string;
  @Field() accountUsername!: string;
  @Field() createdAt!: Date;
  @Field() updatedAt!: Date;
}

export const OperationConnection = Connection(OperationNode, 'Operation');

@ObjectType('ScriptRun', { implements: Node, description: 'One script on one server for a group of operations, and its log.' })
export class ScriptRunNode extends Node {
  @Field(() => RunState) state!: RunState;
  @Field() backend!: string;
  @Field() script!: string;
  @Field() stdout!: string;
  @Field() stderr!: string;
  @Field(() => Int, { nullable: true }) exitCode!: number | null;
  @Field(() => Int, { description: 'Times it was started, transport retries included.' }) attempts!: number;
  @Field(() => String, { nullable: true, description: 'Why the last attempt did not succeed.' }) lastError!: string | null;
  @Field(() => Date, { nullable: true }) startedAt!: Date | null;
  @Field(() => Date, { nullable: true }) finishedAt!: Date | null;
  @Field(() => String, { nullable: true }) workflowId!: string | null;
  @Field(() => String, { nullable: true, description: 'The worker whose attempt took the script up last (pid@host).' }) worker!: string | null;
  @Field() createdAt!: Date;
}

@InputType()
export class OperationFilter {
  @Field(() => [RunState], { nullable: true }) states?: RunState[];
  @Field(() => ID, { nullable: true }) serverId?: string;
  @Field({ nullable: true }) backend?: string;
  @Field(() => ID, { nullable: true }) accountId?: string;
  @Field({ nullable: true }) model?: string;
  @Field(() => ID, { nullable: true, description: 'Global id of the object.' }) objectId?: string;
  @Field({ nullable: true }) since?: Date;
  @Field({ nullable: true }) until?: Date;
}

@ObjectType('PlannedOperation')
export class PlannedOperationInfo {
  @Field() action!: string;
  @Field() model!: string;
  @Field(() => String, { nullable: true, description: 'Null for an object the change would create (never saved: it has no id).' })
  objectId!: string | null;
  @Field() objectLabel!: string;
}

@ObjectType('PlannedScript', { description: 'A script a change would run, and where: nothing was run or saved.' })
export class PlannedScriptInfo {
  @Field() serverName!: string;
  @Field() backend!: string;
  @Field() script!: string;
  @Field(() => [PlannedOperationInfo]) operations!: PlannedOperationInfo[];
}

@ObjectType()
export class OperationsPayload {
  @Field(() => [OperationNode]) operations!: unknown[];
  @Field(() => [String], { description: 'What did not go as planned although the change was saved, e.g. a batch not started yet (the relay starts it).' })
  warnings!: string[];

  @Field(() => [UserError], { description: 'Why nothing was done (then operations is empty).' }) userErrors!: UserError[];
}
