import type { GatewayExecutor, GatewayGraphQLRequestContext, GatewayInterface } from '@apollo/server-gateway-interface';
import {
  BREAK,
  execute,
  getVariableValues,
  GraphQLError,
  GraphQLScalarType,
  GraphQLSchema,
  Kind,
  printSchema,
  visit,
  type DocumentNode,
  type ExecutionResult,
  type OperationDefinitionNode,
  type VariableDefinitionNode,
} from 'graphql';
import { compileQuery, isCompiledQuery, type CompiledQuery } from 'graphql-jit';

/** How many distinct operations keep their compiled code: a frontend sends a few dozen; the rest are recompiled. */
const CACHED_OPERATIONS = 500;

/**
 * The type every variable is declared with in the code graphql-jit compiles: its values arrive coerced by graphql-js
 * already and pass through unchanged. Only the compiler's copy of the schema has it (see compilationSchema).
 */
const COERCED_VARIABLE = new GraphQLScalarType({ name: 'OrchestraCoercedVariable', parseValue: (value) => value });

type Execution = CompiledQuery | 'graphql-js';

/**
 * Executes queries and mutations with graphql-jit instead of graphql-js: each distinct operation (Apollo's query hash
 * and the operation name) is compiled once into JavaScript that resolves and completes its fields without graphql-js's
 * generic per-field walk — which was a fifth of a list page's CPU (issue 9, bench/README.md). Apollo still parses,
 * validates (with the depth and cost limits) and formats errors; only execution changes. Subscriptions keep
 * graphql-js (graphql-ws runs them), and so does introspection (see compilationSchema).
 *
 * Variables are coerced by graphql-js, as before, and graphql-jit gets the coerced values: its own coercion does not
 * apply the defaults of non-null input fields (`direction: SortDirection! = ASC` left out was "not provided"), words
 * its errors differently, and would coerce a second time what graphql-js coerced (an enum's internal value is not a
 * name). So the operation it compiles declares every variable as COERCED_VARIABLE, whose values pass unchanged —
 * except Booleans, which its @skip/@include check needs as declared and whose coercion changes nothing.
 *
 * Plugged in through Apollo's executor seam (the gateway interface), the one documented way to replace execution.
 */
export function compiledExecution(schema: GraphQLSchema): GatewayInterface {
  const compilerSchema = compilationSchema(schema);
  const executions = new Map<string, Execution>();

  const executionOf = (request: GatewayGraphQLRequestContext): Execution | ExecutionResult => {
    const key = `${request.queryHash}:${request.operationName ?? ''}`;
    const known = executions.get(key);
    if (known) return known;
    let execution: Execution;
    if (introspects(request.document)) {
      execution = 'graphql-js';
    } else {
      const document = withCoercedVariables(request.document, request.operation);
      const compiled = compileQuery(compilerSchema, document, request.operationName ?? undefined);
      if (!isCompiledQuery(compiled)) return compiled as ExecutionResult;
      execution = compiled;
    }
    if (executions.size >= CACHED_OPERATIONS) executions.delete(executions.keys().next().value!);
    executions.set(key, execution);
    return execution;
  };

  const executor: GatewayExecutor = async (request) => {
    const variables = request.request.variables ?? {};
    const execution = executionOf(request);
    if (execution === 'graphql-js') {
      return execute({ schema, document: request.document, contextValue: request.context, variableValues: variables, operationName: request.operationName });
    }
    if (!isCompiledQuery(execution)) return execution;
    // graphql-js's own coercion and errors (Apollo answers them as BAD_USER_INPUT with status 400, as before).
    const coerced = getVariableValues(schema, request.operation.variableDefinitions ?? [], variables, { maxErrors: 50 });
    if (coerced.errors) return { errors: coerced.errors };
    const result = await execution.query(undefined, request.context, coerced.coerced);
    if (!result.errors) return result;
    return { ...result, errors: result.errors.map(asGraphQLError) };
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
 * The schema graphql-jit compiles against: the same types (and so the same resolvers) plus COERCED_VARIABLE. Clients
 * never see it: introspection runs on graphql-js over the real schema.
 */
function compilationSchema(schema: GraphQLSchema): GraphQLSchema {
  const config = schema.toConfig();
  return new GraphQLSchema({ ...config, types: [...config.types, COERCED_VARIABLE], assumeValid: true });
}

function withCoercedVariables(document: DocumentNode, operation: OperationDefinitionNode): DocumentNode {
  const passThrough = (definition: VariableDefinitionNode): VariableDefinitionNode => {
    const named = definition.type.kind === Kind.NON_NULL_TYPE ? definition.type.type : definition.type;
    if (named.kind === Kind.NAMED_TYPE && named.name.value === 'Boolean') return definition;
    return { ...definition, type: { kind: Kind.NAMED_TYPE, name: { kind: Kind.NAME, value: COERCED_VARIABLE.name } }, defaultValue: undefined };
  };
  const compiled: OperationDefinitionNode = { ...operation, variableDefinitions: operation.variableDefinitions?.map(passThrough) };
  return { ...document, definitions: document.definitions.map((definition) => (definition === operation ? compiled : definition)) };
}

function introspects(document: DocumentNode): boolean {
  let found = false;
  visit(document, {
    Field(node) {
      if (node.name.value === '__schema' || node.name.value === '__type') {
        found = true;
        return BREAK;
      }
    },
  });
  return found;
}

/**
 * graphql-jit's errors only look like graphql's: without `extensions` Apollo fails while formatting them and answers
 * a bare internal error, bypassing formatError (which would have found the domain error inside). A real GraphQLError
 * carries the same message, path, locations and original error.
 */
function asGraphQLError(error: GraphQLError): GraphQLError {
  const real = new GraphQLError(error.message, { path: error.path, originalError: error.originalError, extensions: error.extensions });
  (real as { locations: GraphQLError['locations'] }).locations = error.locations;
  return real;
}
