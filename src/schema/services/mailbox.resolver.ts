import type { FilterQuery } from '@mikro-orm/postgresql';
import { Arg, Args, Ctx, FieldResolver, ID, Mutation, Query, Resolver } from 'type-graphql';
import { Parent } from '../parent.js';
import { Address } from '../../entities/mail/address.js';
import { Mailbox } from '../../entities/mail/mailbox.js';
import { createMailbox, deleteMailbox, findMailbox, updateMailbox } from '../../services/mail/mailbox.use-cases.js';
import { AccountNode } from '../accounts/account.type.js';
import type { Context } from '../context.js';
import { Cost, FIELD_COST } from '../cost.js';
import { DRY_RUN, runMutation } from '../mutation.js';
import { PageArgs, paginate } from '../relay/connection.js';
import { idOf, toGlobalId } from '../relay/global-id.js';
import { DeletePayload, Payload } from '../relay/payload.js';
import { CreateMailboxInput, MailboxFilter, UpdateMailboxInput } from './mail.inputs.js';
import { AddressNode, MailboxConnection, MailboxNode } from './mail.type.js';

const MailboxPayload = Payload('Mailbox', 'mailbox', MailboxNode);
const DeleteMailboxPayload = DeletePayload('DeleteMailbox');

@Resolver(() => MailboxNode)
export class MailboxResolver {
  @FieldResolver(() => ID)
  id(@Parent() mailbox: Mailbox): string {
    return toGlobalId('Mailbox', mailbox.id);
  }

  @FieldResolver(() => AccountNode)
  account(@Parent() mailbox: Mailbox) {
    return mailbox.account.loadOrFail();
  }

  @FieldResolver(() => [AddressNode], { description: 'The addresses that deliver into it.' })
  addresses(@Parent() mailbox: Mailbox, @Ctx() ctx: Context) {
    return ctx.em.find(Address, { account: mailbox.account.id, mailboxes: { $contains: [mailbox.name] } }, { orderBy: { id: 'asc' } });
  }

  @Query(() => MailboxNode)
  mailbox(@Arg('id', () => ID) id: string, @Ctx() ctx: Context) {
    return findMailbox(ctx.em, id);
  }

  @Query(() => MailboxConnection)
  mailboxes(@Args() page: PageArgs, @Arg('filter', () => MailboxFilter, { nullable: true }) filter: MailboxFilter | undefined, @Ctx() ctx: Context) {
    const where: FilterQuery<Mailbox> = {};
    if (filter?.accountId) where.account = idOf('Account', filter.accountId);
    return paginate(ctx.em, Mailbox, where, { name: 'asc' }, page);
  }

  @Cost(FIELD_COST.passwordHash)
  @Mutation(() => MailboxPayload, { description: 'Creates a mailbox of an account (its servers get only the hash of its password).' })
  createMailbox(@Arg('input') input: CreateMailboxInput, @Arg('dryRun', () => Boolean, DRY_RUN) _dryRun: boolean, @Ctx() ctx: Context) {
    return runMutation(ctx, async (uc) => ({ mailbox: await createMailbox(uc, input) }));
  }

  @Cost(FIELD_COST.passwordHash)
  @Mutation(() => MailboxPayload, { description: 'Changes its password, state, spam filter or Sieve script; the name cannot change.' })
  updateMailbox(@Arg('input') input: UpdateMailboxInput, @Arg('dryRun', () => Boolean, DRY_RUN) _dryRun: boolean, @Ctx() ctx: Context) {
    return runMutation(ctx, async (uc) => ({ mailbox: await updateMailbox(uc, input) }));
  }

  @Mutation(() => DeleteMailboxPayload, {
    description: 'Deletes the mailbox on its servers (its mail is moved to the configured trash or removed). Addresses lose it; one left with no destination is deleted.',
  })
  deleteMailbox(@Arg('id', () => ID) id: string, @Arg('dryRun', () => Boolean, DRY_RUN) _dryRun: boolean, @Ctx() ctx: Context) {
    return runMutation(ctx, async (uc) => {
      await deleteMailbox(uc, id);
      return { deletedId: id };
    });
  }
}
