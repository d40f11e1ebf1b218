import { Field, ID, InterfaceType } from 'type-graphql';

/** Relay's Node: every object with an identity, fetchable by its global id through `node(id)`. */
@InterfaceType('Node', {
  // Roots are ORM entities; their class name is the GraphQL type name.
  resolveType: (value: object) => value.constructor.name,
})
export abstract class Node {
  @Field(() => ID)
  id!: string;
}
