import { GraphQLJSONObject } from 'graphql-scalars';
import { Arg, Authorized, Ctx, Field, FieldResolver, ID, Mutation, Query, Resolver } from 'type-graphql';
import { deleteAccount } from '../../accounts/account.use-cases.js';
import { findAccount } from '../../accounts/find-account.js';
import { Operation } from '../../entities/orchestration/operation.js';
import { FINAL_STATES, RunState } from '../../entities/orchestration/run-state.js';
import { NotFoundError } from '../../errors/domain-error.js';
import { UserErrorCode, UserInputError } from '../../errors/user-input-error.js';
import { databaseSettings } from '../../services/databases/database-settings.js';
import { applyDescription } from '../../standup/apply-description.js';
import { setupDescriptionSchema } from '../../standup/setup-description.js';
import { readSetupRun, SETUP_TIMEOUT_MAX_SECONDS, startSetupRun, type SetupRun } from '../../standup/setup-runs.js';
import type { SetupAction } from '../../workflows/contracts/account-setup.js';
import { AccountNode } from '../accounts/account.type.js';
import { Role } from '../auth-checker.js';
import type { Context } from '../context.js';
import { DRY_RUN, runMutation } from '../mutation.js';
import { OperationNode } from '../orchestration/operation.types.js';
import { Parent } from '../parent.js';
import { DeletePayload, Payload } from '../relay/payload.js';
import { AccountSetupRunNode, StandUpAccountInput, TearDownAccountInput } from './account-setup.types.js';

const StandUpAccountPayload = Payload('StandUpAccount', 'account', AccountNode);
Field(() => AccountSetupRunNode, { nullable: true, description: 'The wait for the servers (null when refused or a dry run).' })(StandUpAccountPayload.prototype, 'setupRun');
const TearDownAccountPayload = DeletePayload('TearDownAccount');
Field(() => AccountSetupRunNode, { nullable: true, description: 'The wait for the servers (null when refused or a dry run).' })(TearDownAccountPayload.prototype, 'setupRun');

const FAILED: readonly string[] = [RunState.FAILURE, RunState.ERROR, RunState.TIMEOUT, RunState.REVOKED];

function checkTimeout(seconds: number): void {
  if (!Number.isInteger(seconds) || seconds < 1 || seconds > SETUP_TIMEOUT_MAX_SECONDS) {
    throw new UserInputError('input.timeoutSeconds', `must be 1 to ${SETUP_TIMEOUT_MAX_SECONDS}`, UserErrorCode.INVALID);
  }
}

/** After the commit: starts the wait (always, so even "nothing to do" has an outcome to fetch) and, if asked, waits for it. */
async function setupRunAfter(ctx: Context, action: SetupAction, username: string, batchIds: string[], input: { timeoutSeconds: number; wait: boolean }): Promise<SetupRun> {
  const id = await startSetupRun(ctx.temporal, ctx.config, ctx.em, { action, accountUsername: username, batchIds, timeoutSeconds: input.timeoutSeconds });
  if (input.wait) await ctx.temporal.workflow.getHandle(id).result();
  return (await readSetupRun(ctx.temporal, ctx.config, id))!;
}

@Resolver(() => AccountSetupRunNode)
export class AccountSetupResolver {
  @FieldResolver(() => [OperationNode], { description: 'Every operation the stand-up or tear-down started, with its current state.' })
  operations(@Parent() run: SetupRun, @Ctx() ctx: Context) {
    return operationsOf(ctx, run);
  }

  @FieldResolver(() => [OperationNode], { description: 'Operations that ended without success (FAILED names them).' })
  async failedOperations(@Parent() run: SetupRun, @Ctx() ctx: Context) {
    const ops = await operationsOf(ctx, run);
    if (run.result) return ops.filter((op) => run.result!.failedOperationIds.includes(op.id));
    return ops.filter((op) => FAILED.includes(op.state));
  }

  @FieldResolver(() => [OperationNode], { description: 'Operations not ended yet (while RUNNING), or when the timeout came (TIMED_OUT).' })
  async pendingOperations(@Parent() run: SetupRun, @Ctx() ctx: Context) {
    const ops = await operationsOf(ctx, run);
    if (run.result) return ops.filter((op) => run.result!.pendingOperationIds.includes(op.id));
    return ops.filter((op) => !FINAL_STATES.includes(op.state));
  }

  @Query(() => GraphQLJSONObject, { description: 'The JSON Schema of account set-up descriptions (standUpAccount), also docs/account-setup.schema.json.' })
  accountSetupSchema() {
    return setupDescriptionSchema();
  }

  @Authorized(Role.ADMIN)
  @Query(() => AccountSetupRunNode, { description: 'A stand-up or tear-down by id: its status (the outcome once ended) and operations.' })
  async accountSetupRun(@Arg('id', () => ID) id: string, @Ctx() ctx: Context) {
    const run = await readSetupRun(ctx.temporal, ctx.config, id);
    if (!run) throw new NotFoundError('AccountSetupRun', 'id');
    return run;
  }

  @Authorized(Role.ADMIN)
  @Mutation(() => StandUpAccountPayload, {
    description:
      'Creates or brings in line an account and its services from a description, in one transaction, then waits (at most timeoutSeconds) ' +
      'until every operation it started is final: setupRun.status READY, FAILED or TIMED_OUT. The same description again changes nothing.',
  })
  async standUpAccount(@Arg('input') input: StandUpAccountInput, @Arg('dryRun', () => Boolean, DRY_RUN) _dryRun: boolean, @Ctx() ctx: Context) {
    const payload = await runMutation(ctx, async (uc) => {
      checkTimeout(input.timeoutSeconds);
      return { account: await applyDescription(uc, input.description, databaseSettings(ctx.config)) };
    });
    if (payload.userErrors.length || payload.dryRun || !payload.account) return { ...payload, setupRun: null };
    return { ...payload, setupRun: await setupRunAfter(ctx, 'STAND_UP', payload.account.username, payload.batchIds, input) };
  }

  @Authorized(Role.ADMIN)
  @Mutation(() => TearDownAccountPayload, {
    description: 'Deletes an account and everything it has (services first, in dependency order), then waits like standUpAccount until the servers have nothing of it.',
  })
  async tearDownAccount(@Arg('input') input: TearDownAccountInput, @Arg('dryRun', () => Boolean, DRY_RUN) _dryRun: boolean, @Ctx() ctx: Context) {
    let username = '';
    const payload = await runMutation(ctx, async (uc) => {
      checkTimeout(input.timeoutSeconds);
      username = (await findAccount(uc.em, input.id, 'input.id')).username;
      await deleteAccount(uc, input.id);
      return { deletedId: input.id };
    });
    if (payload.userErrors.length || payload.dryRun) return { ...payload, setupRun: null };
    return { ...payload, setupRun: await setupRunAfter(ctx, 'TEAR_DOWN', username, payload.batchIds, input) };
  }
}

/** The run's operations as the viewer may see them, oldest first. */
function operationsOf(ctx: Context, run: SetupRun): Promise<Operation[]> {
  if (run.batchIds.length === 0) return Promise.resolve([]);
  return ctx.em.fork().find(Operation, { batch: { $in: run.batchIds } }, { orderBy: { id: 'asc' } });
}
