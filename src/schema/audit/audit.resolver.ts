import type { FilterQuery } from '@mikro-orm/postgresql';
import { Arg, Args, Ctx, FieldResolver, Query, Resolver, ID } from 'type-graphql';
import { AuditEntry } from '../../entities/audit/audit-entry.js';
import type { Context } from '../context.js';
import { PageArgs, paginate } from '../relay/connection.js';
import { fromGlobalId, idOf, toGlobalId } from '../relay/global-id.js';
import { AuditEntryConnection, AuditEntryNode, AuditFilter } from './audit.types.js';
import { Parent } from '../parent.js';

@Resolver(() => AuditEntryNode)
export class AuditResolver {
  @FieldResolver(() => ID)
  id(@Parent() entry: AuditEntry): string {
    return toGlobalId('AuditEntry', entry.id);
  }

  @Query(() => AuditEntryConnection, { description: 'The audit log, newest first. Account users see their own account\'s entries.' })
  auditLog(@Args() page: PageArgs, @Arg('filter', () => AuditFilter, { nullable: true }) filter: AuditFilter | undefined, @Ctx() ctx: Context) {
    const where: FilterQuery<AuditEntry> = {};
    if (filter?.accountId) where.account = idOf('Account', filter.accountId);
    if (filter?.operation) where.operation = filter.operation;
    if (filter?.actor) where.actor = filter.actor;
    if (filter?.outcome) where.outcome = filter.outcome;
    if (filter?.objectId) {
      fromGlobalId(filter.objectId); // rejects malformed ids
      where.objectIds = { $contains: [filter.objectId] };
    }
    if (filter?.since || filter?.until) {
      where.createdAt = { ...(filter.since && { $gte: filter.since }), ...(filter.until && { $lt: filter.until }) };
    }
    return paginate(ctx.em, AuditEntry, where, { createdAt: 'desc' }, page);
  }
}
