import type { FilterQuery } from '@mikro-orm/postgresql';
import { Arg, Args, Authorized, Ctx, FieldResolver, ID, Mutation, Query, Resolver } from 'type-graphql';
import { Parent } from '../parent.js';
import { Miscellaneous } from '../../entities/billing/miscellaneous.js';
import { MiscellaneousKind } from '../../entities/billing/miscellaneous-kind.js';
import {
  createMiscellaneous, createMiscellaneousKind, deleteMiscellaneous, deleteMiscellaneousKind, findKind, findMiscellaneous, updateMiscellaneous,
  updateMiscellaneousKind,
} from '../../billing/miscellaneous/miscellaneous.use-cases.js';
import { AccountNode } from '../accounts/account.type.js';
import { Role } from '../auth-checker.js';
import type { Context } from '../context.js';
import { runMutation } from '../mutation.js';
import { PageArgs, paginate } from '../relay/connection.js';
import { idOf, toGlobalId } from '../relay/global-id.js';
import { DeletePayload, Payload } from '../relay/payload.js';
import { CreateMiscellaneousInput, CreateMiscellaneousKindInput, MiscellaneousFilter, UpdateMiscellaneousInput, UpdateMiscellaneousKindInput } from './billing.inputs.js';
import { MiscellaneousConnection, MiscellaneousKindConnection, MiscellaneousKindNode, MiscellaneousNode } from './billing.types.js';

const KindPayload = Payload('MiscellaneousKind', 'kind', MiscellaneousKindNode);
const ItemPayload = Payload('Miscellaneous', 'miscellaneous', MiscellaneousNode);
const DeleteMiscellaneousKindPayload = DeletePayload('DeleteMiscellaneousKind');
const DeleteMiscellaneousPayload = DeletePayload('DeleteMiscellaneous');

@Authorized(Role.ADMIN)
@Resolver(() => MiscellaneousKindNode)
export class MiscellaneousKindResolver {
  @FieldResolver(() => ID)
  id(@Parent() kind: MiscellaneousKind): string {
    return toGlobalId('MiscellaneousKind', kind.id);
  }

  @Query(() => MiscellaneousKindNode)
  miscellaneousKind(@Arg('id', () => ID) id: string, @Ctx() ctx: Context) {
    return findKind(ctx.em, id);
  }

  @Query(() => MiscellaneousKindConnection)
  miscellaneousKinds(@Args() page: PageArgs, @Ctx() ctx: Context) {
    return paginate(ctx.em, MiscellaneousKind, {}, { id: 'asc' }, page);
  }

  @Mutation(() => KindPayload)
  createMiscellaneousKind(@Arg('input') input: CreateMiscellaneousKindInput, @Ctx() ctx: Context) {
    return runMutation(ctx, async (uc) => ({ kind: await createMiscellaneousKind(uc, input) }));
  }

  @Mutation(() => KindPayload)
  updateMiscellaneousKind(@Arg('input') input: UpdateMiscellaneousKindInput, @Ctx() ctx: Context) {
    return runMutation(ctx, async (uc) => ({ kind: await updateMiscellaneousKind(uc, input) }));
  }

  @Mutation(() => DeleteMiscellaneousKindPayload)
  deleteMiscellaneousKind(@Arg('id', () => ID) id: string, @Ctx() ctx: Context) {
    return runMutation(ctx, async (uc) => {
      await deleteMiscellaneousKind(uc, id);
      return { deletedId: id };
    });
  }
}

/** Items: account users read their own; only admins write them (they are billed). */
@Resolver(() => MiscellaneousNode)
export class MiscellaneousResolver {
  @FieldResolver(() => ID)
  id(@Parent() item: Miscellaneous): string {
    return toGlobalId('Miscellaneous', item.id);
  }

  @FieldResolver(() => AccountNode)
  account(@Parent() item: Miscellaneous) {
    return item.account.loadOrFail();
  }

  @FieldResolver(() => String, { description: 'The kind\'s name (the kind itself is admin only).' })
  async kindName(@Parent() item: Miscellaneous, @Ctx() ctx: Context) {
    return (await ctx.em.findOneOrFail(MiscellaneousKind, { id: item.kind.id }, { filters: false })).name;
  }

  @Query(() => MiscellaneousNode)
  miscellaneous(@Arg('id', () => ID) id: string, @Ctx() ctx: Context) {
    return findMiscellaneous(ctx.em, id);
  }

  @Query(() => MiscellaneousConnection)
  miscellaneousItems(@Args() page: PageArgs, @Arg('filter', () => MiscellaneousFilter, { nullable: true }) filter: MiscellaneousFilter | undefined, @Ctx() ctx: Context) {
    const where: FilterQuery<Miscellaneous> = {};
    if (filter?.accountId) where.account = idOf('Account', filter.accountId);
    if (filter?.kindId) where.kind = idOf('MiscellaneousKind', filter.kindId);
    return paginate(ctx.em, Miscellaneous, where, { id: 'asc' }, page);
  }

  @Authorized(Role.ADMIN)
  @Mutation(() => ItemPayload)
  createMiscellaneous(@Arg('input') input: CreateMiscellaneousInput, @Ctx() ctx: Context) {
    return runMutation(ctx, async (uc) => ({ miscellaneous: await createMiscellaneous(uc, input) }));
  }

  @Authorized(Role.ADMIN)
  @Mutation(() => ItemPayload)
  updateMiscellaneous(@Arg('input') input: UpdateMiscellaneousInput, @Ctx() ctx: Context) {
    return runMutation(ctx, async (uc) => ({ miscellaneous: await updateMiscellaneous(uc, input) }));
  }

  @Authorized(Role.ADMIN)
  @Mutation(() => DeleteMiscellaneousPayload)
  deleteMiscellaneous(@Arg('id', () => ID) id: string, @Ctx() ctx: Context) {
    return runMutation(ctx, async (uc) => {
      await deleteMiscellaneous(uc, id);
      return { deletedId: id };
    });
  }
}
