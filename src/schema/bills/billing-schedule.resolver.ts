import { Authorized, Ctx, Mutation, Resolver } from 'type-graphql';
import { billingInvoiceSchedule } from '../../temporal/schedules/billing-invoice.schedule.js';
import { scheduleId } from '../../temporal/schedules/schedule-declaration.js';
import { Role } from '../auth-checker.js';
import type { Context } from '../context.js';
import { Payload } from '../relay/payload.js';
import { ScheduleTrigger } from '../billing/billing.types.js';

const RunBillingInvoicePayload = Payload('RunBillingInvoice', 'trigger', ScheduleTrigger);

@Authorized(Role.ADMIN)
@Resolver()
export class BillingScheduleResolver {
  @Mutation(() => RunBillingInvoicePayload, { description: 'Runs the billing.invoice schedule now: every pending order billed up to today.' })
  async runBillingInvoice(@Ctx() ctx: Context) {
    const id = scheduleId(ctx.config.temporalTaskQueue, billingInvoiceSchedule);
    await ctx.temporal.schedule.getHandle(id).trigger();
    return { trigger: { scheduleId: id }, userErrors: [], operations: [], plan: null, dryRun: false };
  }
}
