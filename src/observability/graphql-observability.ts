import type { ApolloServerPlugin } from '@apollo/server';
import type { OperationDefinitionNode } from 'graphql';
import { log } from './logger.js';
import { graphqlDuration, graphqlErrors } from './metrics/process-metrics.js';
import { nameRequestSpan } from './request-span.js';

/**
 * The metric label of a request: its root field names (`createAccount`, `operations`), which the schema bounds. The
 * client's operation name is free text (any name would be a new time series) and goes to the log only.
 */
function rootFields(operation: OperationDefinitionNode | undefined): string {
  if (!operation) return '(invalid)';
  const names = operation.selectionSet.selections.map((s) => (s.kind === 'Field' ? s.name.value : '(fragment)'));
  return [...new Set(names)].sort().slice(0, 3).join(',');
}

/**
 * Apollo plugin: each request's duration by operation, its top-level errors by code, and one log line (with the
 * request id, actor and account of the log context). Request-level hooks only: a per-field hook would make Apollo wrap
 * every resolver (docs/architecture.md §3).
 */
export function graphqlObservability(): ApolloServerPlugin {
  return {
    async requestDidStart(requestContext) {
      const started = process.hrtime.bigint();
      return {
        async willSendResponse(ctx) {
          const seconds = Number(process.hrtime.bigint() - started) / 1e9;
          const operation = rootFields(ctx.operation ?? undefined);
          const type = ctx.operation?.operation ?? 'invalid';
          graphqlDuration.observe({ operation, type }, seconds);
          nameRequestSpan(type, operation);
          // The errors as sent (formatError gave them their codes), not as thrown.
          const sent = ctx.response.body.kind === 'single' ? ctx.response.body.singleResult.errors : ctx.errors;
          const codes = (sent ?? []).map((e) => String(e.extensions?.code ?? 'INTERNAL_SERVER_ERROR'));
          for (const code of codes) graphqlErrors.inc({ operation, code });
          log.info(
            { operation, operationName: requestContext.request.operationName, type, durationMs: Math.round(seconds * 1000), errors: codes.length ? codes : undefined },
            'graphql request',
          );
          log.debug({ variables: requestContext.request.variables }, 'graphql request variables');
        },
      };
    },
  };
}
