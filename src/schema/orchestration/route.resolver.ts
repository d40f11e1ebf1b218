import type { EntityManager, FilterQuery } from '@mikro-orm/postgresql';
import { Arg, Args, Authorized, Ctx, FieldResolver, ID, Mutation, Query, Resolver } from 'type-graphql';
import { Route } from '../../entities/orchestration/route.js';
import { NotFoundError } from '../../errors/domain-error.js';
import { findBackend, listBackends } from '../../orchestration/backends/registry.js';
import { compileMatch } from '../../orchestration/routes/match-expression.js';
import { noteTouched } from '../../audit/audit-note.js';
import { Role } from '../auth-checker.js';
import type { Context } from '../context.js';
import { runMutation } from '../mutation.js';
import { PageArgs, paginate } from '../relay/connection.js';
import { idOf, toGlobalId } from '../relay/global-id.js';
import { DeletePayload, Payload } from '../relay/payload.js';
import { UserErrorCode, UserInputError } from '../../errors/user-input-error.js';
import { findServer } from '../../orchestration/find-server.js';
import { ServerNode } from './server.types.js';
import { BackendInfo, CreateRouteInput, RouteConnection, RouteNode, UpdateRouteInput } from './route.types.js';
import { Parent } from '../parent.js';

const RoutePayload = Payload('Route', 'route', RouteNode);
const DeleteRoutePayload = DeletePayload('DeleteRoute');

async function findRoute(em: EntityManager, globalId: string, field = 'id'): Promise<Route> {
  const route = await em.findOne(Route, { id: idOf('Route', globalId, field) });
  if (!route) throw new NotFoundError('Route', field);
  return route;
}

/** A match expression is checked against the backend's fields when it is saved: a bad one is a userError. */
function checkMatch(backendName: string, match: string): string {
  const backend = findBackend(backendName)!;
  const compiled = compileMatch(match, backend.matchFields, backend.booleanMatchFields);
  if (!compiled.ok) {
    const booleans = backend.booleanMatchFields.length ? ` (booleans: ${backend.booleanMatchFields.join(', ')})` : '';
    throw new UserInputError('input.match', `${compiled.error.message} (at character ${compiled.error.position + 1}); fields: ${backend.matchFields.join(', ')}${booleans}`);
  }
  return match.trim();
}

@Authorized(Role.ADMIN)
@Resolver(() => RouteNode)
export class RouteResolver {
  @FieldResolver(() => ID)
  id(@Parent() route: Route): string {
    return toGlobalId('Route', route.id);
  }

  @FieldResolver(() => ServerNode)
  server(@Parent() route: Route) {
    return route.server.loadOrFail();
  }

  @Query(() => [BackendInfo], { description: 'The backends routes can name.' })
  backends(): BackendInfo[] {
    return listBackends().map((b) => ({ name: b.name, description: b.description, model: b.model, actions: [...b.actions], matchFields: [...b.matchFields] }));
  }

  @Query(() => RouteConnection)
  routes(@Args() page: PageArgs, @Arg('backend', () => String, { nullable: true }) backend: string | undefined, @Ctx() ctx: Context) {
    const where: FilterQuery<Route> = backend ? { backend } : {};
    return paginate(ctx.em, Route, where, { backend: 'asc' }, page);
  }

  @Mutation(() => RoutePayload)
  createRoute(@Arg('input') input: CreateRouteInput, @Ctx() ctx: Context) {
    return runMutation(ctx, async ({ em }) => {
      if (!findBackend(input.backend)) {
        throw new UserInputError('input.backend', `is not a backend; one of: ${listBackends().map((b) => b.name).join(', ')}`);
      }
      const server = await findServer(em, input.serverId, 'input.serverId');
      const match = checkMatch(input.backend, input.match ?? '');
      if (await em.count(Route, { backend: input.backend, server })) {
        throw new UserInputError('input.serverId', 'already has a route for this backend', UserErrorCode.TAKEN);
      }
      const route = em.create(Route, { backend: input.backend, server, match, isActive: input.isActive ?? true });
      await em.flush();
      noteTouched(ctx.audit, null, toGlobalId('Route', route.id));
      return { route };
    });
  }

  @Mutation(() => RoutePayload)
  updateRoute(@Arg('input') input: UpdateRouteInput, @Ctx() ctx: Context) {
    return runMutation(ctx, async ({ em }) => {
      const route = await findRoute(em, input.id, 'input.id');
      noteTouched(ctx.audit, null, input.id);
      if (input.match != null) route.match = checkMatch(route.backend, input.match);
      if (input.isActive != null) route.isActive = input.isActive;
      return { route };
    });
  }

  @Mutation(() => DeleteRoutePayload)
  deleteRoute(@Arg('id', () => ID) id: string, @Ctx() ctx: Context) {
    return runMutation(ctx, async ({ em }) => {
      em.remove(await findRoute(em, id));
      noteTouched(ctx.audit, null, id);
      return { deletedId: id };
    });
  }
}
