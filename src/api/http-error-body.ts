/**
 * The GraphQL-shaped JSON answer to a request that failed before GraphQL (a body that is not JSON, a bad request, an
 * internal error), never Express's HTML page with a stack. One writer for both HTTP paths: Express's error handler
 * and the POST /graphql fast path (src/api/graphql-post.ts), so they answer byte for byte alike.
 */
export function httpErrorBody(status: number, notJson = false): string {
  const message = notJson ? 'Request body is not valid JSON' : status === 500 ? 'Internal server error' : 'Bad request';
  return JSON.stringify({ errors: [{ message, extensions: { code: status === 500 ? 'INTERNAL_SERVER_ERROR' : 'BAD_REQUEST' } }] });
}
