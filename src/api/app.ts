import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { ApolloServerPluginCacheControlDisabled, ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { ApolloServerPluginLandingPageLocalDefault } from '@apollo/server/plugin/landingPage/default';
import { expressMiddleware } from '@as-integrations/express5';
import type { Client } from '@temporalio/client';
import express from 'express';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Config } from '../config/config.js';
import type { Orm } from '../db/orm.js';
import { createSchema } from '../schema/build-schema.js';
import type { Context } from '../schema/context.js';
import { formatError } from '../schema/format-error.js';
import { queryLimits } from '../schema/limits.js';
import { connectionAuthorization } from './connection-authorization.js';
import { uncacheableResponses } from './uncacheable-responses.js';
import { graphqlPost } from './graphql-post.js';
import { httpErrorBody } from './http-error-body.js';
import { createContext } from './create-context.js';
import { compiledExecution } from './compiled-executor.js';
import { RunStateFeed } from '../orchestration/run-state-feed.js';
import { WebSocketServer } from 'ws';
import { useServer } from 'graphql-ws/use/ws';
import { GraphQLError, specifiedRules, validate } from 'graphql';
import { outboxOf, setBatchStarter } from '../orchestration/outbox/outbox-registry.js';
import { relayUnstartedBatches } from '../orchestration/outbox/relay.js';
import { TemporalBatchStarter } from '../orchestration/outbox/temporal-batch-starter.js';
import { sshServerAccess, type ServerAccess } from '../orchestration/server-access.js';
import { log as logger } from '../observability/logger.js';
import { graphqlObservability } from '../observability/graphql-observability.js';
import { requestScope } from '../observability/request-scope.js';
import { requestSpan } from '../observability/request-span.js';
import { processRegistry } from '../observability/metrics/process-metrics.js';
import { databaseGaugesRegistry } from '../observability/metrics/database-gauges.js';
import { METRICS_CONTENT_TYPE, metricsText } from '../observability/metrics/metrics-endpoint.js';

export interface ApiHandle {
  url: string;
  close(): Promise<void>;
}

/** Starts the HTTP server: GraphQL at /graphql (Apollo Sandbox when introspection is on), liveness at /healthz. */
export async function startApi(opts: {
  config: Config;
  orm: Orm;
  temporal: Client;
  servers?: ServerAccess;
  log?: (err: unknown) => void;
}): Promise<ApiHandle> {
  const { config, orm, temporal } = opts;
  const servers = opts.servers ?? sshServerAccess(config.sshPrivateKeyPath);
  const log = opts.log ?? ((err: unknown) => logger.error({ err }, 'unexpected error'));
  const app = express();
  app.set('trust proxy', 'loopback');
  // The framework is nobody's business; nor is it sent by the POST /graphql fast path (graphqlPost).
  app.disable('x-powered-by');
  // POST /graphql goes straight to Apollo (graphqlPost, once Apollo has started); everything else through Express.
  const fastPath: { graphqlPost?: (req: IncomingMessage, res: ServerResponse) => boolean } = {};
  const httpServer = createServer((req, res) => {
    if (!fastPath.graphqlPost?.(req, res)) app(req, res);
  });
  // An idle connection is closed by the load balancer in front (60 s at the common ones), never by the API first: when
  // the API closed first (Node's 5 s), a request sent on the connection as it closed failed with ECONNRESET.
  httpServer.keepAliveTimeout = 65_000;
  httpServer.headersTimeout = 66_000;
  const schema = await createSchema();
  // Batches this API commits are started right after commit; any left unstarted (Temporal was down, a process died)
  // are started now, and every minute by the relay schedule.
  const starter = new TemporalBatchStarter(temporal, config.temporalTaskQueue, orm.em);
  setBatchStarter(orm, starter);
  outboxOf(orm).track(relayUnstartedBatches(orm.em.fork(), starter, 0).then(() => undefined, (err) => log(err)));
  const runStates = new RunStateFeed(config.databaseUrl);
  await runStates.start();
  const contextDeps = { rootEm: orm.em, config, temporal, servers, starter, runStates };

  // Subscriptions: graphql-ws on the same path. The token comes in the connection's init payload
  // (see connectionAuthorization), checked like an HTTP request's header. It is checked when a subscription starts, in
  // onSubscribe, because a bad one must be a typed error on that subscription: an exception from `context` would close
  // the socket with an untyped internal error. The context made there is the one the subscription runs with.
  const wsServer = new WebSocketServer({ server: httpServer, path: '/graphql' });
  const subscriptionContexts = new WeakMap<object, Context>();
  const wsCleanup = useServer(
    {
      schema,
      validate: (s, document) => validate(s, document, [...specifiedRules, queryLimits(config.graphqlMaxDepth, config.graphqlMaxCost)]),
      onSubscribe: async (ctx, _id, payload) => {
        try {
          const context = await createContext(contextDeps, {
            authorization: connectionAuthorization(ctx.connectionParams),
            clientAddress: ctx.extra.request.socket.remoteAddress ?? null,
            userAgent: ctx.extra.request.headers['user-agent'] ?? null,
          });
          subscriptionContexts.set(payload, context);
        } catch (err) {
          if (err instanceof GraphQLError) return [err];
          throw err;
        }
      },
      context: (_ctx, _id, payload) => subscriptionContexts.get(payload)!,
      // The same error shapes as over HTTP: domain codes, no internal details. An error thrown by the event stream (an
      // operation that is not there) reaches here wrapped by graphql-ws without a path, which formatError's unwrapping
      // would not see through: unwrap it here.
      onError: (_ctx, _id, _payload, errors) => errors.map((err) => formatError(err.toJSON(), err.originalError ?? err, log)),
      onNext: (_ctx, _id, _payload, _args, result) =>
        result.errors ? { ...result, errors: result.errors.map((err) => formatError(err.toJSON(), err, log)) } : undefined,
    },
    wsServer,
  );
  const apollo = new ApolloServer<Context>({
    gateway: compiledExecution(schema),
    introspection: config.graphqlIntrospection,
    validationRules: [queryLimits(config.graphqlMaxDepth, config.graphqlMaxCost)],
    formatError: (formatted, error) => formatError(formatted, error, log),
    includeStacktraceInErrorResponses: false,
    // Shutdown is ours (src/process/shutdown.ts): Apollo's own signal handler made close() hang.
    stopOnTerminationSignals: false,
    plugins: [
      ApolloServerPluginDrainHttpServer({ httpServer }),
      { serverWillStart: async () => ({ drainServer: async () => { await wsCleanup.dispose(); } }) },
      config.graphqlIntrospection ? ApolloServerPluginLandingPageLocalDefault({ embed: true }) : ApolloServerPluginLandingPageDisabled(),
      // No plugin may have a per-field hook (willResolveField): one would make Apollo wrap every resolver.
      ApolloServerPluginCacheControlDisabled(),
      uncacheableResponses(),
      graphqlObservability(),
    ],
  });
  await apollo.start();
  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  // Prometheus: this process's events and the gauges read from the database now (src/observability/metrics/).
  const metricsRegistries = [processRegistry, databaseGaugesRegistry(orm.em)];
  app.get('/metrics', (_req, res, next) => {
    metricsText(metricsRegistries).then((text) => res.type(METRICS_CONTENT_TYPE).send(text), next);
  });
  const contextOf = (req: IncomingMessage) =>
    createContext(contextDeps, {
      authorization: req.headers.authorization,
      clientAddress: clientAddressOf(app, req),
      userAgent: req.headers['user-agent'] ?? null,
    });
  app.use(
    '/graphql',
    express.json({ limit: '1mb' }),
    // After the body is read: the log context must enclose Apollo's whole handling (a stream's events would lose it).
    requestScope,
    requestSpan,
    expressMiddleware(apollo, { context: ({ req }) => contextOf(req) }),
  );
  fastPath.graphqlPost = graphqlPost({
    apollo,
    context: contextOf,
    scope: (req, res, handle) => requestScope(req, res, () => requestSpan(req, res, handle)),
    log,
  });
  // Body-parser and other HTTP-level failures: a GraphQL-shaped JSON error, never Express's HTML page with a stack.
  app.use((err: { status?: number; type?: string }, _req: express.Request, res: express.Response, _next: express.NextFunction) => {
    const status = err.status && err.status >= 400 && err.status < 500 ? err.status : 500;
    if (status === 500) log(err);
    res.status(status).type('json').send(httpErrorBody(status, err.type === 'entity.parse.failed'));
  });
  await new Promise<void>((resolve) => httpServer.listen(config.port, config.host, resolve));
  const { port } = httpServer.address() as AddressInfo;
  let closing: Promise<void> | undefined;
  return {
    url: `http://localhost:${port}/graphql`,
    close() {
      closing ??= (async () => {
        await apollo.stop();
        // No request commits any more; the batches they committed are being started: let those calls end before
        // the caller closes the Temporal connection.
        await outboxOf(orm).startsSettled();
        await Promise.all([servers.close(), runStates.close()]);
      })();
      return closing;
    },
  };
}

/**
 * The caller's address as Express's `req.ip` gives it (`trust proxy`: X-Forwarded-For from loopback proxies), for a
 * request Express may not have seen (graphqlPost): it is given Express's request prototype, as Express gives it.
 */
function clientAddressOf(app: express.Express, req: IncomingMessage): string | null {
  if (Object.getPrototypeOf(req) !== app.request) Object.setPrototypeOf(req, app.request);
  return (req as express.Request).ip ?? null;
}
