import type { EntityManager } from '@mikro-orm/postgresql';
import { Arg, Args, Authorized, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root } from 'type-graphql';
import { ApiToken } from '../../entities/auth/api-token.js';
import { User } from '../../entities/auth/user.js';
import { generateApiToken } from '../../auth/api-token-secret.js';
import { canLogIn } from '../../auth/authenticate.js';
import { decoyHash, hashPassword, passwordProblem, verifyPassword } from '../../auth/password.js';
import { issueSessionToken } from '../../auth/session-token.js';
import { AuthError, NotFoundError } from '../../errors/domain-error.js';
import { noteTouched } from '../audit/audit-note.js';
import { Role } from '../auth-checker.js';
import type { Context } from '../context.js';
import { runMutation } from '../mutation.js';
import { AccountNode } from '../accounts/account.type.js';
import { PageArgs, paginate } from '../relay/connection.js';
import { idOf, toGlobalId } from '../relay/global-id.js';
import { Payload } from '../relay/payload.js';
import { UserErrorCode, UserInputError } from '../user-input-error.js';
import { Validator } from '../validation.js';
import {
  ApiTokenConnection, ApiTokenNode, ChangePasswordInput, CreateApiTokenInput, CreateApiTokenPayload, LoginInput,
  LoginPayload, SetUserPasswordInput, UserNode,
} from './auth.types.js';

const ApiTokenPayload = Payload('RevokeApiToken', 'apiToken', ApiTokenNode);
const UserPayload = Payload('User', 'user', UserNode);

/** The same answer for an unknown user, a wrong password and a disabled user: a login reveals nothing. */
const badLogin = () => new UserInputError('input', 'Invalid username or password', UserErrorCode.INVALID);

function viewerUserId(ctx: Context): string {
  if (ctx.viewer.kind !== 'user') throw new AuthError('UNAUTHENTICATED', 'Log in first');
  return ctx.viewer.userId;
}

@Resolver(() => UserNode)
export class UserResolver {
  @FieldResolver(() => ID)
  id(@Root() user: User): string {
    return toGlobalId('User', user.id);
  }

  @FieldResolver(() => AccountNode)
  account(@Root() user: User) {
    return user.account.loadOrFail();
  }

  @Query(() => UserNode, { description: 'The logged-in user.' })
  me(@Ctx() ctx: Context) {
    return ctx.em.findOneOrFail(User, { id: viewerUserId(ctx) });
  }

  @Mutation(() => LoginPayload, { description: 'Exchanges a username and password for a short-lived session token.' })
  login(@Arg('input') input: LoginInput, @Ctx() ctx: Context) {
    return runMutation(ctx, async (em) => {
      const username = input.username.trim().toLowerCase().slice(0, 64);
      // Logging in happens before there is a viewer: the only lookup that bypasses the tenant scope.
      const user = await em.findOne(User, { username }, { populate: ['account'], filters: false });
      // Always pay for one hash, so timing does not tell whether the user exists; but not for a password no rule
      // lets anyone set (control characters, megabytes): it matches no one.
      const ok = passwordProblem(input.password) === null && (await verifyPassword(input.password, user?.passwordHash ?? (await decoyHash())));
      if (!user || !user.passwordHash || !ok || !canLogIn(user)) throw badLogin();
      user.lastLoginAt = new Date();
      noteTouched(ctx.audit, user.account.getEntity(), toGlobalId('User', user.id));
      ctx.audit.changedFields = [];
      const { token, expiresAt } = issueSessionToken(ctx.config.tokenSecret, user.id, ctx.config.tokenTtlSeconds);
      return { token, expiresAt, user };
    });
  }

  @Authorized()
  @Mutation(() => UserPayload, { description: 'Changes the logged-in user\'s password.' })
  changePassword(@Arg('input') input: ChangePasswordInput, @Ctx() ctx: Context) {
    return runMutation(ctx, async (em) => {
      const user = await em.findOneOrFail(User, { id: viewerUserId(ctx) }, { populate: ['account'] });
      noteTouched(ctx.audit, user.account.getEntity(), toGlobalId('User', user.id));
      ctx.audit.changedFields = ['password'];
      if (!user.passwordHash || !(await verifyPassword(input.currentPassword, user.passwordHash))) {
        throw new UserInputError('input.currentPassword', 'is wrong');
      }
      await setPassword(user, input.newPassword, 'input.newPassword');
      return { user };
    });
  }

  @Authorized(Role.ADMIN)
  @Mutation(() => UserPayload, { description: 'Sets any user\'s password (admins).' })
  setUserPassword(@Arg('input') input: SetUserPasswordInput, @Ctx() ctx: Context) {
    return runMutation(ctx, async (em) => {
      const user = await findUser(em, input.userId);
      noteTouched(ctx.audit, user.account.getEntity(), input.userId);
      ctx.audit.changedFields = ['password'];
      await setPassword(user, input.password, 'input.password');
      return { user };
    });
  }
}

async function findUser(em: EntityManager, globalId: string): Promise<User> {
  const user = await em.findOne(User, { id: idOf('User', globalId) }, { populate: ['account'] });
  if (!user) throw new NotFoundError('User');
  return user;
}

async function setPassword(user: User, password: string, field: string): Promise<void> {
  const problem = passwordProblem(password);
  if (problem) throw new UserInputError(field, problem);
  user.passwordHash = await hashPassword(password);
}

@Resolver(() => ApiTokenNode)
export class ApiTokenResolver {
  @FieldResolver(() => ID)
  id(@Root() token: ApiToken): string {
    return toGlobalId('ApiToken', token.id);
  }

  @FieldResolver(() => UserNode)
  user(@Root() token: ApiToken) {
    return token.user.loadOrFail();
  }

  @Query(() => ApiTokenConnection, { description: 'API tokens of the viewer\'s account (all, for admins).' })
  apiTokens(@Args() page: PageArgs, @Ctx() ctx: Context) {
    return paginate(ctx.em, ApiToken, {}, { createdAt: 'desc' }, page);
  }

  @Authorized()
  @Mutation(() => CreateApiTokenPayload, { description: 'Creates an API token for the logged-in user.' })
  createApiToken(@Arg('input') input: CreateApiTokenInput, @Ctx() ctx: Context) {
    return runMutation(ctx, async (em) => {
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
    return runMutation(ctx, async (em) => {
      const apiToken = await em.findOne(ApiToken, { id: idOf('ApiToken', id) }, { populate: ['account'] });
      if (!apiToken) throw new NotFoundError('API token');
      noteTouched(ctx.audit, apiToken.account.getEntity(), id);
      apiToken.revokedAt ??= new Date();
      return { apiToken };
    });
  }
}
