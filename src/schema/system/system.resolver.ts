import { Authorized, Ctx, Field, ObjectType, Query, Resolver } from 'type-graphql';
import { Role } from '../auth-checker.js';
import type { Context } from '../context.js';
import { Cost, FIELD_COST } from '../cost.js';
import { DomainError } from '../../errors/domain-error.js';
import { runHealthCheck } from '../../temporal/health-check.js';
import { workflowHistoryUrl } from '../../temporal/ui-links.js';

@ObjectType()
export class SystemHealth {
  @Field({ description: 'PostgreSQL version, as seen by a worker activity.' }) database!: string;
  @Field({ description: 'When the worker checked.' }) checkedAt!: string;
  @Field({ description: 'The worker that ran the check.' }) workerIdentity!: string;
  @Field({ description: 'The health-check workflow in the Temporal UI.' }) workflowUrl!: string;
}

@Resolver()
export class SystemResolver {
  @Authorized(Role.ADMIN)
  @Cost(FIELD_COST.workflowRoundTrip)
  @Query(() => SystemHealth, { description: 'Runs a workflow through Temporal and a worker to the database and back.' })
  async systemHealth(@Ctx() ctx: Context): Promise<SystemHealth> {
    try {
      const result = await runHealthCheck(ctx.temporal, ctx.config.temporalTaskQueue);
      return {
        ...result,
        workflowUrl: workflowHistoryUrl(ctx.config.temporalUiUrl, ctx.config.temporalNamespace, result.workflowId, result.runId),
      };
    } catch (err) {
      throw new DomainError('TEMPORAL_UNAVAILABLE', `Health check failed: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
}
