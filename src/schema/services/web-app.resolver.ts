import type { FilterQuery } from '@mikro-orm/postgresql';
import { Arg, Args, Ctx, FieldResolver, ID, Mutation, Query, Resolver } from 'type-graphql';
import { Parent } from '../parent.js';
import { WebApp } from '../../entities/web/web-app.js';
import { createWebApp, deleteWebApp, findWebApp, updateWebApp } from '../../services/web/web-app.use-cases.js';
import { AccountNode } from '../accounts/account.type.js';
import type { Context } from '../context.js';
import { DRY_RUN, runMutation } from '../mutation.js';
import { PageArgs, paginate } from '../relay/connection.js';
import { idOf, toGlobalId } from '../relay/global-id.js';
import { DeletePayload, Payload } from '../relay/payload.js';
import { CreateWebAppInput, UpdateWebAppInput, WebFilter } from './web.inputs.js';
import { WebAppConnection, WebAppNode, WebAppOptionsNode } from './web.type.js';

const WebAppPayload = Payload('WebApp', 'webApp', WebAppNode);
const DeleteWebAppPayload = DeletePayload('DeleteWebApp');

@Resolver(() => WebAppNode)
export class WebAppResolver {
  @FieldResolver(() => ID)
  id(@Parent() app: WebApp): string {
    return toGlobalId('WebApp', app.id);
  }

  @FieldResolver(() => AccountNode)
  account(@Parent() app: WebApp) {
    return app.account.loadOrFail();
  }

  @FieldResolver(() => WebAppOptionsNode)
  options(@Parent() app: WebApp): WebAppOptionsNode {
    const o = app.options;
    return {
      publicRoot: o.publicRoot ?? null,
      timeout: o.timeout ?? null,
      processes: o.processes ?? null,
      phpIni: Object.entries(o.phpIni ?? {}).map(([name, value]) => ({ name, value })),
      target: o.target ?? null,
      command: o.command ?? null,
      port: o.port ?? null,
    };
  }

  @Query(() => WebAppNode)
  webApp(@Arg('id', () => ID) id: string, @Ctx() ctx: Context) {
    return findWebApp(ctx.em, id);
  }

  @Query(() => WebAppConnection)
  webApps(@Args() page: PageArgs, @Arg('filter', () => WebFilter, { nullable: true }) filter: WebFilter | undefined, @Ctx() ctx: Context) {
    const where: FilterQuery<WebApp> = {};
    if (filter?.accountId) where.account = idOf('Account', filter.accountId);
    return paginate(ctx.em, WebApp, where, { name: 'asc' }, page);
  }

  @Mutation(() => WebAppPayload, { description: 'Creates a web app: its directory in the account\'s main home and, for PHP, its own PHP-FPM pool.' })
  createWebApp(@Arg('input') input: CreateWebAppInput, @Arg('dryRun', () => Boolean, DRY_RUN) _dryRun: boolean, @Ctx() ctx: Context) {
    return runMutation(ctx, async (uc) => ({ webApp: await createWebApp(uc, input) }));
  }

  @Mutation(() => WebAppPayload, { description: 'Changes the PHP version or the options; name and type cannot change.' })
  updateWebApp(@Arg('input') input: UpdateWebAppInput, @Arg('dryRun', () => Boolean, DRY_RUN) _dryRun: boolean, @Ctx() ctx: Context) {
    return runMutation(ctx, async (uc) => ({ webApp: await updateWebApp(uc, input) }));
  }

  @Mutation(() => DeleteWebAppPayload, { description: 'Deletes the app\'s pool and directory on its servers; a mounted app cannot be deleted (NOT_ALLOWED).' })
  deleteWebApp(@Arg('id', () => ID) id: string, @Arg('dryRun', () => Boolean, DRY_RUN) _dryRun: boolean, @Ctx() ctx: Context) {
    return runMutation(ctx, async (uc) => {
      await deleteWebApp(uc, id);
      return { deletedId: id };
    });
  }
}
