import type { GraphQLFormattedError } from 'graphql';
import { unwrapResolverError } from '@apollo/server/errors';
import { ArgumentValidationError } from 'type-graphql';
import { DomainError, ERROR_CODES } from '../errors/domain-error.js';
import { UserInputError } from '../errors/user-input-error.js';

/**
 * Turns every error into what a client may see: domain errors keep their message and get their GraphQL code
 * (plus the domain code in `extensions.reason`); anything unexpected becomes INTERNAL_SERVER_ERROR with no details
 * (logged server-side). Never a stack trace.
 */
export function formatError(formatted: GraphQLFormattedError, error: unknown, log: (err: unknown) => void): GraphQLFormattedError {
  const original = unwrapResolverError(error);
  const base = { message: formatted.message, locations: formatted.locations, path: formatted.path };
  if (original instanceof DomainError) {
    return { ...base, message: original.message, extensions: { code: ERROR_CODES[original.code], reason: original.code } };
  }
  if (original instanceof UserInputError) {
    return { ...base, message: original.message, extensions: { code: 'BAD_USER_INPUT', userErrors: original.errors } };
  }
  if (original instanceof ArgumentValidationError) {
    return { ...base, message: 'Argument validation failed', extensions: { code: 'BAD_USER_INPUT' } };
  }
  const code = formatted.extensions?.code;
  const reason = formatted.extensions?.reason;
  // Errors graphql and Apollo raise themselves (parse, validation, bad variables) are safe to show as they are, with
  // the domain code of our own validation rules (src/schema/limits.ts).
  if (typeof code === 'string' && code !== 'INTERNAL_SERVER_ERROR') {
    return { ...base, extensions: { code, ...(typeof reason === 'string' && reason in ERROR_CODES && { reason }) } };
  }
  log(original);
  return { ...base, message: 'Internal server error', extensions: { code: 'INTERNAL_SERVER_ERROR' } };
}
