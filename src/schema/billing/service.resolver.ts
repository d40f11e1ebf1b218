import type { FilterQuery } from '@mikro-orm/postgresql';
import { Arg, Args, Authorized, Ctx, Field, FieldResolver, ID, Int, Mutation, ObjectType, Query, Resolver } from 'type-graphql';
import { Parent } from '../parent.js';
import { Rate } from '../../entities/billing/rate.js';
import { Service } from '../../entities/billing/service.js';
import { createService, deleteService, findService, updateService } from '../../billing/services/service.use-cases.js';
import { updateServiceOrders } from '../../billing/orders/update-service-orders.js';
import { Role } from '../auth-checker.js';
import type { Context } from '../context.js';
import { runMutation } from '../mutation.js';
import { PageArgs, paginate } from '../relay/connection.js';
import { toGlobalId } from '../relay/global-id.js';
import { DeletePayload, Payload } from '../relay/payload.js';
import { CreateServiceInput, ServiceFilter, UpdateServiceInput } from './billing.inputs.js';
import { RateNode, ServiceConnection, ServiceNode } from './billing.types.js';

const ServicePayload = Payload('Service', 'service', ServiceNode);
const DeleteServicePayload = DeletePayload('DeleteService');

@ObjectType({ description: 'What re-evaluating orders changed.' })
export class OrderUpdateCounts {
  @Field(() => Int) objects!: number;
  @Field(() => Int) created!: number;
  @Field(() => Int) updated!: number;
  @Field(() => Int) cancelled!: number;
  @Field(() => Int) unchanged!: number;
  @Field(() => Int) metricFailures!: number;
}
const UpdateServiceOrdersPayload = Payload('UpdateServiceOrders', 'counts', OrderUpdateCounts);

@Authorized(Role.ADMIN)
@Resolver(() => ServiceNode)
export class ServiceResolver {
  @FieldResolver(() => ID)
  id(@Parent() service: Service): string {
    return toGlobalId('Service', service.id);
  }

  @FieldResolver(() => [RateNode], { description: 'By plan, then quantity.' })
  rates(@Parent() service: Service, @Ctx() ctx: Context) {
    return ctx.em.find(Rate, { service: service.id }, { orderBy: { plan: 'asc', quantity: 'asc' } });
  }

  @Query(() => ServiceNode)
  service(@Arg('id', () => ID) id: string, @Ctx() ctx: Context) {
    return findService(ctx.em, id);
  }

  @Query(() => ServiceConnection)
  services(@Args() page: PageArgs, @Arg('filter', () => ServiceFilter, { nullable: true }) filter: ServiceFilter | undefined, @Ctx() ctx: Context) {
    const where: FilterQuery<Service> = {};
    if (filter?.model) where.model = filter.model;
    if (filter?.isActive != null) where.isActive = filter.isActive;
    return paginate(ctx.em, Service, where, { id: 'asc' }, page);
  }

  @Mutation(() => ServicePayload, { description: 'Adds a billing rule; its expressions are checked on every existing object of its model.' })
  createService(@Arg('input') input: CreateServiceInput, @Ctx() ctx: Context) {
    return runMutation(ctx, async (uc) => ({ service: await createService(uc, input) }));
  }

  @Mutation(() => ServicePayload)
  updateService(@Arg('input') input: UpdateServiceInput, @Ctx() ctx: Context) {
    return runMutation(ctx, async (uc) => ({ service: await updateService(uc, input) }));
  }

  @Mutation(() => DeleteServicePayload, { description: 'Only a service that never had orders; deactivate the others.' })
  deleteService(@Arg('id', () => ID) id: string, @Ctx() ctx: Context) {
    return runMutation(ctx, async (uc) => {
      await deleteService(uc, id);
      return { deletedId: id };
    });
  }

  @Mutation(() => UpdateServiceOrdersPayload, { description: 'Re-evaluates the orders of one service over all objects of its model now (one transaction).' })
  updateServiceOrders(@Arg('id', () => ID) id: string, @Ctx() ctx: Context) {
    return runMutation(ctx, async (uc) => ({ counts: await updateServiceOrders(uc.em, [await findService(uc.em, id)]) }));
  }
}
