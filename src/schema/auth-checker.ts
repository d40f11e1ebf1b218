import type { AuthChecker, MiddlewareFn } from 'type-graphql';
import { AuthError } from '../errors/domain-error.js';
import type { Context } from './context.js';

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

/** Root fields that anonymous callers may use; everything else needs a login (secure by default). */
const PUBLIC_ROOT_FIELDS = new Set(['login']);
const ROOT_TYPES = new Set(['Query', 'Mutation', 'Subscription']);

export const requireLogin: MiddlewareFn<Context> = ({ context, info }, next) => {
  if (ROOT_TYPES.has(info.parentType.name) && !PUBLIC_ROOT_FIELDS.has(info.fieldName) && context.viewer.kind !== 'user') {
    throw new AuthError('UNAUTHENTICATED', 'Log in first');
  }
  return next();
};
