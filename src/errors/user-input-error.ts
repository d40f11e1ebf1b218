import { Field, ObjectType, registerEnumType } from 'type-graphql';
import { DomainError } from './domain-error.js';

export enum UserErrorCode {
  REQUIRED = 'REQUIRED',
  INVALID = 'INVALID',
  TOO_LONG = 'TOO_LONG',
  TAKEN = 'TAKEN',
  NOT_FOUND = 'NOT_FOUND',
  NOT_ALLOWED = 'NOT_ALLOWED',
  /** Too many failed logins for this username or from this address: wait, then try again. */
  TOO_MANY_ATTEMPTS = 'TOO_MANY_ATTEMPTS',
}
registerEnumType(UserErrorCode, { name: 'UserErrorCode' });

/** A problem with one input field, returned in a mutation payload (not thrown): the client shows it beside the field. */
@ObjectType()
export class UserError {
  @Field({ description: 'Path of the input field, e.g. "input.email".' })
  field!: string;

  @Field()
  message!: string;

  @Field(() => UserErrorCode)
  code!: UserErrorCode;
}

/**
 * The userErrors an error means in a mutation, or null when it is not an expected failure: validation, and an id that
 * names nothing the caller may see or is not an id at all (NOT_FOUND, INVALID). Authentication and authorisation
 * failures stay top-level errors: the caller may not use the mutation at all, whatever its input.
 */
export function userErrorsOf(err: unknown): UserError[] | null {
  if (err instanceof UserInputError) return err.errors;
  if (err instanceof DomainError && (err.code === 'NOT_FOUND' || err.code === 'INVALID_ID')) {
    return [{ field: err.field ?? 'id', message: err.message, code: err.code === 'NOT_FOUND' ? UserErrorCode.NOT_FOUND : UserErrorCode.INVALID }];
  }
  return null;
}

/**
 * Thrown by validation; the mutation runner turns it into `userErrors` and rolls back. In a query it becomes a
 * GraphQL error with code BAD_USER_INPUT.
 */
export class UserInputError extends Error {
  readonly errors: UserError[];
  constructor(field: string | UserError[], message?: string, code: UserErrorCode = UserErrorCode.INVALID) {
    const errors = typeof field === 'string' ? [{ field, message: message ?? 'is invalid', code }] : field;
    super(errors.map((e) => `${e.field} ${e.message}`).join('; '));
    this.name = 'UserInputError';
    this.errors = errors;
  }
}
