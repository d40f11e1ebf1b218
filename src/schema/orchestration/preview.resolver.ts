import { Arg, Authorized, Ctx, ID, Mutation, Query, Resolver, registerEnumType } from 'type-graphql';
import { NotFoundError } from '../../errors/domain-error.js';
import { planGroups } from '../../orchestration/collector/plan.js';
import { SERVICE_MODELS } from '../../orchestration/collector/object-sources.js';
import { renderPlan } from '../../orchestration/collector/render-plan.js';
import { planServerSync } from '../../orchestration/sync.js';
import { writeOutbox } from '../../orchestration/outbox/write-outbox.js';
import { noteTouched } from '../audit/audit-note.js';
import { Role } from '../auth-checker.js';
import type { Context } from '../context.js';
import { fromGlobalId } from '../relay/global-id.js';
import { runMutation } from '../mutation.js';
import { UserInputError } from '../user-input-error.js';
import { findServer } from './server.resolver.js';
import { OperationsPayload, PlannedScriptInfo } from './operation.types.js';
import { findBackend } from '../../orchestration/backends/registry.js';
import { actorOf, startWrittenBatches } from './batch-operations.js';

export enum PreviewAction {
  SAVE = 'save',
  DELETE = 'delete',
}
registerEnumType(PreviewAction, { name: 'PreviewAction' });

@Authorized(Role.ADMIN)
@Resolver()
export class PreviewResolver {
  @Query(() => [PlannedScriptInfo], {
    description: 'Dry run for an object: the scripts a save (or delete) of it would run now, and on which servers. Nothing is run or saved.',
  })
  async previewOperations(
    @Arg('objectId', () => ID) objectId: string,
    @Arg('action', () => PreviewAction, { defaultValue: PreviewAction.SAVE }) action: PreviewAction,
    @Ctx() ctx: Context,
  ) {
    const { type, id } = fromGlobalId(objectId);
    const model = SERVICE_MODELS[type]?.entity;
    if (!model) throw new UserInputError('objectId', `${type} objects are not configured on servers`);
    const em = ctx.em.fork();
    const entity = await em.findOne(model, { id });
    if (!entity) throw new NotFoundError(type);
    const kind = action === PreviewAction.DELETE ? 'delete' : 'update';
    return renderPlan(await planGroups(em, [{ model: type, id, kind, fields: ['*'], entity }]));
  }

  @Mutation(() => OperationsPayload, {
    description: 'Regenerates a server\'s whole configuration for one backend (or all) from the database and runs it: repairs drift, fills a new server.',
  })
  async syncServer(
    @Arg('serverId', () => ID) serverId: string,
    @Arg('backend', () => String, { nullable: true }) backend: string | undefined,
    @Ctx() ctx: Context,
  ) {
    const result = await runMutation(ctx, async (em) => {
      if (backend && !findBackend(backend)) throw new UserInputError('backend', 'is not a backend');
      const server = await findServer(em, serverId, 'serverId');
      noteTouched(ctx.audit, null, serverId);
      const groups = await planServerSync(em, server.id, backend);
      return { server, batchId: groups.length ? await writeOutbox(em, groups, actorOf(ctx)) : null };
    });
    if (result.userErrors.length) return { operations: [], warnings: [], userErrors: result.userErrors };
    const { operations, warnings } = await startWrittenBatches(ctx, result.batchId ? [result.batchId] : []);
    if (!operations.length) warnings.push(`no route selects anything on ${result.server!.name}`);
    return { operations, warnings, userErrors: [] };
  }
}
