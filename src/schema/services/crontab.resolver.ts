import type { FilterQuery } from '@mikro-orm/postgresql';
import { Arg, Args, Ctx, FieldResolver, ID, Mutation, Query, Resolver } from 'type-graphql';
import { Crontab } from '../../entities/services/crontab.js';
import { AccountNode } from '../accounts/account.type.js';
import type { Context } from '../context.js';
import { DRY_RUN, runMutation } from '../mutation.js';
import { PageArgs, paginate } from '../relay/connection.js';
import { idOf, toGlobalId } from '../relay/global-id.js';
import { DeletePayload, Payload } from '../relay/payload.js';
import { CreateCrontabInput, CrontabFilter, UpdateCrontabInput } from './crontab.inputs.js';
import { CrontabConnection, CrontabNode } from './crontab.type.js';
import { scheduleOf } from '../../services/crontabs/crontab.validation.js';
import { createCrontab, deleteCrontab, findCrontab, updateCrontab } from '../../services/crontabs/crontab.use-cases.js';
import { SystemUserNode } from './system-user.type.js';
import { Parent } from '../parent.js';

const CrontabPayload = Payload('Crontab', 'crontab', CrontabNode);
const DeleteCrontabPayload = DeletePayload('DeleteCrontab');

@Resolver(() => CrontabNode)
export class CrontabResolver {
  @FieldResolver(() => ID)
  id(@Parent() crontab: Crontab): string {
    return toGlobalId('Crontab', crontab.id);
  }

  @FieldResolver(() => String, { description: 'The five schedule fields as cron shows them, e.g. "*/5 * * * *".' })
  schedule(@Parent() crontab: Crontab): string {
    return scheduleOf(crontab);
  }

  @FieldResolver(() => SystemUserNode)
  systemUser(@Parent() crontab: Crontab) {
    return crontab.systemUser.loadOrFail();
  }

  @FieldResolver(() => AccountNode)
  account(@Parent() crontab: Crontab) {
    return crontab.account.loadOrFail();
  }

  @Query(() => CrontabNode)
  crontab(@Arg('id', () => ID) id: string, @Ctx() ctx: Context) {
    return findCrontab(ctx.em, id);
  }

  @Query(() => CrontabConnection)
  crontabs(
    @Args() page: PageArgs,
    @Arg('filter', () => CrontabFilter, { nullable: true }) filter: CrontabFilter | undefined,
    @Ctx() ctx: Context,
  ) {
    const where: FilterQuery<Crontab> = {};
    if (filter?.accountId) where.account = idOf('Account', filter.accountId);
    if (filter?.systemUserId) where.systemUser = idOf('SystemUser', filter.systemUserId);
    return paginate(ctx.em, Crontab, where, { id: 'asc' }, page);
  }

  @Mutation(() => CrontabPayload, { description: 'Adds a line to a system user\'s crontab.' })
  createCrontab(@Arg('input') input: CreateCrontabInput, @Arg('dryRun', () => Boolean, DRY_RUN) _dryRun: boolean, @Ctx() ctx: Context) {
    return runMutation(ctx, async (uc) => ({ crontab: await createCrontab(uc, input) }));
  }

  @Mutation(() => CrontabPayload)
  updateCrontab(@Arg('input') input: UpdateCrontabInput, @Arg('dryRun', () => Boolean, DRY_RUN) _dryRun: boolean, @Ctx() ctx: Context) {
    return runMutation(ctx, async (uc) => ({ crontab: await updateCrontab(uc, input) }));
  }

  @Mutation(() => DeleteCrontabPayload, { description: 'Removes the line; the crontab on the servers is rewritten without it.' })
  deleteCrontab(@Arg('id', () => ID) id: string, @Arg('dryRun', () => Boolean, DRY_RUN) _dryRun: boolean, @Ctx() ctx: Context) {
    return runMutation(ctx, async (uc) => {
      await deleteCrontab(uc, id);
      return { deletedId: id };
    });
  }
}
