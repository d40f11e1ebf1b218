import type { FilterQuery } from '@mikro-orm/postgresql';
import { Arg, Args, Authorized, Ctx, FieldResolver, ID, Int, Mutation, Query, Resolver } from 'type-graphql';
import { Operation } from '../../entities/orchestration/operation.js';
import { RunState } from '../../entities/orchestration/run-state.js';
import { ScriptRun } from '../../entities/orchestration/script-run.js';
import { findOperation } from '../../orchestration/find-operation.js';
import { cancelOperation, killCancelledScript } from '../../orchestration/use-cases/cancel-operation.js';
import { retryOperation } from '../../orchestration/use-cases/retry-operation.js';
import { serverQueueWorkflowId } from '../../workflows/contracts/workflow-ids.js';
import { workflowHistoryUrl } from '../../temporal/ui-links.js';
import { AdminOnlyField, Role } from '../auth-checker.js';
import type { Context } from '../context.js';
import { runMutation } from '../mutation.js';
import { PageArgs, paginate } from '../relay/connection.js';
import { fromGlobalId, idOf, toGlobalId } from '../relay/global-id.js';
import { Payload } from '../relay/payload.js';
import { UserInputError } from '../../errors/user-input-error.js';
import { ServerNode } from './server.types.js';
import { OperationConnection, OperationFilter, OperationNode, OperationsPayload, ScriptRunNode } from './operation.types.js';
import { Parent } from '../parent.js';

const OperationPayload = Payload('Operation', 'operation', OperationNode);

/**
 * The deep link of a script run: to the workflow execution that carries it once one took it up (its server queue's
 * run whose history holds the runScript activity; set by that activity, so it exists), to its server's queue while it
 * waits, and none for a run no workflow ever carried (revoked before it started, or empty). Never to an id that may
 * not exist.
 */
function runLink(ctx: Context, run: ScriptRun): string | null {
  const link = (workflowId: string, workflowRunId?: string | null) => workflowHistoryUrl(ctx.config.temporalUiUrl, ctx.config.temporalNamespace, workflowId, workflowRunId ?? undefined);
  if (run.workflowId) return link(run.workflowId, run.workflowRunId);
  if (run.state === RunState.RECEIVED) return link(serverQueueWorkflowId(ctx.config.temporalTaskQueue, run.server.id));
  return null;
}

@Resolver(() => OperationNode)
export class OperationResolver {
  @FieldResolver(() => ID)
  id(@Parent() op: Operation): string {
    return toGlobalId('Operation', op.id);
  }

  @FieldResolver(() => String, { name: 'objectId' })
  objectGlobalId(@Parent() op: Operation): string {
    return toGlobalId(op.model, op.objectId);
  }

  @AdminOnlyField(() => ServerNode, { description: 'Admins only (null for account users).' })
  server(@Parent() op: Operation) {
    return op.server.loadOrFail();
  }

  @AdminOnlyField(() => ScriptRunNode, { description: 'The script that carries this operation, with its log. Admins only (null for account users).' })
  run(@Parent() op: Operation) {
    return op.run.loadOrFail();
  }

  @AdminOnlyField(() => String, {
    description:
      'Where the operation is in the Temporal UI: its server\'s queue while it waits, the workflow that carries it once taken up; null if no workflow ever did. Admins only.',
  })
  async workflowUrl(@Parent() op: Operation, @Ctx() ctx: Context) {
    return runLink(ctx, await op.run.loadOrFail());
  }

  @FieldResolver(() => OperationNode, { nullable: true, description: 'The operation this one retries.' })
  retryOf(@Parent() op: Operation) {
    return op.retryOf?.load() ?? null;
  }

  @Query(() => OperationNode)
  operation(@Arg('id', () => ID) id: string, @Ctx() ctx: Context) {
    return findOperation(ctx.em, id);
  }

  @Query(() => OperationConnection, { description: 'Operations, newest first. Account users see their own account\'s.' })
  operations(@Args() page: PageArgs, @Arg('filter', () => OperationFilter, { nullable: true }) filter: OperationFilter | undefined, @Ctx() ctx: Context) {
    const where: FilterQuery<Operation> = {};
    if (filter?.states?.length) where.state = { $in: filter.states };
    if (filter?.serverId) where.server = idOf('Server', filter.serverId);
    if (filter?.backend) where.backend = filter.backend;
    if (filter?.accountId) where.account = idOf('Account', filter.accountId);
    if (filter?.model) where.model = filter.model;
    if (filter?.objectId) {
      const { type, id } = fromGlobalId(filter.objectId);
      Object.assign(where, { model: type, objectId: id });
    }
    if (filter?.since || filter?.until) where.createdAt = { ...(filter.since && { $gte: filter.since }), ...(filter.until && { $lt: filter.until }) };
    return paginate(ctx.em, Operation, where, { id: 'desc' }, page);
  }

  @Authorized(Role.ADMIN)
  @Query(() => [OperationNode], { description: 'Operations started or retrying for longer than the threshold, oldest first.' })
  stuckOperations(@Arg('olderThanSeconds', () => Int, { defaultValue: 600 }) olderThan: number, @Ctx() ctx: Context) {
    if (olderThan < 0) throw new UserInputError('olderThanSeconds', 'must not be negative');
    const before = new Date(Date.now() - olderThan * 1000);
    return ctx.em.find(
      Operation,
      { state: { $in: [RunState.STARTED, RunState.RETRYING] }, run: { startedAt: { $lt: before } } },
      { orderBy: { id: 'asc' }, limit: 500 },
    );
  }

  @Authorized(Role.ADMIN)
  @Mutation(() => OperationsPayload, {
    description: 'Runs an operation again from its stored snapshot, as a new operation in a new batch (a delete can be retried after its object is gone).',
  })
  async retryOperation(@Arg('id', () => ID) id: string, @Ctx() ctx: Context) {
    const { operations, userErrors } = await runMutation(ctx, async (uc) => ({ batchId: await retryOperation(uc, id) }));
    return { operations, warnings: [], userErrors };
  }

  @Authorized(Role.ADMIN)
  @Mutation(() => OperationPayload, {
    description: 'Cancels the operation\'s script (and so every operation in it): REVOKED; a running script\'s remote process is killed.',
  })
  async cancelOperation(@Arg('id', () => ID) id: string, @Ctx() ctx: Context) {
    const result = await runMutation(ctx, (uc) => cancelOperation(uc, id));
    if (!result.operation) return result;
    // The intent is committed now: only then is the workflow carrying a started script cancelled.
    if (result.started) await killCancelledScript(ctx.em.fork(), ctx.temporal, ctx.config.temporalTaskQueue, result.operation);
    return { ...result, operation: await findOperation(ctx.em.fork(), id) };
  }
}

@Authorized(Role.ADMIN)
@Resolver(() => ScriptRunNode)
export class ScriptRunResolver {
  @FieldResolver(() => ID)
  id(@Parent() run: ScriptRun): string {
    return toGlobalId('ScriptRun', run.id);
  }

  @FieldResolver(() => ServerNode)
  server(@Parent() run: ScriptRun) {
    return run.server.loadOrFail();
  }

  @FieldResolver(() => [OperationNode])
  operations(@Parent() run: ScriptRun, @Ctx() ctx: Context) {
    return ctx.em.find(Operation, { run: run.id }, { orderBy: { id: 'asc' } });
  }

  @FieldResolver(() => String, { nullable: true, description: 'Its workflow history in the Temporal UI (see Operation.workflowUrl).' })
  workflowUrl(@Parent() run: ScriptRun, @Ctx() ctx: Context) {
    return runLink(ctx, run);
  }
}
