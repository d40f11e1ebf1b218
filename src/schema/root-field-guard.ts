import { defaultFieldResolver, type GraphQLFieldResolver, type GraphQLSchema } from 'graphql';
import { getMetadataStorage } from 'type-graphql';
import { auditMutation } from './audit/audit-mutation.js';
import { authChecker, requireLogin, type Role } from './auth-checker.js';
import type { Context } from './context.js';
import { traceRootField } from '../observability/trace-root-field.js';

type Resolver = GraphQLFieldResolver<unknown, Context, Record<string, unknown>>;

/**
 * What every operation goes through, once per root field rather than on every field of the answer: the log-in check
 * (every root field but the public ones) and, on mutations, the audit log. These were type-graphql global middlewares,
 * which run on each of the ~1,850 fields of a 50-item page and, being async, made every scalar field a promise
 * (bench/README.md, "GraphQL read path"). Nested fields are only reachable through a root field, so checking there is
 * as strict; `@Authorized` fields below the root keep their own check (AdminOnlyField).
 *
 * Order, as before: a mutation's `@Authorized` roles are checked before it is audited (a caller who may not use the
 * mutation at all gets UNAUTHENTICATED or FORBIDDEN and no audit entry), then the audit wrapper, then the resolver
 * (whose own role check passes again, at no cost worth counting). Innermost, the resolver's span (tracing on only).
 */
export function guardRootFields(schema: GraphQLSchema): void {
  const mutationRoles = new Map(getMetadataStorage().mutations.map((m) => [m.schemaName, m.roles as Role[] | undefined]));
  for (const type of [schema.getQueryType(), schema.getSubscriptionType()]) {
    for (const field of Object.values(type?.getFields() ?? {})) {
      const own: Resolver = field.resolve ?? defaultFieldResolver;
      // A subscription's resolver runs once per event, outside any request: no span.
      const resolve = type === schema.getQueryType() ? traceRootField(own) : own;
      field.resolve = (root, args, context: Context, info) => {
        requireLogin(context, info.fieldName);
        return resolve(root, args, context, info);
      };
    }
  }
  for (const field of Object.values(schema.getMutationType()?.getFields() ?? {})) {
    const audited = auditMutation(traceRootField(field.resolve ?? defaultFieldResolver));
    const roles = mutationRoles.get(field.name);
    field.resolve = (root, args, context: Context, info) => {
      requireLogin(context, info.fieldName);
      if (roles) authChecker({ context }, roles);
      return audited(root, args, context, info);
    };
  }
}
