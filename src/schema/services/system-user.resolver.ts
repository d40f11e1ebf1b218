import type { EntityManager, FilterQuery } from '@mikro-orm/postgresql';
import { UniqueConstraintViolationException } from '@mikro-orm/core';
import { Arg, Args, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root } from 'type-graphql';
import { Account } from '../../entities/accounts/account.js';
import { Crontab } from '../../entities/services/crontab.js';
import { SystemUser, SystemUserShell } from '../../entities/services/system-user.js';
import { NotFoundError } from '../../errors/domain-error.js';
import { findAccount } from '../accounts/account.resolver.js';
import { AccountNode } from '../accounts/account.type.js';
import { noteTouched } from '../audit/audit-note.js';
import type { Context } from '../context.js';
import { DRY_RUN, runMutation } from '../mutation.js';
import { PageArgs, paginate } from '../relay/connection.js';
import { idOf, toGlobalId } from '../relay/global-id.js';
import { DeletePayload, Payload } from '../relay/payload.js';
import { UserErrorCode, UserInputError } from '../user-input-error.js';
import { Validator } from '../validation.js';
import { CreateSystemUserInput, SystemUserFilter, UpdateSystemUserInput } from './system-user.inputs.js';
import { SystemUserConnection, SystemUserNode } from './system-user.type.js';
import {
  checkGroups, checkHome, checkSystemPassword, checkSystemUsername, checkUsernameFree, effectiveHome, type SystemUserState,
} from './system-user.validation.js';

// Payloads are `{ systemUser, userErrors }`; the operations a change wrote (runMutation's batchIds) are not exposed yet.
const SystemUserPayload = Payload('SystemUser', 'systemUser', SystemUserNode);
const DeleteSystemUserPayload = DeletePayload('DeleteSystemUser');

/** Loads a system user the viewer may see (tenant scope), with its account, or fails with NOT_FOUND. */
export async function findSystemUser(em: EntityManager, globalId: string, field = 'id'): Promise<SystemUser> {
  const user = await em.findOne(SystemUser, { id: idOf('SystemUser', globalId, field) }, { populate: ['account'] });
  if (!user) throw new NotFoundError('SystemUser', field);
  return user;
}

/** The other system users of the account (the rules compare against them). */
function othersOf(em: EntityManager, account: Account, self?: SystemUser): Promise<SystemUser[]> {
  return em.find(SystemUser, { account, ...(self ? { id: { $ne: self.id } } : {}) }, { orderBy: { username: 'asc' } });
}

/** Checks the whole state; returns the home and groups to store, and the new hash when a password was given. */
function checkState(v: Validator, state: SystemUserState, others: SystemUser[], password: string | undefined | null) {
  const home = checkHome(v, state, others);
  const groups = checkGroups(v, state, others);
  const passwordHash = password === undefined || password === null ? undefined : checkSystemPassword(v, password);
  return { home, groups, passwordHash };
}

@Resolver(() => SystemUserNode)
export class SystemUserResolver {
  @FieldResolver(() => ID)
  id(@Root() user: SystemUser): string {
    return toGlobalId('SystemUser', user.id);
  }

  @FieldResolver(() => String, { description: 'The effective home directory: /home/<username> unless another was set.' })
  home(@Root() user: SystemUser): string {
    return effectiveHome(user);
  }

  @FieldResolver(() => Boolean, { description: 'Whether a password is set (without one, only SSH keys log in).' })
  hasPassword(@Root() user: SystemUser): boolean {
    return user.passwordHash !== null;
  }

  @FieldResolver(() => AccountNode)
  account(@Root() user: SystemUser) {
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
    return runMutation(ctx, async (em) => {
      const account = await findAccount(em, input.accountId, 'input.accountId');
      noteTouched(ctx.audit, account);
      const v = new Validator();
      const username = checkSystemUsername(v, input.username);
      if (v.ok) await checkUsernameFree(v, em, username, account);
      const state: SystemUserState = {
        username,
        shell: input.shell ?? SystemUserShell.NOLOGIN,
        isMain: false,
        home: input.home ?? '',
        groups: input.groups ?? [],
      };
      const { home, groups, passwordHash } = checkState(v, state, await othersOf(em, account), input.password);
      v.check();
      const user = em.create(SystemUser, { account, username, shell: state.shell, home, groups, passwordHash: passwordHash ?? null });
      try {
        await em.flush();
      } catch (err) {
        // Lost a race with another request creating the same name.
        if (err instanceof UniqueConstraintViolationException) throw new UserInputError('input.username', 'is already taken', UserErrorCode.TAKEN);
        throw err;
      }
      ctx.audit.objectIds.push(toGlobalId('SystemUser', user.id));
      return { systemUser: user };
    });
  }

  @Mutation(() => SystemUserPayload, { description: 'Changes password, shell, home or groups; the username cannot change.' })
  updateSystemUser(@Arg('input') input: UpdateSystemUserInput, @Arg('dryRun', () => Boolean, DRY_RUN) _dryRun: boolean, @Ctx() ctx: Context) {
    return runMutation(ctx, async (em) => {
      const user = await findSystemUser(em, input.id, 'input.id');
      const account = user.account.getEntity();
      noteTouched(ctx.audit, account, input.id);
      const v = new Validator();
      const state: SystemUserState = {
        username: user.username,
        shell: input.shell ?? user.shell,
        isMain: user.isMain,
        home: input.home ?? user.home,
        groups: input.groups ?? user.groups,
      };
      const { home, groups, passwordHash } = checkState(v, state, await othersOf(em, account, user), input.password);
      v.check();
      const changes: Partial<Pick<SystemUser, 'shell' | 'home' | 'groups' | 'passwordHash'>> = {};
      if (state.shell !== user.shell) changes.shell = state.shell;
      if (home !== user.home) changes.home = home;
      if (JSON.stringify(groups) !== JSON.stringify(user.groups)) changes.groups = groups;
      if (passwordHash) changes.passwordHash = passwordHash;
      em.assign(user, changes);
      // Field names only: the audit log never holds a password or its hash.
      ctx.audit.changedFields = Object.keys(changes).map((k) => (k === 'passwordHash' ? 'password' : k));
      return { systemUser: user };
    });
  }

  @Mutation(() => SystemUserPayload, { description: 'Disables the user on the servers: locked password, expired account; files are kept.' })
  disableSystemUser(@Arg('id', () => ID) id: string, @Arg('dryRun', () => Boolean, DRY_RUN) _dryRun: boolean, @Ctx() ctx: Context) {
    return this.setActive(id, false, ctx);
  }

  @Mutation(() => SystemUserPayload, { description: 'Enables a disabled system user again.' })
  enableSystemUser(@Arg('id', () => ID) id: string, @Arg('dryRun', () => Boolean, DRY_RUN) _dryRun: boolean, @Ctx() ctx: Context) {
    return this.setActive(id, true, ctx);
  }

  private setActive(id: string, isActive: boolean, ctx: Context) {
    return runMutation(ctx, async (em) => {
      const user = await findSystemUser(em, id);
      noteTouched(ctx.audit, user.account.getEntity(), id);
      ctx.audit.changedFields = user.isActive === isActive ? [] : ['isActive'];
      user.isActive = isActive;
      return { systemUser: user };
    });
  }

  @Mutation(() => DeleteSystemUserPayload, {
    description: 'Deletes the user, its crontabs and its home on the servers. The main system user goes only with its account.',
  })
  deleteSystemUser(@Arg('id', () => ID) id: string, @Arg('dryRun', () => Boolean, DRY_RUN) _dryRun: boolean, @Ctx() ctx: Context) {
    return runMutation(ctx, async (em) => {
      const user = await findSystemUser(em, id);
      const account = user.account.getEntity();
      noteTouched(ctx.audit, account, id);
      if (user.isMain) throw new UserInputError('id', 'the main system user is deleted only with its account', UserErrorCode.NOT_ALLOWED);
      // Through the ORM, one by one, so the collector sees each delete (the database would cascade silently).
      for (const crontab of await em.find(Crontab, { systemUser: user })) em.remove(crontab);
      // Other users stop joining its group; otherwise their next save would create the group again.
      for (const member of await em.find(SystemUser, { account, groups: { $contains: [user.username] } })) {
        member.groups = member.groups.filter((g) => g !== user.username);
      }
      em.remove(user);
      return { deletedId: id };
    });
  }
}
