import type { FilterQuery } from '@mikro-orm/postgresql';
import { Arg, Args, Ctx, FieldResolver, ID, Mutation, Query, Resolver } from 'type-graphql';
import { Parent } from '../parent.js';
import { Address } from '../../entities/mail/address.js';
import { Mailbox } from '../../entities/mail/mailbox.js';
import { createAddress, deleteAddress, findAddress, updateAddress } from '../../services/mail/address.use-cases.js';
import { AccountNode } from '../accounts/account.type.js';
import type { Context } from '../context.js';
import { DRY_RUN, runMutation } from '../mutation.js';
import { PageArgs, paginate } from '../relay/connection.js';
import { idOf, toGlobalId } from '../relay/global-id.js';
import { DeletePayload, Payload } from '../relay/payload.js';
import { DomainNode } from './domain.type.js';
import { AddressFilter, CreateAddressInput, UpdateAddressInput } from './mail.inputs.js';
import { AddressConnection, AddressNode, MailboxNode } from './mail.type.js';

const AddressPayload = Payload('Address', 'address', AddressNode);
const DeleteAddressPayload = DeletePayload('DeleteAddress');

@Resolver(() => AddressNode)
export class AddressResolver {
  @FieldResolver(() => ID)
  id(@Parent() address: Address): string {
    return toGlobalId('Address', address.id);
  }

  @FieldResolver(() => AccountNode)
  account(@Parent() address: Address) {
    return address.account.loadOrFail();
  }

  @FieldResolver(() => DomainNode)
  domain(@Parent() address: Address) {
    return address.domain.loadOrFail();
  }

  @FieldResolver(() => String, { description: 'name@domain; "@domain" for the catch-all.' })
  async email(@Parent() address: Address): Promise<string> {
    return `${address.name}@${(await address.domain.loadOrFail()).name}`;
  }

  @FieldResolver(() => [MailboxNode], { description: 'The mailboxes it delivers into.' })
  mailboxes(@Parent() address: Address, @Ctx() ctx: Context) {
    return ctx.em.find(Mailbox, { account: address.account.id, name: { $in: address.mailboxes } }, { orderBy: { name: 'asc' } });
  }

  @Query(() => AddressNode)
  address(@Arg('id', () => ID) id: string, @Ctx() ctx: Context) {
    return findAddress(ctx.em, id);
  }

  @Query(() => AddressConnection)
  addresses(@Args() page: PageArgs, @Arg('filter', () => AddressFilter, { nullable: true }) filter: AddressFilter | undefined, @Ctx() ctx: Context) {
    const where: FilterQuery<Address> = {};
    if (filter?.accountId) where.account = idOf('Account', filter.accountId);
    if (filter?.domainId) where.domain = idOf('Domain', filter.domainId);
    return paginate(ctx.em, Address, where, { name: 'asc' }, page);
  }

  @Mutation(() => AddressPayload, { description: 'Creates an address on a domain; it belongs to the domain\'s account.' })
  createAddress(@Arg('input') input: CreateAddressInput, @Arg('dryRun', () => Boolean, DRY_RUN) _dryRun: boolean, @Ctx() ctx: Context) {
    return runMutation(ctx, async (uc) => ({ address: await createAddress(uc, input) }));
  }

  @Mutation(() => AddressPayload, { description: 'Replaces its mailboxes, forwards or autoresponse; the name and domain cannot change.' })
  updateAddress(@Arg('input') input: UpdateAddressInput, @Arg('dryRun', () => Boolean, DRY_RUN) _dryRun: boolean, @Ctx() ctx: Context) {
    return runMutation(ctx, async (uc) => ({ address: await updateAddress(uc, input) }));
  }

  @Mutation(() => DeleteAddressPayload, { description: 'Deletes the address on its servers (its domain stops being served when it was its last).' })
  deleteAddress(@Arg('id', () => ID) id: string, @Arg('dryRun', () => Boolean, DRY_RUN) _dryRun: boolean, @Ctx() ctx: Context) {
    return runMutation(ctx, async (uc) => {
      await deleteAddress(uc, id);
      return { deletedId: id };
    });
  }
}
