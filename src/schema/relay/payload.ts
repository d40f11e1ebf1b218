import { Field, ID, ObjectType, type ClassType } from 'type-graphql';
import { UserError } from '../user-input-error.js';

/** `<Name>Payload { <key>: <Type>, userErrors: [UserError!]! }`: the object is null when userErrors is not empty. */
export function Payload<T extends object>(name: string, key: string, type: ClassType<T>) {
  @ObjectType(`${name}Payload`)
  class PayloadType {
    @Field(() => [UserError]) userErrors!: UserError[];
  }
  Field(() => type, { nullable: true })(PayloadType.prototype, key);
  return PayloadType;
}

/** `<Name>Payload { deletedId: ID, userErrors }`. */
export function DeletePayload(name: string) {
  @ObjectType(`${name}Payload`)
  class DeletePayloadType {
    @Field(() => ID, { nullable: true }) deletedId!: string | null;
    @Field(() => [UserError]) userErrors!: UserError[];
  }
  return DeletePayloadType;
}
