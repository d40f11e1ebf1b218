import { buildSchema } from 'type-graphql';
import { resolveNodeTypeSynchronously } from './relay/node.js';
import type { GraphQLSchema } from 'graphql';
import { AccountResolver } from './accounts/account.resolver.js';
import { BillContactResolver, ContactResolver } from './accounts/contact.resolver.js';
import { AuditResolver } from './audit/audit.resolver.js';
import { ApiTokenResolver, UserResolver } from './auth/auth.resolver.js';
import { authChecker } from './auth-checker.js';
import { guardRootFields } from './root-field-guard.js';
import { serializeDateTimesCheaply } from './date-time-serialization.js';
import { NodeResolver } from './relay/node.resolver.js';
import { SystemResolver } from './system/system.resolver.js';
import { SERVICE_RESOLVERS } from './services/index.js';
import { BILLING_RESOLVERS } from './billing/index.js';
import { BILLS_RESOLVERS } from './bills/index.js';
import { OperationResolver, ScriptRunResolver } from './orchestration/operation.resolver.js';
import { RouteResolver } from './orchestration/route.resolver.js';
import { ServerResolver } from './orchestration/server.resolver.js';
import { PreviewResolver } from './orchestration/preview.resolver.js';
import { OperationSubscriptionResolver } from './orchestration/operation-subscription.resolver.js';
import { RESOURCE_RESOLVERS } from './resources/index.js';
import { STANDUP_RESOLVERS } from './standup/index.js';
import { DEPLOY_RESOLVERS } from './deploy/index.js';

export const RESOLVERS = [
  NodeResolver, AccountResolver, ContactResolver, BillContactResolver, UserResolver, ApiTokenResolver, AuditResolver,
  SystemResolver, ServerResolver, RouteResolver, OperationResolver, ScriptRunResolver, PreviewResolver,
  OperationSubscriptionResolver, ...SERVICE_RESOLVERS, ...RESOURCE_RESOLVERS, ...BILLING_RESOLVERS, ...BILLS_RESOLVERS,
  ...STANDUP_RESOLVERS, ...DEPLOY_RESOLVERS,
] as const;

/**
 * The schema. No global middleware: type-graphql would run it on every field of every answer. The log-in check and
 * the audit log of mutations are put on the root fields instead (guardRootFields).
 */
export async function createSchema(emitSchemaFile?: string): Promise<GraphQLSchema> {
  const schema = await buildSchema({
    resolvers: RESOLVERS,
    authChecker,
    authMode: 'error',
    validate: false,
    // Subscriptions bring their own event source (`subscribe`: PostgreSQL LISTEN/NOTIFY); type-graphql still wants a
    // pub/sub object, which must never be used.
    pubSub: {
      publish: () => {
        throw new Error('topic pub/sub is not used');
      },
      subscribe: () => {
        throw new Error('topic pub/sub is not used');
      },
    },
    emitSchemaFile: emitSchemaFile ? { path: emitSchemaFile, sortedSchema: true } : false,
  });
  guardRootFields(schema);
  resolveNodeTypeSynchronously(schema);
  serializeDateTimesCheaply(schema);
  return schema;
}
