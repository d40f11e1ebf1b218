import { Authorized, Ctx, Mutation, Resolver } from 'type-graphql';
import { ordersCleanupMetricsSchedule, ordersUpdateSchedule } from '../../temporal/schedules/index.js';
import { scheduleId, type ScheduleDeclaration } from '../../temporal/schedules/schedule-declaration.js';
import { Role } from '../auth-checker.js';
import type { Context } from '../context.js';
import { Payload } from '../relay/payload.js';
import { ScheduleTrigger } from './billing.types.js';

const RunSchedulePayload = Payload('RunSchedule', 'trigger', ScheduleTrigger);

/** Runs a declared schedule now (Temporal's trigger): the worker does the work, paged, and its workflow returns the counts. */
async function trigger(ctx: Context, declaration: ScheduleDeclaration) {
  const id = scheduleId(ctx.config.temporalTaskQueue, declaration);
  await ctx.temporal.schedule.getHandle(id).trigger();
  return { trigger: { scheduleId: id }, userErrors: [], operations: [], plan: null, dryRun: false };
}

@Authorized(Role.ADMIN)
@Resolver()
export class OrdersScheduleResolver {
  @Mutation(() => RunSchedulePayload, { description: 'Runs the orders-update schedule now (services marked periodic).' })
  runOrdersUpdate(@Ctx() ctx: Context) {
    return trigger(ctx, ordersUpdateSchedule);
  }

  @Mutation(() => RunSchedulePayload, { description: 'Runs the orders-cleanup-metrics schedule now.' })
  runOrdersCleanupMetrics(@Ctx() ctx: Context) {
    return trigger(ctx, ordersCleanupMetricsSchedule);
  }
}
