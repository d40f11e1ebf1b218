import { Arg, Authorized, Ctx, ID, Mutation, Query, Resolver, registerEnumType } from 'type-graphql';
import { NotFoundError } from '../../errors/domain-error.js';
import { UserInputError } from '../../errors/user-input-error.js';
import { planGroups } from '../../orchestration/collector/plan.js';
import { renderPlan } from '../../orchestration/collector/render-plan.js';
import { syncServer } from '../../orchestration/use-cases/sync-server.js';
import { findServiceModule } from '../../services/index.js';
import { Role } from '../auth-checker.js';
import type { Context } from '../context.js';
import { fromGlobalId } from '../relay/global-id.js';
import { runMutation } from '../mutation.js';
import { OperationsPayload, PlannedScriptInfo } from './operation.types.js';

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
    const model = findServiceModule(type)?.entity;
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
    const outcome = await runMutation(ctx, (uc) => syncServer(uc, serverId, backend));
    const { server, userErrors } = outcome;
    if (userErrors.length) return { operations: [], warnings: [], userErrors };
    const operations = await outcome.operations;
    const warnings = operations.length ? [] : [`no route selects anything on ${server!.name}`];
    return { operations, warnings, userErrors: [] };
  }
}
