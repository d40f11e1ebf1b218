import { createParameterDecorator } from 'type-graphql';

/**
 * The object a field belongs to, exactly as its parent resolver returned it: type-graphql's `@Root()` instead copies
 * it into a new instance of the parameter's declared class whenever it is not one already — for a list page read as
 * rows (relay/read-rows.ts) that was a MikroORM entity constructed per field resolver call, and the copy loses the
 * rows' relation getters. Field resolvers take `@Parent()`; nothing else changes for them.
 */
export function Parent() {
  return createParameterDecorator(({ root }) => root);
}
