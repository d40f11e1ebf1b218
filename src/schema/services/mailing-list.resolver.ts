import type { FilterQuery } from '@mikro-orm/postgresql';
import { Arg, Args, Ctx, FieldResolver, ID, Mutation, Query, Resolver } from 'type-graphql';
import { Parent } from '../parent.js';
import { MailingList } from '../../entities/mail/mailing-list.js';
import { createMailingList, deleteMailingList, findMailingList, updateMailingList } from '../../services/mail/mailing-list.use-cases.js';
import { AccountNode } from '../accounts/account.type.js';
import type { Context } from '../context.js';
import { Cost, FIELD_COST } from '../cost.js';
import { DRY_RUN, runMutation } from '../mutation.js';
import { PageArgs, paginate } from '../relay/connection.js';
import { idOf, toGlobalId } from '../relay/global-id.js';
import { DeletePayload, Payload } from '../relay/payload.js';
import { DomainNode } from './domain.type.js';
import { CreateMailingListInput, MailingListFilter, UpdateMailingListInput } from './mailing-list.inputs.js';
import { MailingListConnection, MailingListNode } from './mailing-list.type.js';

const MailingListPayload = Payload('MailingList', 'mailingList', MailingListNode);
const DeleteMailingListPayload = DeletePayload('DeleteMailingList');

@Resolver(() => MailingListNode)
export class MailingListResolver {
  @FieldResolver(() => ID)
  id(@Parent() list: MailingList): string {
    return toGlobalId('MailingList', list.id);
  }

  @FieldResolver(() => AccountNode)
  account(@Parent() list: MailingList) {
    return list.account.loadOrFail();
  }

  @FieldResolver(() => DomainNode)
  domain(@Parent() list: MailingList) {
    return list.domain.loadOrFail();
  }

  @FieldResolver(() => String, { description: 'Its posting address, addressName@domain.' })
  async address(@Parent() list: MailingList): Promise<string> {
    return `${list.addressName}@${(await list.domain.loadOrFail()).name}`;
  }

  @Query(() => MailingListNode)
  mailingList(@Arg('id', () => ID) id: string, @Ctx() ctx: Context) {
    return findMailingList(ctx.em, id);
  }

  @Query(() => MailingListConnection)
  mailingLists(@Args() page: PageArgs, @Arg('filter', () => MailingListFilter, { nullable: true }) filter: MailingListFilter | undefined, @Ctx() ctx: Context) {
    const where: FilterQuery<MailingList> = {};
    if (filter?.accountId) where.account = idOf('Account', filter.accountId);
    if (filter?.domainId) where.domain = idOf('Domain', filter.domainId);
    return paginate(ctx.em, MailingList, where, { name: 'asc' }, page);
  }

  @Cost(FIELD_COST.passwordHash)
  @Mutation(() => MailingListPayload, { description: 'Creates a mailing list on a domain; it belongs to the domain\'s account (its servers get only the hash of its password).' })
  createMailingList(@Arg('input') input: CreateMailingListInput, @Arg('dryRun', () => Boolean, DRY_RUN) _dryRun: boolean, @Ctx() ctx: Context) {
    return runMutation(ctx, async (uc) => ({ mailingList: await createMailingList(uc, input) }));
  }

  @Cost(FIELD_COST.passwordHash)
  @Mutation(() => MailingListPayload, { description: 'Changes its owner, password or state; the name and address cannot change.' })
  updateMailingList(@Arg('input') input: UpdateMailingListInput, @Arg('dryRun', () => Boolean, DRY_RUN) _dryRun: boolean, @Ctx() ctx: Context) {
    return runMutation(ctx, async (uc) => ({ mailingList: await updateMailingList(uc, input) }));
  }

  @Mutation(() => DeleteMailingListPayload, { description: 'Deletes the list on its servers, with its members and archives.' })
  deleteMailingList(@Arg('id', () => ID) id: string, @Arg('dryRun', () => Boolean, DRY_RUN) _dryRun: boolean, @Ctx() ctx: Context) {
    return runMutation(ctx, async (uc) => {
      await deleteMailingList(uc, id);
      return { deletedId: id };
    });
  }
}
