import type { GatewayExecutor, GatewayInterface } from '@apollo/server-gateway-interface';
import { GraphQLError, printSchema, type ExecutionResult, type GraphQLSchema } from 'graphql';
import { compileQuery, isCompiledQuery, type CompiledQuery } from 'graphql-jit';

/** How many distinct operations keep their compiled code: a frontend sends a few dozen; the rest are recompiled. */
const CACHED_OPERATIONS = 500;

/**
 * Executes queries and mutations with graphql-jit instead of graphql-js: each distinct operation (Apollo's query hash
 * and the operation name) is compiled once into JavaScript that resolves and completes its fields without graphql-js's
 * generic per-field walk — which was a fifth of a list page's CPU (issue 9, bench/README.md). Apollo still parses,
 * validates (with the depth and cost limits) and formats errors; only execution changes. Subscriptions keep
 * graphql-js (graphql-ws runs them).
 *
 * Plugged in through Apollo's executor seam (the gateway interface), the one documented way to replace execution.
 */
export function compiledExecution(schema: GraphQLSchema): GatewayInterface {
  const compiled = new Map<string, CompiledQuery>();
  const executor: GatewayExecutor = async (request) => {
    const key = `${request.queryHash}:${request.operationName ?? ''}`;
    let query = compiled.get(key);
    if (!query) {
      const result = compileQuery(schema, request.document, request.operationName ?? undefined);
      if (!isCompiledQuery(result)) return result as ExecutionResult;
      query = result;
      if (compiled.size >= CACHED_OPERATIONS) compiled.delete(compiled.keys().next().value!);
      compiled.set(key, query);
    }
    const result = await query.query(undefined, request.context, request.request.variables ?? {});
    if (!result.errors) return result;
    // No data at all: the variables did not coerce, which graphql-js reports (and Apollo answers) as bad user input.
    const code = 'data' in result ? undefined : 'BAD_USER_INPUT';
    return { ...result, errors: result.errors.map((error) => asGraphQLError(error, code)) };
  };
  return {
    async load() {
      return { executor };
    },
    onSchemaLoadOrUpdate(callback) {
      callback({ apiSchema: schema, coreSupergraphSdl: printSchema(schema) });
      return () => undefined;
    },
    async stop() {},
  };
}

/**
 * graphql-jit's errors only look like graphql's: without `extensions` Apollo fails while formatting them and answers
 * a bare internal error, bypassing formatError (which would have found the domain error inside). A real GraphQLError
 * carries the same message, path, locations and original error.
 */
function asGraphQLError(error: GraphQLError, code: string | undefined): GraphQLError {
  const extensions = code ? { ...error.extensions, code } : error.extensions;
  const real = new GraphQLError(error.message, { path: error.path, originalError: error.originalError, extensions });
  (real as { locations: GraphQLError['locations'] }).locations = error.locations;
  return real;
}
