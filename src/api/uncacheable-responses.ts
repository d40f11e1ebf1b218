import type { ApolloServerPlugin } from '@apollo/server';

/**
 * `Cache-Control: no-store` on every GraphQL response over HTTP: answers depend on who asks and change at any time.
 * It is what Apollo's default cache-control plugin sent for this schema (no cache hints anywhere), without that
 * plugin's `willResolveField` hook, which makes Apollo wrap every field resolver of the schema and call the hook on
 * each field of every answer.
 */
export function uncacheableResponses(): ApolloServerPlugin {
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ response }) {
          response.http.headers.set('cache-control', 'no-store');
        },
      };
    },
  };
}
