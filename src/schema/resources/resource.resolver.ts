import { randomUUID } from 'node:crypto';
import { Arg, Args, Authorized, Ctx, FieldResolver, ID, Mutation, Query, Resolver } from 'type-graphql';
import { Parent } from '../parent.js';
import { Resource } from '../../entities/resources/resource.js';
import { NotFoundError } from '../../errors/domain-error.js';
import { UserInputError } from '../../errors/user-input-error.js';
import { resourceHistory, type Bucket } from '../../resources/history.js';
import { listMonitors } from '../../resources/monitors/registry.js';
import { RESOURCE_MODELS, entityClassOf } from '../../resources/resource-paths.js';
import { applyScheduleChanges, monitorWorkflowIdPrefix } from '../../resources/resource-schedules.js';
import { createResource, deleteResource, findResource, setResourceAllocation, updateResource } from '../../resources/resource.use-cases.js';
import { workflowHistoryUrl } from '../../temporal/ui-links.js';
import { MONITOR_RESOURCE_WORKFLOW, type MonitorResourceInput } from '../../workflows/contracts/resources.js';
import { Role } from '../auth-checker.js';
import type { Context } from '../context.js';
import { runMutation } from '../mutation.js';
import { PageArgs, paginate } from '../relay/connection.js';
import { fromGlobalId, idOf, toGlobalId } from '../relay/global-id.js';
import { DeletePayload, Payload } from '../relay/payload.js';
import {
  CreateResourceInput, HistoryBucket, MonitorInfo, MonitorNowResult, ResourceConnection, ResourceHistoryPoint, ResourceNode, SetResourceAllocationInput,
  ResourceUsage, UpdateResourceInput,
} from './resource.type.js';
import { errorMessage, log } from '../../observability/logger.js';

const ResourcePayload = Payload('Resource', 'resource', ResourceNode);
const DeleteResourcePayload = DeletePayload('DeleteResource');
const MonitorNowPayload = Payload('MonitorNow', 'run', MonitorNowResult);

const ResourceAllocationPayload = Payload('SetResourceAllocation', 'usage', ResourceUsage);

/**
 * Applies the schedule outbox right after a resource's change committed, so the schedule is in step when the mutation
 * answers; if Temporal is down the change stays pending and the `resource-schedule-relay` schedule applies it.
 */
async function applySchedulesAfterCommit(ctx: Context): Promise<void> {
  try {
    await applyScheduleChanges(ctx.em.fork(), ctx.temporal, ctx.config.temporalTaskQueue);
  } catch (err) {
    log.warn({ err: errorMessage(err) }, 'resource schedule change committed, not applied yet (the relay will)');
  }
}

@Resolver(() => ResourceNode)
export class ResourceResolver {
  @FieldResolver(() => ID)
  id(@Parent() resource: Resource): string {
    return toGlobalId('Resource', resource.id);
  }

  @Authorized(Role.ADMIN)
  @Query(() => ResourceConnection)
  resources(@Args() page: PageArgs, @Ctx() ctx: Context) {
    return paginate(ctx.em, Resource, {}, { name: 'asc' }, page);
  }

  @Authorized(Role.ADMIN)
  @Query(() => ResourceNode)
  resource(@Arg('id', () => ID) id: string, @Ctx() ctx: Context) {
    return findResource(ctx.em, id);
  }

  @Authorized(Role.ADMIN)
  @Query(() => [MonitorInfo], { description: 'The monitors resources may name.' })
  monitors(): MonitorInfo[] {
    return listMonitors().map(({ name, description, model, backend, kind, counter }) => ({ name, description, model, backend, kind, counter }));
  }

  @Query(() => [ResourceHistoryPoint], { description: 'An object\'s usage of a resource over time, in buckets (an account user: its own objects only).' })
  async resourceHistory(
    @Arg('objectId', () => ID) objectId: string,
    @Arg('resource', { description: 'The resource\'s name (of the object\'s model).' }) resourceName: string,
    @Arg('from') from: Date,
    @Arg('to') to: Date,
    @Arg('bucket', () => HistoryBucket, { defaultValue: HistoryBucket.DAY }) bucket: HistoryBucket,
    @Ctx() ctx: Context,
  ): Promise<ResourceHistoryPoint[]> {
    const { type, id } = fromGlobalId(objectId, 'objectId');
    if (!(RESOURCE_MODELS as readonly string[]).includes(type)) throw new UserInputError('objectId', `must be one of ${RESOURCE_MODELS.join(', ')}`);
    // Through the scoped EntityManager: another account's object is simply not found.
    if (!(await ctx.em.findOne(entityClassOf<{ id: string }>(ctx.em, type), { id }))) throw new NotFoundError(type, 'objectId');
    const resource = await ctx.em.findOne(Resource, { name: resourceName, model: type }, { filters: false });
    if (!resource) throw new NotFoundError('Resource', 'resource');
    if (!(from.getTime() < to.getTime())) throw new UserInputError('to', 'must be after from');
    return resourceHistory(ctx.em, resource, id, from, to, bucket as Bucket);
  }

  @Authorized(Role.ADMIN)
  @Mutation(() => ResourcePayload)
  async createResource(@Arg('input') input: CreateResourceInput, @Ctx() ctx: Context) {
    const payload = await runMutation(ctx, async (uc) => ({ resource: await createResource(uc, input) }));
    if (!payload.userErrors.length) await applySchedulesAfterCommit(ctx);
    return payload;
  }

  @Authorized(Role.ADMIN)
  @Mutation(() => ResourcePayload)
  async updateResource(@Arg('input') input: UpdateResourceInput, @Ctx() ctx: Context) {
    const payload = await runMutation(ctx, async (uc) => ({ resource: await updateResource(uc, input) }));
    if (!payload.userErrors.length) await applySchedulesAfterCommit(ctx);
    return payload;
  }

  @Authorized(Role.ADMIN)
  @Mutation(() => DeleteResourcePayload, { description: 'Deletes a resource with its allocations and its schedule; objects it limited get their configuration back.' })
  async deleteResource(@Arg('id', () => ID) id: string, @Ctx() ctx: Context) {
    const payload = await runMutation(ctx, async (uc) => {
      await deleteResource(uc, id);
      return { deletedId: id };
    });
    if (!payload.userErrors.length) await applySchedulesAfterCommit(ctx);
    return payload;
  }

  @Authorized(Role.ADMIN)
  @Mutation(() => ResourceAllocationPayload, { description: 'Sets an object\'s allocation of a resource (null: the default), within its minimum and maximum.' })
  setResourceAllocation(@Arg('input') input: SetResourceAllocationInput, @Ctx() ctx: Context) {
    return runMutation(ctx, async (uc) => {
      const data = await setResourceAllocation(uc, input);
      const resource = data.resource.getEntity();
      const usage: ResourceUsage = {
        resourceId: toGlobalId('Resource', resource.id),
        name: resource.name,
        unit: resource.unit,
        used: data.used,
        allocated: data.allocated ?? resource.defaultAllocation,
        updatedAt: data.measuredAt,
        limitExceeded: data.limitExceeded,
      };
      return { usage };
    });
  }

  @Authorized(Role.ADMIN)
  @Mutation(() => MonitorNowPayload, { description: 'Runs a resource\'s monitors now, for all its objects or these (ids of its model).' })
  monitorNow(
    @Arg('resourceId', () => ID) resourceId: string,
    @Arg('objectIds', () => [ID], { nullable: true }) objectIds: string[] | undefined,
    @Ctx() ctx: Context,
  ) {
    return runMutation(ctx, async ({ em }) => {
      const resource = await findResource(em, resourceId, 'resourceId');
      const ids = objectIds?.map((gid, i) => idOf(resource.model, gid, `objectIds[${i}]`));
      if (!resource.isActive) throw new UserInputError('resourceId', 'is not active');
      const config = ctx.config;
      const workflowId = `${monitorWorkflowIdPrefix(config.temporalTaskQueue, resource.id)}-now-${randomUUID()}`;
      const input: MonitorResourceInput = ids ? { resourceId: resource.id, objectIds: ids } : { resourceId: resource.id };
      const handle = await ctx.temporal.workflow.start(MONITOR_RESOURCE_WORKFLOW, { workflowId, taskQueue: config.temporalTaskQueue, args: [input] });
      return { run: { workflowId, workflowUrl: workflowHistoryUrl(config.temporalUiUrl, config.temporalNamespace, workflowId, handle.firstExecutionRunId) } };
    });
  }
}
