import type { EntityManager, FilterQuery } from '@mikro-orm/postgresql';
import { Arg, Args, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root } from 'type-graphql';
import { Crontab } from '../../entities/services/crontab.js';
import type { SystemUser } from '../../entities/services/system-user.js';
import { NotFoundError } from '../../errors/domain-error.js';
import { AccountNode } from '../accounts/account.type.js';
import { noteTouched } from '../audit/audit-note.js';
import type { Context } from '../context.js';
import { DRY_RUN, runMutation } from '../mutation.js';
import { PageArgs, paginate } from '../relay/connection.js';
import { idOf, toGlobalId } from '../relay/global-id.js';
import { DeletePayload, Payload } from '../relay/payload.js';
import { Validator } from '../validation.js';
import { CreateCrontabInput, CrontabFilter, UpdateCrontabInput } from './crontab.inputs.js';
import { CrontabConnection, CrontabNode } from './crontab.type.js';
import { CRONTAB_FIELDS, checkCrontab, checkUserCrontab, scheduleOf, type CrontabFields } from './crontab.validation.js';
import { findSystemUser } from './system-user.resolver.js';
import { SystemUserNode } from './system-user.type.js';

const CrontabPayload = Payload('Crontab', 'crontab', CrontabNode);
const DeleteCrontabPayload = DeletePayload('DeleteCrontab');

/** Loads a crontab line the viewer may see (tenant scope), with its account, or fails with NOT_FOUND. */
async function findCrontab(em: EntityManager, globalId: string, field = 'id'): Promise<Crontab> {
  const crontab = await em.findOne(Crontab, { id: idOf('Crontab', globalId, field) }, { populate: ['account'] });
  if (!crontab) throw new NotFoundError('Crontab', field);
  return crontab;
}

/** The line's own fields, then the whole crontab its system user would have with it. */
async function checked(
  em: EntityManager,
  user: SystemUser,
  fields: CrontabFields,
  line: { id?: string; isActive: boolean },
  crontabField: string,
): Promise<CrontabFields> {
  const v = new Validator();
  const result = checkCrontab(v, fields);
  if (v.ok) await checkUserCrontab(v, em, user, { ...result, ...line }, crontabField);
  v.check();
  return result;
}

@Resolver(() => CrontabNode)
export class CrontabResolver {
  @FieldResolver(() => ID)
  id(@Root() crontab: Crontab): string {
    return toGlobalId('Crontab', crontab.id);
  }

  @FieldResolver(() => String, { description: 'The five schedule fields as cron shows them, e.g. "*/5 * * * *".' })
  schedule(@Root() crontab: Crontab): string {
    return scheduleOf(crontab);
  }

  @FieldResolver(() => SystemUserNode)
  systemUser(@Root() crontab: Crontab) {
    return crontab.systemUser.loadOrFail();
  }

  @FieldResolver(() => AccountNode)
  account(@Root() crontab: Crontab) {
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
    return runMutation(ctx, async (em) => {
      const systemUser = await findSystemUser(em, input.systemUserId, 'input.systemUserId');
      const account = systemUser.account.getEntity();
      noteTouched(ctx.audit, account);
      const fields = await checked(
        em,
        systemUser,
        {
          minute: input.minute ?? '*',
          hour: input.hour ?? '*',
          dayOfMonth: input.dayOfMonth ?? '*',
          month: input.month ?? '*',
          dayOfWeek: input.dayOfWeek ?? '*',
          command: input.command,
          description: input.description ?? '',
        },
        { isActive: true },
        'systemUserId',
      );
      const crontab = em.create(Crontab, { account, systemUser, ...fields });
      await em.flush();
      ctx.audit.objectIds.push(toGlobalId('Crontab', crontab.id));
      return { crontab };
    });
  }

  @Mutation(() => CrontabPayload)
  updateCrontab(@Arg('input') input: UpdateCrontabInput, @Arg('dryRun', () => Boolean, DRY_RUN) _dryRun: boolean, @Ctx() ctx: Context) {
    return runMutation(ctx, async (em) => {
      const crontab = await findCrontab(em, input.id, 'input.id');
      noteTouched(ctx.audit, crontab.account.getEntity(), input.id);
      const merged = Object.fromEntries(CRONTAB_FIELDS.map((k) => [k, input[k] ?? crontab[k]])) as CrontabFields;
      const isActive = input.isActive ?? crontab.isActive;
      const fields = await checked(em, await crontab.systemUser.loadOrFail(), merged, { id: crontab.id, isActive }, 'id');
      const changed: string[] = CRONTAB_FIELDS.filter((k) => fields[k] !== crontab[k]);
      em.assign(crontab, Object.fromEntries(changed.map((k) => [k, fields[k as keyof CrontabFields]])));
      if (isActive !== crontab.isActive) {
        crontab.isActive = isActive;
        changed.push('isActive');
      }
      ctx.audit.changedFields = changed;
      return { crontab };
    });
  }

  @Mutation(() => DeleteCrontabPayload, { description: 'Removes the line; the crontab on the servers is rewritten without it.' })
  deleteCrontab(@Arg('id', () => ID) id: string, @Arg('dryRun', () => Boolean, DRY_RUN) _dryRun: boolean, @Ctx() ctx: Context) {
    return runMutation(ctx, async (em) => {
      const crontab = await findCrontab(em, id);
      noteTouched(ctx.audit, crontab.account.getEntity(), id);
      // What remains must still install (a line stored before crontab's check existed is named, not hit later).
      const v = new Validator();
      await checkUserCrontab(v, em, await crontab.systemUser.loadOrFail(), { ...crontab, id: crontab.id, isActive: false }, 'id');
      v.check();
      em.remove(crontab);
      return { deletedId: id };
    });
  }
}
