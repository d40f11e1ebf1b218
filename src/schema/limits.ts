import {
  GraphQLError, getNamedType, isListType, isNonNullType, isObjectType, isInterfaceType, Kind,
  type FieldNode, type GraphQLOutputType, type ValidationContext, type ASTVisitor, type SelectionSetNode,
  type FragmentDefinitionNode, type GraphQLCompositeType,
} from 'graphql';
import { ERROR_CODES, type ErrorCode } from '../errors/domain-error.js';
import { fieldCost } from './cost.js';

/**
 * Validation rules that refuse queries too deep or too expensive before anything runs.
 * Cost: a field costs its price (src/schema/cost.ts: 1 for a plain field, more for fields that start workflows, open
 * SSH connections, hash passwords, and for mutations); a list field multiplies what is below it by its `first`
 * argument (default 20, or 100 for plain lists). The estimate is an upper bound, so a refused query is always really
 * large.
 */
/** GraphQL's code for a refused document, with the domain code saying why (kept by src/schema/format-error.ts). */
const tooComplex = () => ({ extensions: { code: ERROR_CODES.QUERY_TOO_COMPLEX, reason: 'QUERY_TOO_COMPLEX' satisfies ErrorCode } });

export function queryLimits(maxDepth: number, maxCost: number) {
  return (context: ValidationContext): ASTVisitor => {
    const fragments = new Map<string, FragmentDefinitionNode>();
    for (const def of context.getDocument().definitions) if (def.kind === Kind.FRAGMENT_DEFINITION) fragments.set(def.name.value, def);
    return {
      OperationDefinition(operation) {
        const rootType =
          operation.operation === 'query' ? context.getSchema().getQueryType()
          : operation.operation === 'mutation' ? context.getSchema().getMutationType()
          : context.getSchema().getSubscriptionType();
        if (!rootType) return;
        const { depth, cost } = measure(operation.selectionSet, rootType, fragments, 0, new Set());
        if (depth > maxDepth) {
          context.reportError(new GraphQLError(`Query depth ${depth} exceeds the limit of ${maxDepth}`, tooComplex()));
        }
        if (cost > maxCost) {
          context.reportError(new GraphQLError(`Query cost ${cost} exceeds the limit of ${maxCost}`, tooComplex()));
        }
      },
    };
  };
}

function measure(
  selectionSet: SelectionSetNode,
  type: GraphQLCompositeType,
  fragments: Map<string, FragmentDefinitionNode>,
  depth: number,
  visiting: Set<string>,
): { depth: number; cost: number } {
  let maxDepth = depth;
  let cost = 0;
  for (const selection of selectionSet.selections) {
    if (selection.kind === Kind.FIELD) {
      const result = measureField(selection, type, fragments, depth, visiting);
      maxDepth = Math.max(maxDepth, result.depth);
      cost += result.cost;
    } else {
      const fragment = selection.kind === Kind.FRAGMENT_SPREAD ? fragments.get(selection.name.value) : selection;
      const name = selection.kind === Kind.FRAGMENT_SPREAD ? selection.name.value : null;
      if (!fragment || (name && visiting.has(name))) continue; // unknown or cyclic: graphql's own rules report it
      if (name) visiting.add(name);
      const result = measure(fragment.selectionSet, type, fragments, depth, visiting);
      if (name) visiting.delete(name);
      maxDepth = Math.max(maxDepth, result.depth);
      cost += result.cost;
    }
  }
  return { depth: maxDepth, cost };
}

function measureField(
  field: FieldNode,
  parent: GraphQLCompositeType,
  fragments: Map<string, FragmentDefinitionNode>,
  depth: number,
  visiting: Set<string>,
): { depth: number; cost: number } {
  if (field.name.value.startsWith('__')) return { depth, cost: 0 };
  const definition = isObjectType(parent) || isInterfaceType(parent) ? parent.getFields()[field.name.value] : undefined;
  const own = fieldCost(definition?.extensions, parent.name === 'Mutation');
  if (!definition || !field.selectionSet) return { depth: depth + 1, cost: own };
  const named = getNamedType(definition.type) as GraphQLCompositeType;
  const inner = measure(field.selectionSet, named, fragments, depth + 1, visiting);
  // A connection's edges and nodes are the page its `first` already counted.
  const pageOfConnection = parent.name.endsWith('Connection') && ['edges', 'nodes'].includes(field.name.value);
  return { depth: inner.depth, cost: own + (pageOfConnection ? 1 : multiplier(field, definition.type)) * inner.cost };
}

function multiplier(field: FieldNode, type: GraphQLOutputType): number {
  const first = field.arguments?.find((a) => a.name.value === 'first');
  if (first?.value.kind === Kind.INT) return Math.max(1, Number(first.value.value));
  if (first) return 100; // a variable: assume the maximum page
  const unwrapped = isNonNullType(type) ? type.ofType : type;
  if (isListType(unwrapped)) return 20;
  return getNamedType(type).name.endsWith('Connection') ? 20 : 1;
}
