import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { isAbsolute } from 'node:path';
import { Arg, Authorized, Ctx, Mutation, Resolver } from 'type-graphql';
import { checkReleaseName, deployTarget } from '../../deploy/deploy-target.js';
import { UserErrorCode, UserInputError } from '../../errors/user-input-error.js';
import { findServer } from '../../orchestration/find-server.js';
import { workflowHistoryUrl } from '../../temporal/ui-links.js';
import { DEPLOY_WORKFLOW, deployWorkflowId, type DeployInput, type DeployOutcome } from '../../workflows/contracts/deploy.js';
import { Role } from '../auth-checker.js';
import type { Context } from '../context.js';
import { runMutation } from '../mutation.js';
import { Payload } from '../relay/payload.js';
import { DeployActionEnum, DeployOrchestraInput, DeployRunNode } from './deploy.types.js';

const DeployOrchestraPayload = Payload('DeployOrchestra', 'run', DeployRunNode);

@Resolver()
export class DeployResolver {
  @Authorized(Role.ADMIN)
  @Mutation(() => DeployOrchestraPayload, {
    description:
      "Orchestra's own deployment on a server (as `npm run deploy`): setup, deploy (automatic rollback when the health check fails), " +
      'rollback, releases; a workflow with its history. Answers when it has ended.',
  })
  async deployOrchestra(@Arg('input') input: DeployOrchestraInput, @Ctx() ctx: Context) {
    // Everything is checked before anything starts; the transaction is the audit entry's (nothing else is written).
    const checked = await runMutation(ctx, async ({ em, audit }) => {
      const target = deployTarget(input);
      const server = await findServer(em, input.serverId, 'input.serverId');
      if (!server.hostKeyFingerprint) throw new UserInputError('input.serverId', 'has no trusted host key yet', UserErrorCode.NOT_ALLOWED);
      if (input.action === DeployActionEnum.DEPLOY && (!input.releasePath || !isAbsolute(input.releasePath) || !existsSync(input.releasePath))) {
        throw new UserInputError('input.releasePath', 'must be the absolute path of a release .tar.gz on the worker host', input.releasePath ? UserErrorCode.INVALID : UserErrorCode.REQUIRED);
      }
      if (input.action === DeployActionEnum.ROLLBACK && input.release) checkReleaseName(input.release);
      audit.objectIds.push(input.serverId);
      return { run: { serverId: server.id, role: target.role, env: target.env } };
    });
    if (checked.userErrors.length || !checked.run) return { ...checked, run: null };
    const args: DeployInput = { action: input.action, ...checked.run, release: input.release ?? null, releasePath: input.releasePath ?? null };
    const workflowId = deployWorkflowId(ctx.config.temporalTaskQueue, args.env, args.role, args.serverId, randomUUID());
    const handle = await ctx.temporal.workflow.start(DEPLOY_WORKFLOW, { workflowId, taskQueue: ctx.config.temporalTaskQueue, args: [args] });
    const outcome = (await handle.result()) as DeployOutcome;
    const workflowUrl = workflowHistoryUrl(ctx.config.temporalUiUrl, ctx.config.temporalNamespace, workflowId, handle.firstExecutionRunId);
    return { ...checked, run: { ...outcome, workflowId, workflowUrl } };
  }
}

