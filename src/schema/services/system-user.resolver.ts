import type { FilterQuery } from '@mikro-orm/postgresql';
import { Arg, Args, Ctx, FieldResolver, ID, Mutation, Query, Resolver } from 'type-graphql';
import { SystemUser } from '../../entities/services/system-user.js';
import {
  createSystemUser, deleteSystemUser, findSystemUser, setSystemUserActive, updateSystemUser,
} from '../../services/system-users/system-user.use-cases.js';
import { effectiveHome } from '../../services/system-users/system-user.validation.js';
import { AccountNode } from '../accounts/account.type.js';
import type { Context } from '../context.js';
import { DRY_RUN, runMutation } from '../mutation.js';
import { PageArgs, paginate } from '../relay/connection.js';
import { idOf, toGlobalId } from '../relay/global-id.js';
import { DeletePayload, Payload } from '../relay/payload.js';
import { CreateSystemUserInput, SystemUserFilter, UpdateSystemUserInput } from './system-user.inputs.js';
import { SystemUserConnection, SystemUserNode } from './system-user.type.js';
import { Parent } from '../parent.js';

// Payloads are `{ systemUser, userErrors }`; the operations a change wrote (runMutation's batchIds) are not exposed yet.
const SystemUserPayload = Payload('SystemUser', 'systemUser', SystemUserNode);
const DeleteSystemUserPayload = DeletePayload('DeleteSystemUser');

@Resolver(() => SystemUserNode)
export class SystemUserResolver {
  @FieldResolver(() => ID)
  id(@Parent() user: SystemUser): string {
    return toGlobalId('SystemUser', user.id);
  }

  @FieldResolver(() => String, { description: 'The effective home directory: /home/<username> unless another was set.' })
  home(@Parent() user: SystemUser): string {
    return effectiveHome(user);
  }

  @FieldResolver(() => Boolean, { description: 'Whether a password is set (without one, only SSH keys log in).' })
  hasPassword(@Parent() user: SystemUser): boolean {
    return user.passwordHash !== null;
  }

  @FieldResolver(() => AccountNode)
  account(@Parent() user: SystemUser) {
    return user.account.loadOrFail();
  }

  @Query(() => SystemUserNode)
  systemUser(@Arg('id', () => ID) id: string, @Ctx() ctx: Context) {
    return findSystemUser(ctx.em, id);
  }

  @Query(() => SystemUserConnection)
  systemUsers(
    @Args() page: PageArgs,
    @Arg('filter', () => SystemUserFilter, { nullable: true }) filter: SystemUserFilter | undefined,
    @Ctx() ctx: Context,
  ) {
    const where: FilterQuery<SystemUser> = {};
    if (filter?.accountId) where.account = idOf('Account', filter.accountId);
    if (filter?.isActive !== undefined && filter.isActive !== null) where.isActive = filter.isActive;
    if (filter?.search) where.username = { $ilike: `%${filter.search.replace(/[\\%_]/g, (c) => `\\${c}`)}%` };
    return paginate(ctx.em, SystemUser, where, { username: 'asc' }, page);
  }

  @Mutation(() => SystemUserPayload, { description: 'Creates a system user of an account (never a main one: those come with the account).' })
  createSystemUser(@Arg('input') input: CreateSystemUserInput, @Arg('dryRun', () => Boolean, DRY_RUN) _dryRun: boolean, @Ctx() ctx: Context) {
    return runMutation(ctx, async (uc) => ({ systemUser: await createSystemUser(uc, input) }));
  }

  @Mutation(() => SystemUserPayload, { description: 'Changes password, shell, home or groups; the username cannot change.' })
  updateSystemUser(@Arg('input') input: UpdateSystemUserInput, @Arg('dryRun', () => Boolean, DRY_RUN) _dryRun: boolean, @Ctx() ctx: Context) {
    return runMutation(ctx, async (uc) => ({ systemUser: await updateSystemUser(uc, input) }));
  }

  @Mutation(() => SystemUserPayload, { description: 'Disables the user on the servers: locked password, expired account; files are kept.' })
  disableSystemUser(@Arg('id', () => ID) id: string, @Arg('dryRun', () => Boolean, DRY_RUN) _dryRun: boolean, @Ctx() ctx: Context) {
    return runMutation(ctx, async (uc) => ({ systemUser: await setSystemUserActive(uc, id, false) }));
  }

  @Mutation(() => SystemUserPayload, { description: 'Enables a disabled system user again.' })
  enableSystemUser(@Arg('id', () => ID) id: string, @Arg('dryRun', () => Boolean, DRY_RUN) _dryRun: boolean, @Ctx() ctx: Context) {
    return runMutation(ctx, async (uc) => ({ systemUser: await setSystemUserActive(uc, id, true) }));
  }

  @Mutation(() => DeleteSystemUserPayload, {
    description: 'Deletes the user, its crontabs and its home on the servers. The main system user goes only with its account.',
  })
  deleteSystemUser(@Arg('id', () => ID) id: string, @Arg('dryRun', () => Boolean, DRY_RUN) _dryRun: boolean, @Ctx() ctx: Context) {
    return runMutation(ctx, async (uc) => {
      await deleteSystemUser(uc, id);
      return { deletedId: id };
    });
  }
}
