import type { GraphQLInterfaceType, GraphQLSchema } from 'graphql';
import { Field, ID, InterfaceType } from 'type-graphql';

/** Roots are ORM entities; their class name is the GraphQL type name. */
function nodeTypeName(value: object): string {
  return value.constructor.name;
}

/**
 * type-graphql wraps every resolveType in an async function; graphql-jit (src/api/compiled-executor.ts) needs the
 * type synchronously — graphql-js takes either — so the schema gets the plain function back.
 */
export function resolveNodeTypeSynchronously(schema: GraphQLSchema): void {
  (schema.getType('Node') as GraphQLInterfaceType).resolveType = nodeTypeName;
}

/** Relay's Node: every object with an identity, fetchable by its global id through `node(id)`. */
@InterfaceType('Node', {
  resolveType: nodeTypeName,
})
export abstract class Node {
  @Field(() => ID)
  id!: string;
}
