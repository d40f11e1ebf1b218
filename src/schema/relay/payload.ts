import { Field, ID, ObjectType, type ClassType } from 'type-graphql';
import { UserError } from '../../errors/user-input-error.js';
import { OperationNode, PlannedScriptInfo } from '../orchestration/operation.types.js';

/** Fields every mutation payload has: what went wrong, what it started on servers, and a dry run's plan and marker. */
function addPayloadFields(target: object): void {
  Field(() => [UserError])(target, 'userErrors');
  Field(() => [OperationNode], {
    description: 'Operations the change started on servers (follow them with `operations` or the `operationUpdated` subscription).',
  })(target, 'operations');
  Field(() => [PlannedScriptInfo], {
    nullable: true,
    description: 'With dryRun: the scripts it would run, and where. Nothing was saved or run.',
  })(target, 'plan');
  Field(() => Boolean, {
    description: 'True for a dry run: the payload is a plan, nothing was saved; objects it would create are null (they have no id).',
  })(target, 'dryRun');
}

/** `<Name>Payload { <key>: <Type>, userErrors, operations, plan }`: the object is null when userErrors is not empty. */
export function Payload<T extends object>(name: string, key: string, type: ClassType<T>) {
  @ObjectType(`${name}Payload`)
  class PayloadType {}
  addPayloadFields(PayloadType.prototype);
  Field(() => type, { nullable: true })(PayloadType.prototype, key);
  return PayloadType;
}

/** `<Name>Payload { deletedId: ID, userErrors, operations, plan }`. */
export function DeletePayload(name: string) {
  @ObjectType(`${name}Payload`)
  class DeletePayloadType {
    @Field(() => ID, { nullable: true }) deletedId!: string | null;
  }
  addPayloadFields(DeletePayloadType.prototype);
  return DeletePayloadType;
}
