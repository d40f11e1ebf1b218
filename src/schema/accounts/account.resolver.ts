import type { FilterQuery } from '@mikro-orm/postgresql';
import { Arg, Args, Authorized, Ctx, FieldResolver, ID, Mutation, Query, Resolver } from 'type-graphql';
import { Account } from '../../entities/accounts/account.js';
import { createAccount, deleteAccount, setAccountActive, updateAccount } from '../../accounts/account.use-cases.js';
import { findAccount } from '../../accounts/find-account.js';
import { AdminOnlyField, Role } from '../auth-checker.js';
import type { Context } from '../context.js';
import { Cost, FIELD_COST } from '../cost.js';
import { DRY_RUN, runMutation } from '../mutation.js';
import { AccountConnection, AccountNode } from './account.type.js';
import { AccountFilter, AccountOrder, AccountOrderField, CreateAccountInput, UpdateAccountInput } from './account.inputs.js';
import { BillContactNode, ContactNode } from './contact.type.js';
import { toGlobalId } from '../relay/global-id.js';
import { PageArgs, paginate } from '../relay/connection.js';
import { DeletePayload, Payload } from '../relay/payload.js';
import { SortDirection } from '../relay/sort-direction.js';
import { Parent } from '../parent.js';

const AccountPayload = Payload('Account', 'account', AccountNode);
const DeleteAccountPayload = DeletePayload('DeleteAccount');

@Resolver(() => AccountNode)
export class AccountResolver {
  @FieldResolver(() => ID)
  id(@Parent() account: Account): string {
    return toGlobalId('Account', account.id);
  }

  @AdminOnlyField(() => String, { description: 'Staff notes; admins only (null for account users).' })
  comments(@Parent() account: Account): string {
    return account.comments;
  }

  @FieldResolver(() => [ContactNode])
  contacts(@Parent() account: Account, @Ctx() ctx: Context) {
    return ctx.loaders.contactsByAccount.load(account.id);
  }

  @FieldResolver(() => BillContactNode, { nullable: true })
  billContact(@Parent() account: Account, @Ctx() ctx: Context) {
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
    return runMutation(ctx, async (uc) => ({ account: await createAccount(uc, input) }));
  }

  @Mutation(() => AccountPayload)
  updateAccount(@Arg('input') input: UpdateAccountInput, @Arg('dryRun', () => Boolean, DRY_RUN) _dryRun: boolean, @Ctx() ctx: Context) {
    return runMutation(ctx, async (uc) => ({ account: await updateAccount(uc, input) }));
  }

  @Authorized(Role.ADMIN)
  @Mutation(() => AccountPayload, { description: 'Disables the account: its users cannot log in and its services are disabled.' })
  disableAccount(@Arg('id', () => ID) id: string, @Arg('dryRun', () => Boolean, DRY_RUN) _dryRun: boolean, @Ctx() ctx: Context) {
    return runMutation(ctx, async (uc) => ({ account: await setAccountActive(uc, id, false) }));
  }

  @Authorized(Role.ADMIN)
  @Mutation(() => AccountPayload, { description: 'Enables a disabled account.' })
  enableAccount(@Arg('id', () => ID) id: string, @Arg('dryRun', () => Boolean, DRY_RUN) _dryRun: boolean, @Ctx() ctx: Context) {
    return runMutation(ctx, async (uc) => ({ account: await setAccountActive(uc, id, true) }));
  }

  @Authorized(Role.ADMIN)
  @Mutation(() => DeleteAccountPayload, { description: 'Deletes the account with its contacts, users and tokens.' })
  deleteAccount(@Arg('id', () => ID) id: string, @Arg('dryRun', () => Boolean, DRY_RUN) _dryRun: boolean, @Ctx() ctx: Context) {
    return runMutation(ctx, async (uc) => {
      await deleteAccount(uc, id);
      return { deletedId: id };
    });
  }
}
