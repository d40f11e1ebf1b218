/**
 * Errors with string codes, one class per domain. Every code maps to exactly one GraphQL `extensions.code`
 * (see src/schema/format-error.ts): the compiler checks that the map is exhaustive.
 */
export const ERROR_CODES = {
  UNAUTHENTICATED: 'UNAUTHENTICATED',
  INVALID_CREDENTIALS: 'UNAUTHENTICATED',
  TOKEN_EXPIRED: 'UNAUTHENTICATED',
  SESSION_ENDED: 'UNAUTHENTICATED',
  FORBIDDEN: 'FORBIDDEN',
  NOT_FOUND: 'NOT_FOUND',
  INVALID_ID: 'BAD_USER_INPUT',
  QUERY_TOO_COMPLEX: 'GRAPHQL_VALIDATION_FAILED',
  TEMPORAL_UNAVAILABLE: 'SERVICE_UNAVAILABLE',
  SERVER_UNREACHABLE: 'SERVICE_UNAVAILABLE',
} as const satisfies Record<string, string>;

export type ErrorCode = keyof typeof ERROR_CODES;

export class DomainError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    /** The argument or input field at fault, when there is one: a mutation reports it as a userError there. */
    readonly field?: string,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

export class AuthError extends DomainError {}
/** A managed server did not answer (refused, timed out, unknown host): nothing about it could be read now. */
export class ServerUnreachableError extends DomainError {
  constructor(server: string, why: string) {
    super('SERVER_UNREACHABLE', `server ${server} did not answer: ${why}`);
  }
}

export class NotFoundError extends DomainError {
  constructor(what: string, field?: string) {
    super('NOT_FOUND', `${what} not found`, field);
  }
}
