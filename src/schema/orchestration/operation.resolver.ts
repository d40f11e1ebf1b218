import type { EntityManager, FilterQuery } from '@mikro-orm/postgresql';
import { Arg, Args, Authorized, Ctx, FieldResolver, ID, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import { Operation } from '../../entities/orchestration/operation.js';
import { FINAL_STATES, RunState } from '../../entities/orchestration/run-state.js';
import { ScriptRun } from '../../entities/orchestration/script-run.js';
import { NotFoundError } from '../../errors/domain-error.js';
import { writeRetryBatch } from '../../orchestration/retry.js';
import { lockOutbox } from '../../orchestration/outbox/write-outbox.js';
import { cancelRunningScript, recordCancelIntent } from '../../orchestration/cancel.js';
import { actorOf, startWrittenBatches } from './batch-operations.js';
import { serverQueueWorkflowId } from '../../workflows/workflow-ids.js';
import { workflowHistoryUrl } from '../../temporal/ui-links.js';
import { noteTouched } from '../audit/audit-note.js';
import { AdminOnlyField, Role } from '../auth-checker.js';
import type { Context } from '../context.js';
import { runMutation } from '../mutation.js';
import { PageArgs, paginate } from '../relay/connection.js';
import { fromGlobalId, idOf, toGlobalId } from '../relay/global-id.js';
import { Payload } from '../relay/payload.js';
import { UserErrorCode, UserInputError } from '../user-input-error.js';
import { ServerNode } from './server.types.js';
import { OperationConnection, OperationFilter, OperationNode, OperationsPayload, ScriptRunNode } from './operation.types.js';

const OperationPayload = Payload('Operation', 'operation', OperationNode);

/**
 * Queries load the operation alone: populating its script run or server (admin-only, so hidden by the tenant scope)
 * would hide the operation itself from account users. Admin mutations populate what they use.
 */
async function findOperation(em: EntityManager, globalId: string, populate: readonly ('run' | 'server')[] = []): Promise<Operation> {
  const op = await em.findOne(Operation, { id: idOf('Operation', globalId) }, { populate: [...populate] });
  if (!op) throw new NotFoundError('Operation');
  return op;
}

/**
 * Whether a retry of this object on this server and backend has not ended yet: a retry of this operation, or of an
 * earlier or later retry of it (they share the object), so a chain of retries never runs twice at once.
 */
async function retryPending(em: EntityManager, op: Operation): Promise<boolean> {
  const pending = { retryOf: { $ne: null }, state: { $nin: [...FINAL_STATES] } };
  return (await em.count(Operation, { model: op.model, objectId: op.objectId, server: op.server.id, backend: op.backend, ...pending })) > 0;
}

/**
 * The deep link of a script run: to the workflow that carries it once one took it up (set by that workflow's
 * activity, so it exists), to its server's queue while it waits, and none for a run no workflow ever carried (revoked
 * before it started, or empty). Never to an id that may not exist.
 */
function runLink(ctx: Context, run: ScriptRun): string | null {
  const link = (workflowId: string, runId?: string | null) => workflowHistoryUrl(ctx.config.temporalUiUrl, ctx.config.temporalNamespace, workflowId, runId ?? undefined);
  if (run.workflowId) return link(run.workflowId, run.runId);
  if (run.state === RunState.RECEIVED) return link(serverQueueWorkflowId(ctx.config.temporalTaskQueue, run.server.id));
  return null;
}

@Resolver(() => OperationNode)
export class OperationResolver {
  @FieldResolver(() => ID)
  id(@Root() op: Operation): string {
    return toGlobalId('Operation', op.id);
  }

  @FieldResolver(() => String, { name: 'objectId' })
  objectGlobalId(@Root() op: Operation): string {
    return toGlobalId(op.model, op.objectId);
  }

  @AdminOnlyField(() => ServerNode, { description: 'Admins only (null for account users).' })
  server(@Root() op: Operation) {
    return op.server.loadOrFail();
  }

  @AdminOnlyField(() => ScriptRunNode, { description: 'The script that carries this operation, with its log. Admins only (null for account users).' })
  run(@Root() op: Operation) {
    return op.run.loadOrFail();
  }

  @AdminOnlyField(() => String, {
    description:
      'Where the operation is in the Temporal UI: its server\'s queue while it waits, the workflow that carries it once taken up; null if no workflow ever did. Admins only.',
  })
  async workflowUrl(@Root() op: Operation, @Ctx() ctx: Context) {
    return runLink(ctx, await op.run.loadOrFail());
  }

  @FieldResolver(() => OperationNode, { nullable: true, description: 'The operation this one retries.' })
  retryOf(@Root() op: Operation) {
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
    const result = await runMutation(ctx, async (em) => {
      const op = await findOperation(em, id, ['run', 'server']);
      noteTouched(ctx.audit, op.account ? { id: op.account.id, username: op.accountUsername } : null, id);
      if (![RunState.FAILURE, RunState.ERROR, RunState.TIMEOUT, RunState.REVOKED].includes(op.state)) {
        throw new UserInputError('id', `only failed, timed-out or cancelled operations can be retried; this one is ${op.state}`, UserErrorCode.NOT_ALLOWED);
      }
      // Under the outbox lock (kept until commit), so two retries at once cannot both find none pending.
      await lockOutbox(em);
      if (await retryPending(em, op)) {
        throw new UserInputError('id', 'is already being retried: wait until that retry has ended', UserErrorCode.NOT_ALLOWED);
      }
      const batchId = await writeRetryBatch(em, [op], actorOf(ctx));
      return { batchId };
    });
    if (result.userErrors.length) return { operations: [], warnings: [], userErrors: result.userErrors };
    return { ...(await startWrittenBatches(ctx, [result.batchId!])), userErrors: [] };
  }

  @Authorized(Role.ADMIN)
  @Mutation(() => OperationPayload, {
    description: 'Cancels the operation\'s script (and so every operation in it): REVOKED; a running script\'s remote process is killed.',
  })
  async cancelOperation(@Arg('id', () => ID) id: string, @Ctx() ctx: Context) {
    const result = await runMutation(ctx, async (em) => {
      const op = await findOperation(em, id, ['run', 'server']);
      noteTouched(ctx.audit, op.account ? { id: op.account.id, username: op.accountUsername } : null, id);
      const run = op.run.getEntity();
      if (![RunState.RECEIVED, RunState.STARTED, RunState.RETRYING].includes(run.state)) {
        throw new UserInputError('id', `the operation is ${run.state}: nothing to cancel`, UserErrorCode.NOT_ALLOWED);
      }
      // The intent is committed before any workflow is cancelled: the activity decides to kill by reading it.
      const { started } = await recordCancelIntent(em, run, actorOf(ctx));
      return { operation: op, started };
    });
    if (!result.operation) return result;
    if (result.started) await cancelRunningScript(ctx.em.fork(), ctx.temporal, result.operation.run.id);
    return { ...result, operation: await findOperation(ctx.em.fork(), id) };
  }
}

@Authorized(Role.ADMIN)
@Resolver(() => ScriptRunNode)
export class ScriptRunResolver {
  @FieldResolver(() => ID)
  id(@Root() run: ScriptRun): string {
    return toGlobalId('ScriptRun', run.id);
  }

  @FieldResolver(() => ServerNode)
  server(@Root() run: ScriptRun) {
    return run.server.loadOrFail();
  }

  @FieldResolver(() => [OperationNode])
  operations(@Root() run: ScriptRun, @Ctx() ctx: Context) {
    return ctx.em.find(Operation, { run: run.id }, { orderBy: { id: 'asc' } });
  }

  @FieldResolver(() => String, { nullable: true, description: 'Its workflow history in the Temporal UI (see Operation.workflowUrl).' })
  workflowUrl(@Root() run: ScriptRun, @Ctx() ctx: Context) {
    return runLink(ctx, run);
  }
}
