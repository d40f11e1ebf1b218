import type { GraphQLFieldResolver } from 'graphql';
import { inSpan, tracingActive } from './tracing.js';

/**
 * A root field's resolver in a span of its own (`resolve Mutation.createAccount`), under the request's span. Root
 * fields only, like the other wrappers of the root-field guard: a span per field of a 50-item page would cost more
 * than the page. With tracing off it is one boolean test.
 */
export function traceRootField<S, C, A>(resolve: GraphQLFieldResolver<S, C, A>): GraphQLFieldResolver<S, C, A> {
  return (root, args, context, info) => {
    if (!tracingActive()) return resolve(root, args, context, info);
    return inSpan(`resolve ${info.parentType.name}.${info.fieldName}`, { attributes: { 'graphql.field.name': info.fieldName } }, () =>
      resolve(root, args, context, info),
    );
  };
}
