import type { EntityManager } from '@mikro-orm/postgresql';
import { Arg, Args, Authorized, Ctx, FieldResolver, ID, Mutation, Query, Resolver } from 'type-graphql';
import { ApiToken } from '../../entities/auth/api-token.js';
import { User } from '../../entities/auth/user.js';
import { generateApiToken } from '../../auth/api-token-secret.js';
import { canLogIn } from '../../auth/authenticate.js';
import { endSessionsOf } from '../../auth/end-sessions.js';
import { beginLoginAttempt, endLoginAttempt } from '../../auth/login-throttle.js';
import { decoyHash, hashPassword, passwordProblem, verifyPassword } from '../../auth/password.js';
import { issueSessionToken } from '../../auth/session-token.js';
import { AuthError, NotFoundError } from '../../errors/domain-error.js';
import { noteTouched } from '../../audit/audit-note.js';
import { Role } from '../auth-checker.js';
import type { Context } from '../context.js';
import { Cost, FIELD_COST } from '../cost.js';
import { runMutation } from '../mutation.js';
import { AccountNode } from '../accounts/account.type.js';
import { PageArgs, paginate } from '../relay/connection.js';
import { idOf, toGlobalId } from '../relay/global-id.js';
import { Payload } from '../relay/payload.js';
import { UserErrorCode, UserInputError } from '../../errors/user-input-error.js';
import { Validator } from '../../validation/validator.js';
import { Parent } from '../parent.js';
import {
  ApiTokenConnection, ApiTokenNode, ChangePasswordInput, ChangePasswordPayload, CreateApiTokenInput, CreateApiTokenPayload,
  LoginInput, LoginPayload, SetUserPasswordInput, UserNode,
} from './auth.types.js';

const ApiTokenPayload = Payload('RevokeApiToken', 'apiToken', ApiTokenNode);
const UserPayload = Payload('User', 'user', UserNode);

/** The same answer for an unknown user, a wrong password and a disabled user: a login reveals nothing. */
const badLogin = () => new UserInputError('input', 'Invalid username or password', UserErrorCode.INVALID);

/** Also the same answer whether or not the user exists: the limits count usernames as typed. */
const tooManyAttempts = (windowSeconds: number) =>
  new UserInputError('input', `Too many failed logins; try again in at most ${Math.ceil(windowSeconds / 60)} minutes`, UserErrorCode.TOO_MANY_ATTEMPTS);

function viewerUserId(ctx: Context): string {
  if (ctx.viewer.kind !== 'user') throw new AuthError('UNAUTHENTICATED', 'Log in first');
  return ctx.viewer.userId;
}

@Resolver(() => UserNode)
export class UserResolver {
  @FieldResolver(() => ID)
  id(@Parent() user: User): string {
    return toGlobalId('User', user.id);
  }

  @FieldResolver(() => AccountNode)
  account(@Parent() user: User) {
    return user.account.loadOrFail();
  }

  @Query(() => UserNode, { description: 'The logged-in user.' })
  me(@Ctx() ctx: Context) {
    return ctx.em.findOneOrFail(User, { id: viewerUserId(ctx) });
  }

  @Cost(FIELD_COST.passwordHash)
  @Mutation(() => LoginPayload, { description: 'Exchanges a username and password for a short-lived session token.' })
  async login(@Arg('input') input: LoginInput, @Ctx() ctx: Context) {
    const username = input.username.trim().toLowerCase().slice(0, 64);
    const attempt = await beginLoginAttempt(ctx.em, username, ctx.request.clientAddress, {
      maxFailuresPerUsername: ctx.config.loginMaxFailuresPerUsername,
      maxFailuresPerAddress: ctx.config.loginMaxFailuresPerAddress,
      windowSeconds: ctx.config.loginFailureWindowSeconds,
    });
    const result = await runMutation(ctx, async ({ em }) => {
      // Refused before the password is checked: a guess costs nothing but tells nothing either.
      if (!attempt) throw tooManyAttempts(ctx.config.loginFailureWindowSeconds);
      // Logging in happens before there is a viewer: the only lookup that bypasses the tenant scope.
      const user = await em.findOne(User, { username }, { populate: ['account'], filters: false });
      // Always pay for one hash, so timing does not tell whether the user exists; but not for a password no rule
      // lets anyone set (control characters, megabytes): it matches no one.
      const ok = passwordProblem(input.password) === null && (await verifyPassword(input.password, user?.passwordHash ?? (await decoyHash())));
      if (!user || !user.passwordHash || !ok || !canLogIn(user)) throw badLogin();
      user.lastLoginAt = new Date();
      noteTouched(ctx.audit, user.account.getEntity(), toGlobalId('User', user.id));
      ctx.audit.changedFields = [];
      const { token, expiresAt } = issueSessionToken(ctx.config.tokenSecret, user, ctx.config.tokenTtlSeconds);
      return { token, expiresAt, user };
    });
    if (attempt) await endLoginAttempt(ctx.em, attempt, result.userErrors.length === 0);
    return result;
  }

  @Authorized()
  @Cost(FIELD_COST.passwordHash)
  @Mutation(() => ChangePasswordPayload, { description: 'Changes the logged-in user\'s password; ends all its sessions and returns a new one.' })
  changePassword(@Arg('input') input: ChangePasswordInput, @Ctx() ctx: Context) {
    return runMutation(ctx, async ({ em }) => {
      const user = await em.findOneOrFail(User, { id: viewerUserId(ctx) }, { populate: ['account'] });
      noteTouched(ctx.audit, user.account.getEntity(), toGlobalId('User', user.id));
      ctx.audit.changedFields = ['password'];
      if (!user.passwordHash || !(await verifyPassword(input.currentPassword, user.passwordHash))) {
        throw new UserInputError('input.currentPassword', 'is wrong');
      }
      await setPassword(user, input.newPassword, 'input.newPassword');
      const { token, expiresAt } = issueSessionToken(ctx.config.tokenSecret, user, ctx.config.tokenTtlSeconds);
      return { token, expiresAt, user };
    });
  }

  @Authorized(Role.ADMIN)
  @Cost(FIELD_COST.passwordHash)
  @Mutation(() => UserPayload, { description: 'Sets any user\'s password (admins).' })
  setUserPassword(@Arg('input') input: SetUserPasswordInput, @Ctx() ctx: Context) {
    return runMutation(ctx, async ({ em }) => {
      const user = await findUser(em, input.userId, 'input.userId');
      noteTouched(ctx.audit, user.account.getEntity(), input.userId);
      ctx.audit.changedFields = ['password'];
      await setPassword(user, input.password, 'input.password');
      return { user };
    });
  }
}

async function findUser(em: EntityManager, globalId: string, field = 'id'): Promise<User> {
  const user = await em.findOne(User, { id: idOf('User', globalId, field) }, { populate: ['account'] });
  if (!user) throw new NotFoundError('User', field);
  return user;
}

/** A new password ends the user's sessions: whoever held one with the old password must log in again. */
async function setPassword(user: User, password: string, field: string): Promise<void> {
  const problem = passwordProblem(password);
  if (problem) throw new UserInputError(field, problem);
  user.passwordHash = await hashPassword(password);
  endSessionsOf(user);
}

@Resolver(() => ApiTokenNode)
export class ApiTokenResolver {
  @FieldResolver(() => ID)
  id(@Parent() token: ApiToken): string {
    return toGlobalId('ApiToken', token.id);
  }

  @FieldResolver(() => UserNode)
  user(@Parent() token: ApiToken) {
    return token.user.loadOrFail();
  }

  @Query(() => ApiTokenConnection, { description: 'API tokens of the viewer\'s account (all, for admins).' })
  apiTokens(@Args() page: PageArgs, @Ctx() ctx: Context) {
    return paginate(ctx.em, ApiToken, {}, { createdAt: 'desc' }, page);
  }

  @Authorized()
  @Mutation(() => CreateApiTokenPayload, { description: 'Creates an API token for the logged-in user.' })
  createApiToken(@Arg('input') input: CreateApiTokenInput, @Ctx() ctx: Context) {
    return runMutation(ctx, async ({ em }) => {
      const user = await em.findOneOrFail(User, { id: viewerUserId(ctx) }, { populate: ['account'] });
      noteTouched(ctx.audit, user.account.getEntity());
      const v = new Validator();
      const name = v.text('name', input.name, { required: true, max: 64 });
      const days = input.expiresInDays;
      if (days !== undefined && days !== null && (!Number.isInteger(days) || days < 1 || days > 3650)) {
        v.add('expiresInDays', 'must be from 1 to 3650');
      }
      v.check();
      const { token, prefix, secretHash } = generateApiToken();
      const apiToken = em.create(ApiToken, {
        user,
        account: user.account,
        name,
        prefix,
        secretHash,
        expiresAt: days ? new Date(Date.now() + days * 86_400_000) : null,
      });
      await em.flush();
      ctx.audit.objectIds.push(toGlobalId('ApiToken', apiToken.id));
      return { token, apiToken };
    });
  }

  @Authorized()
  @Mutation(() => ApiTokenPayload, { description: 'Revokes an API token at once.' })
  revokeApiToken(@Arg('id', () => ID) id: string, @Ctx() ctx: Context) {
    return runMutation(ctx, async ({ em }) => {
      const apiToken = await em.findOne(ApiToken, { id: idOf('ApiToken', id) }, { populate: ['account'] });
      if (!apiToken) throw new NotFoundError('API token');
      noteTouched(ctx.audit, apiToken.account.getEntity(), id);
      apiToken.revokedAt ??= new Date();
      return { apiToken };
    });
  }
}
