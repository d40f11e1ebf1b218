import type { FilterQuery } from '@mikro-orm/postgresql';
import { Arg, Args, Ctx, FieldResolver, ID, Query, Resolver } from 'type-graphql';
import { Parent } from '../parent.js';
import { Order } from '../../entities/billing/order.js';
import { Service } from '../../entities/billing/service.js';
import { NotFoundError } from '../../errors/domain-error.js';
import { dayOf } from '../../billing/orders/calendar.js';
import { AccountNode } from '../accounts/account.type.js';
import { AdminOnlyField } from '../auth-checker.js';
import type { Context } from '../context.js';
import { PageArgs, paginate } from '../relay/connection.js';
import { idOf, toGlobalId } from '../relay/global-id.js';
import { OrderFilter } from './billing.inputs.js';
import { OrderBillingState, OrderConnection, OrderNode, ServiceNode } from './billing.types.js';

/** Pending: never billed, or billed until a day already past. */
export function billingStateOf(order: Pick<Order, 'billedOn' | 'billedUntil'>, today: string): OrderBillingState {
  if (!order.billedOn || (order.billedUntil !== null && order.billedUntil < today)) return OrderBillingState.PENDING;
  return OrderBillingState.BILLED;
}

/**
 * Orders: account users read their own (tenant scope), admins all; nobody writes them through the API (the original
 * let customers write orders and bills): the order collector and the schedules do.
 */
@Resolver(() => OrderNode)
export class OrderResolver {
  @FieldResolver(() => ID)
  id(@Parent() order: Order): string {
    return toGlobalId('Order', order.id);
  }

  @FieldResolver(() => AccountNode)
  account(@Parent() order: Order) {
    return order.account.loadOrFail();
  }

  @FieldResolver(() => ID, { description: 'The billed object\'s global id (it may no longer exist).' })
  objectId(@Parent() order: Order): string {
    return toGlobalId(order.model, order.objectId);
  }

  @FieldResolver(() => String, { description: 'The service\'s description (account users may read it; the service itself is admin only).' })
  async serviceDescription(@Parent() order: Order, @Ctx() ctx: Context) {
    return (await ctx.em.findOneOrFail(Service, { id: order.service.id }, { filters: false })).description;
  }

  @AdminOnlyField(() => ServiceNode)
  service(@Parent() order: Order) {
    return order.service.loadOrFail();
  }

  @FieldResolver(() => Boolean, { description: 'Not cancelled.' })
  isActive(@Parent() order: Order): boolean {
    return order.cancelledOn === null;
  }

  @FieldResolver(() => OrderBillingState)
  billingState(@Parent() order: Order): OrderBillingState {
    return billingStateOf(order, dayOf(new Date()));
  }

  @Query(() => OrderNode)
  async order(@Arg('id', () => ID) id: string, @Ctx() ctx: Context) {
    const order = await ctx.em.findOne(Order, { id: idOf('Order', id) });
    if (!order) throw new NotFoundError('Order');
    return order;
  }

  @Query(() => OrderConnection, { description: 'Newest first.' })
  orders(@Args() page: PageArgs, @Arg('filter', () => OrderFilter, { nullable: true }) filter: OrderFilter | undefined, @Ctx() ctx: Context) {
    const where: FilterQuery<Order> & Record<string, unknown> = {};
    const and: FilterQuery<Order>[] = [];
    if (filter?.accountId) where.account = idOf('Account', filter.accountId);
    if (filter?.serviceId) where.service = idOf('Service', filter.serviceId);
    if (filter?.isActive != null) where.cancelledOn = filter.isActive ? null : { $ne: null };
    if (filter?.ignore != null) where.ignore = filter.ignore;
    if (filter?.accountType) where.account = { ...(where.account ? { id: where.account } : {}), type: filter.accountType } as never;
    if (filter?.billingState) {
      const today = dayOf(new Date());
      and.push(
        filter.billingState === OrderBillingState.PENDING
          ? { $or: [{ billedOn: null }, { billedUntil: { $lt: today } }] }
          : { billedOn: { $ne: null }, $or: [{ billedUntil: null }, { billedUntil: { $gte: today } }] },
      );
    }
    return paginate(ctx.em, Order, and.length ? { ...where, $and: and } : where, { id: 'desc' }, page);
  }
}
