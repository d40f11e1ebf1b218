import type { EntityManager, FilterQuery } from '@mikro-orm/postgresql';
import { UniqueConstraintViolationException } from '@mikro-orm/core';
import { Arg, Args, Authorized, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root } from 'type-graphql';
import { Account } from '../../entities/accounts/account.js';
import { AccountType } from '../../entities/accounts/account-type.js';
import { User } from '../../entities/auth/user.js';
import { Crontab } from '../../entities/services/crontab.js';
import { SystemUser } from '../../entities/services/system-user.js';
import { hashSystemPassword } from '../../crypto/sha512-crypt.js';
import { endSessionsOfAccount } from '../../auth/end-sessions.js';
import { hashPassword, passwordProblem } from '../../auth/password.js';
import { NotFoundError } from '../../errors/domain-error.js';
import { noteTouched } from '../audit/audit-note.js';
import { AdminOnlyField, Role } from '../auth-checker.js';
import type { Context } from '../context.js';
import { Cost, FIELD_COST } from '../cost.js';
import { DRY_RUN, runMutation } from '../mutation.js';
import { AccountConnection, AccountNode } from './account.type.js';
import { AccountFilter, AccountOrder, AccountOrderField, CreateAccountInput, UpdateAccountInput } from './account.inputs.js';
import { checkLanguage, checkUsername } from './account.validation.js';
import { BillContactNode, ContactNode } from './contact.type.js';
import { idOf, toGlobalId } from '../relay/global-id.js';
import { PageArgs, paginate } from '../relay/connection.js';
import { DeletePayload, Payload } from '../relay/payload.js';
import { SortDirection } from '../relay/sort-direction.js';
import { UserErrorCode, UserInputError } from '../user-input-error.js';
import { Validator } from '../validation.js';

const AccountPayload = Payload('Account', 'account', AccountNode);
const DeleteAccountPayload = DeletePayload('DeleteAccount');

/**
 * Loads an account the viewer may see, or fails with NOT_FOUND (the same answer whether it exists or is hidden).
 * `field` names the argument the id came in: a mutation reports the failure as a userError on it.
 */
export async function findAccount(em: EntityManager, globalId: string, field = 'id'): Promise<Account> {
  const account = await em.findOne(Account, { id: idOf('Account', globalId, field) });
  if (!account) throw new NotFoundError('Account', field);
  return account;
}

@Resolver(() => AccountNode)
export class AccountResolver {
  @FieldResolver(() => ID)
  id(@Root() account: Account): string {
    return toGlobalId('Account', account.id);
  }

  @AdminOnlyField(() => String, { description: 'Staff notes; admins only (null for account users).' })
  comments(@Root() account: Account): string {
    return account.comments;
  }

  @FieldResolver(() => [ContactNode])
  contacts(@Root() account: Account, @Ctx() ctx: Context) {
    return ctx.loaders.contactsByAccount.load(account.id);
  }

  @FieldResolver(() => BillContactNode, { nullable: true })
  billContact(@Root() account: Account, @Ctx() ctx: Context) {
    return ctx.loaders.billContactByAccount.load(account.id);
  }

  @Query(() => AccountNode, { nullable: true, description: 'The account of the logged-in user.' })
  async myAccount(@Ctx() ctx: Context) {
    return ctx.viewer.kind === 'user' ? ctx.em.findOne(Account, { id: ctx.viewer.accountId }) : null;
  }

  @Query(() => AccountNode)
  account(@Arg('id', () => ID) id: string, @Ctx() ctx: Context) {
    return findAccount(ctx.em, id);
  }

  @Query(() => AccountConnection)
  accounts(
    @Args() page: PageArgs,
    @Arg('filter', () => AccountFilter, { nullable: true }) filter: AccountFilter | undefined,
    @Arg('orderBy', () => AccountOrder, { nullable: true }) orderBy: AccountOrder | undefined,
    @Ctx() ctx: Context,
  ) {
    const where: FilterQuery<Account> = {};
    if (filter?.type) where.type = filter.type;
    if (filter?.isActive !== undefined && filter.isActive !== null) where.isActive = filter.isActive;
    if (filter?.search) {
      const like = `%${filter.search.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
      where.$or = [{ username: { $ilike: like } }, { shortName: { $ilike: like } }, { fullName: { $ilike: like } }];
    }
    const order = orderBy ?? { field: AccountOrderField.USERNAME, direction: SortDirection.ASC };
    return paginate(ctx.em, Account, where, { [order.field]: order.direction }, page);
  }

  @Authorized(Role.ADMIN)
  @Cost(FIELD_COST.passwordHash)
  @Mutation(() => AccountPayload, { description: 'Creates an account and its main user (same username).' })
  createAccount(@Arg('input') input: CreateAccountInput, @Arg('dryRun', () => Boolean, DRY_RUN) _dryRun: boolean, @Ctx() ctx: Context) {
    return runMutation(ctx, async (em) => {
      const v = new Validator();
      const username = checkUsername(v, input.username);
      const language = checkLanguage(v, input.language);
      const shortName = v.text('shortName', input.shortName, { max: 64 });
      const fullName = v.text('fullName', input.fullName, { max: 256 });
      const comments = v.text('comments', input.comments, { max: 10_000 });
      const problem = input.password === undefined || input.password === null ? null : passwordProblem(input.password);
      if (problem) v.add('password', problem);
      v.check();
      if (await em.count(Account, { username })) {
        throw new UserInputError('input.username', 'is already taken', UserErrorCode.TAKEN);
      }
      const account = em.create(Account, {
        username,
        type: input.type ?? AccountType.INDIVIDUAL,
        language: language ?? 'en',
        shortName,
        fullName,
        comments,
      });
      em.create(User, {
        account,
        username,
        passwordHash: input.password ? await hashPassword(input.password) : null,
      });
      // Every account has a main system user of its own name (its collector operation creates it on the servers).
      if (await em.count(SystemUser, { username }, { filters: false })) {
        throw new UserInputError('input.username', 'is already a system user', UserErrorCode.TAKEN);
      }
      em.create(SystemUser, {
        account,
        username,
        isMain: true,
        passwordHash: input.password ? hashSystemPassword(input.password) : null,
      });
      try {
        await em.flush();
      } catch (err) {
        // Lost a race with another request creating the same name.
        if (err instanceof UniqueConstraintViolationException) {
          throw new UserInputError('input.username', 'is already taken', UserErrorCode.TAKEN);
        }
        throw err;
      }
      noteTouched(ctx.audit, account, toGlobalId('Account', account.id));
      return { account };
    });
  }

  @Mutation(() => AccountPayload)
  updateAccount(@Arg('input') input: UpdateAccountInput, @Arg('dryRun', () => Boolean, DRY_RUN) _dryRun: boolean, @Ctx() ctx: Context) {
    return runMutation(ctx, async (em) => {
      const account = await findAccount(em, input.id, 'input.id');
      noteTouched(ctx.audit, account, input.id);
      const isAdmin = ctx.viewer.kind === 'user' && ctx.viewer.isAdmin;
      const v = new Validator();
      if (!isAdmin && input.type !== undefined && input.type !== null) v.add('type', 'only admins may change it', UserErrorCode.NOT_ALLOWED);
      if (!isAdmin && input.comments !== undefined && input.comments !== null) v.add('comments', 'only admins may change it', UserErrorCode.NOT_ALLOWED);
      const language = checkLanguage(v, input.language ?? undefined);
      const shortName = input.shortName == null ? undefined : v.text('shortName', input.shortName, { max: 64 });
      const fullName = input.fullName == null ? undefined : v.text('fullName', input.fullName, { max: 256 });
      const comments = input.comments == null ? undefined : v.text('comments', input.comments, { max: 10_000 });
      v.check();
      const changes = { type: input.type ?? undefined, language, shortName, fullName, comments };
      const changed = Object.entries(changes).filter(([k, value]) => value !== undefined && value !== account[k as keyof Account]);
      em.assign(account, Object.fromEntries(changed));
      ctx.audit.changedFields = changed.map(([k]) => k);
      return { account };
    });
  }

  @Authorized(Role.ADMIN)
  @Mutation(() => AccountPayload, { description: 'Disables the account: its users cannot log in and its services are disabled.' })
  disableAccount(@Arg('id', () => ID) id: string, @Arg('dryRun', () => Boolean, DRY_RUN) _dryRun: boolean, @Ctx() ctx: Context) {
    return this.setActive(id, false, ctx);
  }

  @Authorized(Role.ADMIN)
  @Mutation(() => AccountPayload, { description: 'Enables a disabled account.' })
  enableAccount(@Arg('id', () => ID) id: string, @Arg('dryRun', () => Boolean, DRY_RUN) _dryRun: boolean, @Ctx() ctx: Context) {
    return this.setActive(id, true, ctx);
  }

  private setActive(id: string, isActive: boolean, ctx: Context) {
    return runMutation(ctx, async (em) => {
      const account = await findAccount(em, id);
      noteTouched(ctx.audit, account, id);
      if (ctx.viewer.kind === 'user' && account.id === ctx.viewer.accountId && !isActive) {
        throw new UserInputError('id', 'you cannot disable your own account', UserErrorCode.NOT_ALLOWED);
      }
      ctx.audit.changedFields = account.isActive === isActive ? [] : ['isActive'];
      // Its users are locked out while it is disabled (canLogIn); their sessions stay ended when it is enabled again.
      if (account.isActive && !isActive) await endSessionsOfAccount(em, account.id);
      account.isActive = isActive;
      return { account };
    });
  }

  @Authorized(Role.ADMIN)
  @Mutation(() => DeleteAccountPayload, { description: 'Deletes the account with its contacts, users and tokens.' })
  deleteAccount(@Arg('id', () => ID) id: string, @Arg('dryRun', () => Boolean, DRY_RUN) _dryRun: boolean, @Ctx() ctx: Context) {
    return runMutation(ctx, async (em) => {
      const account = await findAccount(em, id);
      noteTouched(ctx.audit, { id: account.id, username: account.username }, id);
      if (ctx.viewer.kind === 'user' && account.id === ctx.viewer.accountId) {
        throw new UserInputError('id', 'you cannot delete your own account', UserErrorCode.NOT_ALLOWED);
      }
      // Services first, each through the ORM, so the collector turns each into a delete on its servers; nothing of
      // the account remains there (the database's cascades alone would be invisible to it).
      for (const crontab of await em.find(Crontab, { account }, { populate: ['systemUser'] })) em.remove(crontab);
      for (const user of await em.find(SystemUser, { account })) em.remove(user);
      await em.flush();
      em.remove(account);
      await em.flush();
      // The entry outlives the account: keep its name, drop the foreign key.
      ctx.audit.accountId = null;
      return { deletedId: id };
    });
  }
}
