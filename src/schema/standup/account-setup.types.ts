import { GraphQLJSONObject } from 'graphql-scalars';
import { Field, ID, InputType, Int, ObjectType, registerEnumType } from 'type-graphql';

export enum SetupRunStatusEnum {
  RUNNING = 'RUNNING',
  READY = 'READY',
  FAILED = 'FAILED',
  TIMED_OUT = 'TIMED_OUT',
  ABORTED = 'ABORTED',
}
registerEnumType(SetupRunStatusEnum, {
  name: 'SetupRunStatus',
  description: 'RUNNING; READY (every operation succeeded); FAILED (all ended, some failed); TIMED_OUT (some had not ended in time); ABORTED (its workflow was ended by hand).',
});

export enum SetupActionEnum {
  STAND_UP = 'STAND_UP',
  TEAR_DOWN = 'TEAR_DOWN',
}
registerEnumType(SetupActionEnum, { name: 'SetupAction' });

@ObjectType('AccountSetupRun', { description: 'A stand-up or tear-down of an account and its wait for the servers: a Temporal workflow, fetchable by id.' })
export class AccountSetupRunNode {
  @Field(() => ID, { description: 'The workflow id (accountSetupRun(id) reads it again).' }) id!: string;
  @Field(() => SetupActionEnum) action!: SetupActionEnum;
  @Field() accountUsername!: string;
  @Field(() => SetupRunStatusEnum) status!: SetupRunStatusEnum;
  @Field({ description: 'Its history in the Temporal UI.' }) workflowUrl!: string;
}

const TIMEOUT = { defaultValue: 600, description: 'Wait at most this long (1 to 86400 seconds) for the servers; then the outcome is TIMED_OUT.' };
const WAIT = { defaultValue: true, description: 'Answer when the outcome is known (at most timeoutSeconds); false: answer at once, read it later with accountSetupRun.' };

@InputType()
export class StandUpAccountInput {
  @Field(() => GraphQLJSONObject, { description: 'The account and its services (the JSON Schema is `accountSetupSchema`, docs/account-setup.schema.json).' })
  description!: Record<string, unknown>;

  @Field(() => Int, TIMEOUT) timeoutSeconds!: number;
  @Field(() => Boolean, WAIT) wait!: boolean;
}

@InputType()
export class TearDownAccountInput {
  @Field(() => ID) id!: string;
  @Field(() => Int, TIMEOUT) timeoutSeconds!: number;
  @Field(() => Boolean, WAIT) wait!: boolean;
}
