import type { EntityManager } from '@mikro-orm/postgresql';
import type { Client } from '@temporalio/client';
import { GraphQLError } from 'graphql';
import { authenticate } from '../auth/authenticate.js';
import { applyTenantScope } from '../auth/tenant-scope.js';
import type { Config } from '../config/config.js';
import { AuthError, ERROR_CODES } from '../errors/domain-error.js';
import { emptyAuditNote } from '../audit/audit-note.js';
import type { Context } from '../schema/context.js';
import { createLoaders } from '../schema/loaders.js';
import type { ServerAccess } from '../orchestration/server-access.js';
import type { BatchStarter } from '../orchestration/outbox/batch-starter.js';
import type { RunStateFeed } from '../orchestration/run-state-feed.js';
import { currentLogContext } from '../observability/log-context.js';

export interface RequestInfo {
  authorization: string | undefined;
  clientAddress: string | null;
  userAgent: string | null;
}

/** Builds a request's context: who is calling, and an EntityManager that sees only what they may see. */
export async function createContext(
  deps: { rootEm: EntityManager; config: Config; temporal: Client; servers: ServerAccess; starter: BatchStarter; runStates: RunStateFeed },
  request: RequestInfo,
): Promise<Context> {
  let viewer;
  try {
    viewer = await authenticate(deps.rootEm, request.authorization, deps.config.tokenSecret, request.clientAddress);
  } catch (err) {
    if (err instanceof AuthError) {
      throw new GraphQLError(err.message, { extensions: { code: ERROR_CODES[err.code], reason: err.code, http: { status: 401 } } });
    }
    throw err;
  }
  // Every later line of this request says who made it.
  const logContext = currentLogContext();
  if (logContext && viewer.kind === 'user') Object.assign(logContext, { actor: viewer.username, account: viewer.accountId });
  const em = deps.rootEm.fork();
  applyTenantScope(em, viewer);
  return {
    em,
    viewer,
    config: deps.config,
    temporal: deps.temporal,
    loaders: createLoaders(em),
    servers: deps.servers,
    starter: deps.starter,
    runStates: deps.runStates,
    request: { clientAddress: request.clientAddress, userAgent: request.userAgent },
    audit: emptyAuditNote(),
  };
}
