import type { FilterQuery } from '@mikro-orm/postgresql';
import { Arg, Args, Ctx, FieldResolver, ID, Mutation, Query, Resolver } from 'type-graphql';
import { Parent } from '../parent.js';
import { Website } from '../../entities/web/website.js';
import { createWebsite, deleteWebsite, findWebsite, updateWebsite } from '../../services/web/website.use-cases.js';
import { AccountNode } from '../accounts/account.type.js';
import type { Context } from '../context.js';
import { DRY_RUN, runMutation } from '../mutation.js';
import { PageArgs, paginate } from '../relay/connection.js';
import { idOf, toGlobalId } from '../relay/global-id.js';
import { DeletePayload, Payload } from '../relay/payload.js';
import { CreateWebsiteInput, UpdateWebsiteInput, WebFilter } from './web.inputs.js';
import { WebsiteConnection, WebsiteContentNode, WebsiteNode } from './web.type.js';

const WebsitePayload = Payload('Website', 'website', WebsiteNode);
const DeleteWebsitePayload = DeletePayload('DeleteWebsite');

@Resolver(() => WebsiteNode)
export class WebsiteResolver {
  @FieldResolver(() => ID)
  id(@Parent() website: Website): string {
    return toGlobalId('Website', website.id);
  }

  @FieldResolver(() => AccountNode)
  account(@Parent() website: Website) {
    return website.account.loadOrFail();
  }

  @FieldResolver(() => [WebsiteContentNode], { description: 'Web apps mounted at paths.' })
  contents(@Parent() website: Website): WebsiteContentNode[] {
    return website.contents.map((c) => ({ path: c.path, webAppId: toGlobalId('WebApp', c.webAppId) }));
  }

  @Query(() => WebsiteNode)
  website(@Arg('id', () => ID) id: string, @Ctx() ctx: Context) {
    return findWebsite(ctx.em, id);
  }

  @Query(() => WebsiteConnection)
  websites(@Args() page: PageArgs, @Arg('filter', () => WebFilter, { nullable: true }) filter: WebFilter | undefined, @Ctx() ctx: Context) {
    const where: FilterQuery<Website> = {};
    if (filter?.accountId) where.account = idOf('Account', filter.accountId);
    return paginate(ctx.em, Website, where, { name: 'asc' }, page);
  }

  @Mutation(() => WebsitePayload, { description: 'Creates a website of an account on the web servers its routes select.' })
  createWebsite(@Arg('input') input: CreateWebsiteInput, @Arg('dryRun', () => Boolean, DRY_RUN) _dryRun: boolean, @Ctx() ctx: Context) {
    return runMutation(ctx, async (uc) => ({ website: await createWebsite(uc, input) }));
  }

  @Mutation(() => WebsitePayload, { description: 'Changes protocol, domains, contents, directives or state; lists are replaced whole.' })
  updateWebsite(@Arg('input') input: UpdateWebsiteInput, @Arg('dryRun', () => Boolean, DRY_RUN) _dryRun: boolean, @Ctx() ctx: Context) {
    return runMutation(ctx, async (uc) => ({ website: await updateWebsite(uc, input) }));
  }

  @Mutation(() => DeleteWebsitePayload, { description: 'Removes the website from its servers; its web apps stay.' })
  deleteWebsite(@Arg('id', () => ID) id: string, @Arg('dryRun', () => Boolean, DRY_RUN) _dryRun: boolean, @Ctx() ctx: Context) {
    return runMutation(ctx, async (uc) => {
      await deleteWebsite(uc, id);
      return { deletedId: id };
    });
  }
}
