import { Authorized, FieldResolver } from 'type-graphql';
import { AuthError } from '../errors/domain-error.js';
import type { Context } from './context.js';

/** FieldResolver's own parameters: (returnTypeFunction, options). */
type FieldResolverArgs = Parameters<typeof FieldResolver>;

export enum Role {
  /** Any logged-in user. */
  USER = 'USER',
  /** The provider's staff. */
  ADMIN = 'ADMIN',
}

/**
 * `@Authorized()` needs a logged-in user, `@Authorized(Role.ADMIN)` an admin. Row-level access (which account's
 * objects) is not decided here but by the tenant scope on the request's EntityManager.
 */
// An arrow function on purpose: type-graphql takes a function with a prototype for an auth checker class.
export const authChecker = ({ context }: { context: Context }, roles: readonly Role[]): true => {
  const viewer = context.viewer;
  if (viewer.kind !== 'user') throw new AuthError('UNAUTHENTICATED', 'Log in first');
  if (roles.includes(Role.ADMIN) && !viewer.isAdmin) throw new AuthError('FORBIDDEN', 'Only admins may do this');
  return true;
};

/**
 * An admin-only field of a type account users read too (an account, an operation). Always nullable: an account user
 * who selects it gets null there and a FORBIDDEN error at its path, and the rest of the answer. (A non-null field's
 * error would null its parent, and so on up to the whole query.)
 */
export function AdminOnlyField(returnType: NonNullable<FieldResolverArgs[0]>, options: FieldResolverArgs[1] = {}): MethodDecorator {
  return (target, key, descriptor) => {
    Authorized(Role.ADMIN)(target, key, descriptor);
    FieldResolver(returnType, { ...options, nullable: true })(target, key, descriptor);
  };
}

/** Root fields that anonymous callers may use; everything else needs a login (secure by default). */
export const PUBLIC_ROOT_FIELDS: ReadonlySet<string> = new Set(['login']);

/**
 * A root field needs a logged-in caller unless it is public. Checked once per root field by the root-field guard
 * (src/schema/root-field-guard.ts), not on every field: nested fields are only reachable through a root field.
 */
export function requireLogin(context: Context, rootFieldName: string): void {
  if (!PUBLIC_ROOT_FIELDS.has(rootFieldName) && context.viewer.kind !== 'user') {
    throw new AuthError('UNAUTHENTICATED', 'Log in first');
  }
}
