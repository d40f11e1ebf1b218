import { Ctx, FieldResolver, Resolver } from 'type-graphql';
import { Parent } from '../parent.js';
import type { ClassType } from 'type-graphql';
import { AccountNode } from '../accounts/account.type.js';
import { SystemUserNode } from '../services/system-user.type.js';
import { DatabaseNode } from '../services/database.type.js';
import { MailboxNode } from '../services/mail.type.js';
import { WebsiteNode } from '../services/web.type.js';
import { toGlobalId } from '../relay/global-id.js';
import type { Context } from '../context.js';
import { ResourceUsage } from './resource.type.js';
import { resourceUsageLoader } from './resource-usage.loader.js';

/** `resources { name used allocated unit updatedAt }` on a type whose objects have resources (one resolver per model). */
function resourcesFieldOf(node: ClassType, model: string) {
  @Resolver(() => node)
  class ResourcesField {
    @FieldResolver(() => [ResourceUsage], { description: 'Usage and allocation of each active resource of this model.' })
    async resources(@Parent() object: { id: string }, @Ctx() ctx: Context): Promise<ResourceUsage[]> {
      const values = await resourceUsageLoader(ctx, model).load(object.id);
      return values.map((v) => ({ ...v, resourceId: toGlobalId('Resource', v.resourceId) }));
    }
  }
  Object.defineProperty(ResourcesField, 'name', { value: `${model}ResourcesResolver` });
  return ResourcesField;
}

export const RESOURCE_USAGE_RESOLVERS = [
  resourcesFieldOf(AccountNode, 'Account'),
  resourcesFieldOf(SystemUserNode, 'SystemUser'),
  resourcesFieldOf(DatabaseNode, 'Database'),
  resourcesFieldOf(MailboxNode, 'Mailbox'),
  resourcesFieldOf(WebsiteNode, 'Website'),
] as const;
