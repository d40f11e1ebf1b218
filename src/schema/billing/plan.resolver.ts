import type { FilterQuery } from '@mikro-orm/postgresql';
import { Arg, Args, Authorized, Ctx, FieldResolver, ID, Mutation, Query, Resolver } from 'type-graphql';
import { Parent } from '../parent.js';
import { ContractedPlan } from '../../entities/billing/contracted-plan.js';
import { Plan } from '../../entities/billing/plan.js';
import { Rate } from '../../entities/billing/rate.js';
import { cancelContract, contractPlan, createPlan, deletePlan, deleteRate, findPlan, setRate, updatePlan } from '../../billing/plans/plan.use-cases.js';
import { AccountNode } from '../accounts/account.type.js';
import { AdminOnlyField, Role } from '../auth-checker.js';
import type { Context } from '../context.js';
import { runMutation } from '../mutation.js';
import { PageArgs, paginate } from '../relay/connection.js';
import { idOf, toGlobalId } from '../relay/global-id.js';
import { DeletePayload, Payload } from '../relay/payload.js';
import { ContractedPlanFilter, ContractPlanInput, CreatePlanInput, SetRateInput, UpdatePlanInput } from './billing.inputs.js';
import { ContractedPlanConnection, ContractedPlanNode, PlanConnection, PlanNode, RateNode, ServiceNode } from './billing.types.js';

// Not `plan`: every payload has a `plan` already (a dry run's scripts).
const PlanPayload = Payload('Plan', 'billingPlan', PlanNode);
const RatePayload = Payload('Rate', 'rate', RateNode);
const ContractedPlanPayload = Payload('ContractPlan', 'contractedPlan', ContractedPlanNode);
const DeletePlanPayload = DeletePayload('DeletePlan');
const DeleteRatePayload = DeletePayload('DeleteRate');
const CancelContractPayload = DeletePayload('CancelContract');

@Authorized(Role.ADMIN)
@Resolver(() => PlanNode)
export class PlanResolver {
  @FieldResolver(() => ID)
  id(@Parent() plan: Plan): string {
    return toGlobalId('Plan', plan.id);
  }

  @Query(() => PlanNode)
  plan(@Arg('id', () => ID) id: string, @Ctx() ctx: Context) {
    return findPlan(ctx.em, id);
  }

  @Query(() => PlanConnection)
  plans(@Args() page: PageArgs, @Ctx() ctx: Context) {
    return paginate(ctx.em, Plan, {}, { id: 'asc' }, page);
  }

  @Mutation(() => PlanPayload)
  createPlan(@Arg('input') input: CreatePlanInput, @Ctx() ctx: Context) {
    return runMutation(ctx, async (uc) => ({ billingPlan: await createPlan(uc, input) }));
  }

  @Mutation(() => PlanPayload)
  updatePlan(@Arg('input') input: UpdatePlanInput, @Ctx() ctx: Context) {
    return runMutation(ctx, async (uc) => ({ billingPlan: await updatePlan(uc, input) }));
  }

  @Mutation(() => DeletePlanPayload, { description: 'Only a plan nobody contracts; its rates go with it.' })
  deletePlan(@Arg('id', () => ID) id: string, @Ctx() ctx: Context) {
    return runMutation(ctx, async (uc) => {
      await deletePlan(uc, id);
      return { deletedId: id };
    });
  }

  @Mutation(() => RatePayload, { description: 'The price of a service from unit `quantity` on under a plan (creates or changes that rate).' })
  setRate(@Arg('input') input: SetRateInput, @Ctx() ctx: Context) {
    return runMutation(ctx, async (uc) => ({ rate: await setRate(uc, input) }));
  }

  @Mutation(() => DeleteRatePayload)
  deleteRate(@Arg('id', () => ID) id: string, @Ctx() ctx: Context) {
    return runMutation(ctx, async (uc) => {
      await deleteRate(uc, id);
      return { deletedId: id };
    });
  }
}

@Authorized(Role.ADMIN)
@Resolver(() => RateNode)
export class RateResolver {
  @FieldResolver(() => ID)
  id(@Parent() rate: Rate): string {
    return toGlobalId('Rate', rate.id);
  }

  @FieldResolver(() => PlanNode)
  plan(@Parent() rate: Rate) {
    return rate.plan.loadOrFail();
  }

  @FieldResolver(() => ServiceNode)
  service(@Parent() rate: Rate) {
    return rate.service.loadOrFail();
  }
}

/** Contracts: account users read their own (tenant scope); only admins contract or cancel. */
@Resolver(() => ContractedPlanNode)
export class ContractedPlanResolver {
  @FieldResolver(() => ID)
  id(@Parent() contract: ContractedPlan): string {
    return toGlobalId('ContractedPlan', contract.id);
  }

  @FieldResolver(() => AccountNode)
  account(@Parent() contract: ContractedPlan) {
    return contract.account.loadOrFail();
  }

  @FieldResolver(() => String, { description: 'The plan\'s name (account users may read it; the plan itself is admin only).' })
  async planName(@Parent() contract: ContractedPlan, @Ctx() ctx: Context) {
    return (await ctx.em.findOneOrFail(Plan, { id: contract.plan.id }, { filters: false })).name;
  }

  @AdminOnlyField(() => PlanNode)
  plan(@Parent() contract: ContractedPlan) {
    return contract.plan.loadOrFail();
  }

  @Query(() => ContractedPlanConnection)
  contractedPlans(@Args() page: PageArgs, @Arg('filter', () => ContractedPlanFilter, { nullable: true }) filter: ContractedPlanFilter | undefined, @Ctx() ctx: Context) {
    const where: FilterQuery<ContractedPlan> = {};
    if (filter?.accountId) where.account = idOf('Account', filter.accountId);
    if (filter?.planId) where.plan = idOf('Plan', filter.planId);
    return paginate(ctx.em, ContractedPlan, where, { id: 'asc' }, page);
  }

  @Authorized(Role.ADMIN)
  @Mutation(() => ContractedPlanPayload, { description: 'The account contracts the plan (twice only if it allows multiple).' })
  contractPlan(@Arg('input') input: ContractPlanInput, @Ctx() ctx: Context) {
    return runMutation(ctx, async (uc) => ({ contractedPlan: await contractPlan(uc, input) }));
  }

  @Authorized(Role.ADMIN)
  @Mutation(() => CancelContractPayload)
  cancelContract(@Arg('id', () => ID) id: string, @Ctx() ctx: Context) {
    return runMutation(ctx, async (uc) => {
      await cancelContract(uc, id);
      return { deletedId: id };
    });
  }
}
