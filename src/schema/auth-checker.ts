import { Authorized, FieldResolver, type AuthChecker, type MiddlewareFn } from 'type-graphql';
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
export const authChecker: AuthChecker<Context, Role> = ({ context }, roles) => {
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
const PUBLIC_ROOT_FIELDS = new Set(['login']);
const ROOT_TYPES = new Set(['Query', 'Mutation', 'Subscription']);

export const requireLogin: MiddlewareFn<Context> = ({ context, info }, next) => {
  if (ROOT_TYPES.has(info.parentType.name) && !PUBLIC_ROOT_FIELDS.has(info.fieldName) && context.viewer.kind !== 'user') {
    throw new AuthError('UNAUTHENTICATED', 'Log in first');
  }
  return next();
};
